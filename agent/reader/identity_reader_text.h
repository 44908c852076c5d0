// Small text helpers of the identities reader: UTF-8 validation, UTF-16 length (AD counts proxy lengths in
// UTF-16 code units) and quoting a value for an error message.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ctim::agent {

// True when every byte is printable ASCII (0x20-0x7E): then the text is valid UTF-8, has no control
// character and its UTF-16 length is its size. The common case, checked 8 bytes at a time.
[[nodiscard]] bool IsPrintableAscii(std::string_view text);
// Byte offset of the first byte that is not part of well-formed UTF-8 (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF), or nullopt when all of `text` is valid.
[[nodiscard]] std::optional<std::size_t> FindInvalidUtf8(std::string_view text);
// Byte offset of the first C0 control character (U+0000-U+001F) or DEL, or nullopt.
[[nodiscard]] std::optional<std::size_t> FindControlCharacter(std::string_view text);
// 1-based character (code point) number of the byte at `byte_offset`, for messages.
// REQUIRES: text[0, byte_offset) is valid UTF-8.
[[nodiscard]] std::size_t CharacterNumber(std::string_view text, std::size_t byte_offset);
// Length in UTF-16 code units. REQUIRES: valid UTF-8.
[[nodiscard]] std::size_t Utf16Length(std::string_view utf8);

// `"value"` for a message: control characters and invalid bytes escaped (\n, \x00), quotes doubled as
// \", and cut to `max_chars` characters with a trailing "…", so one message is always one line.
[[nodiscard]] std::string QuoteForMessage(std::string_view value, std::size_t max_chars = 60);

}  // namespace ctim::agent
