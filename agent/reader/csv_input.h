// The bytes of a CSV file as UTF-8, read from a std::istream in fixed-size chunks (constant memory).
// Detects the byte-order mark: UTF-8 BOM is dropped, UTF-16 LE/BE is transcoded to UTF-8 (Windows
// PowerShell 5.1 writes UTF-16 LE by default) or refused, UTF-32 is refused. In a UTF-16 file an unpaired
// surrogate or a trailing odd byte becomes the byte 0xFF, which is never valid UTF-8, so the field holding
// it fails UTF-8 validation with its row and column instead of being silently replaced.
// Not thread-safe. The stream must outlive the CsvInput.
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace ctim::agent {

enum class TextEncoding { kUtf8, kUtf8Bom, kUtf16Le, kUtf16Be };
std::string_view TextEncodingName(TextEncoding encoding);  // "utf-8", "utf-8 (BOM)", "utf-16le", ...

class CsvInput {
 public:
  static constexpr std::size_t kDefaultChunkBytes = 64 * 1024;

  // REQUIRES: chunk_bytes >= 1. Small chunks exist for tests of chunk boundaries.
  explicit CsvInput(std::istream& in, std::size_t chunk_bytes = kDefaultChunkBytes);

  // Reads the byte-order mark, if any, and decides the encoding. Fails (kInvalidInput) for UTF-32, and
  // for UTF-16 when transcode_utf16 is false. Call once, before Read().
  Status Start(bool transcode_utf16);
  // The next UTF-8 bytes; empty at the end of the input. The view is valid until the next call.
  std::string_view Read();

  [[nodiscard]] TextEncoding encoding() const { return encoding_; }
  // True once the stream reported a read error (badbit) rather than a clean end of file.
  [[nodiscard]] bool failed() const { return failed_; }

 private:
  std::size_t Fill(char* dst, std::size_t max);  // raw bytes from the stream
  std::string_view DecodeUtf16(std::string_view raw, bool at_end);
  void AppendCodePoint(std::uint32_t cp);

  std::istream* in_;
  std::size_t chunk_bytes_;
  TextEncoding encoding_ = TextEncoding::kUtf8;
  bool failed_ = false;
  bool eof_ = false;
  std::string pending_;  // bytes read while sniffing the BOM, handed out by the first Read()
  // The chunk buffer, not zero-filled: a small file touches only the bytes it fills (the reader is made per
  // file, and 64 KiB of zeroes was most of the cost of a short one).
  std::unique_ptr<char[]> raw_;
  std::string out_;  // transcoded UTF-8 (UTF-16 input only)
  // UTF-16 decoding state carried across chunks.
  int odd_byte_ = -1;  // a first byte of a code unit whose second byte is in the next chunk
  std::uint32_t high_surrogate_ = 0;
};

}  // namespace ctim::agent
