// Well-formed UTF-8 (RFC 3629): the one check of a sequence, for the identities reader and for the
// configuration's TOML strings.
#pragma once

#include <cstddef>
#include <string_view>

namespace ctim {

// Length of the well-formed UTF-8 sequence starting at text[i] (1-4), or 0 if it is not one: no overlong
// forms, no surrogates, nothing above U+10FFFF. REQUIRES: i < text.size(). Inline: the reader calls it
// for every byte outside ASCII.
[[nodiscard]] inline std::size_t Utf8SequenceLength(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  const std::size_t left = text.size() - i;
  if (b0 < 0x80) return 1;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    return (left >= 2 && (byte(i + 1) & 0xC0) == 0x80) ? 2 : 0;
  }
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (left < 3) return 0;
    const unsigned char b1 = byte(i + 1);
    // E0 needs A0..BF (no overlong), ED needs 80..9F (no surrogates).
    const unsigned char lo = (b0 == 0xE0) ? 0xA0 : 0x80;
    const unsigned char hi = (b0 == 0xED) ? 0x9F : 0xBF;
    if (b1 < lo || b1 > hi || (byte(i + 2) & 0xC0) != 0x80) return 0;
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (left < 4) return 0;
    const unsigned char b1 = byte(i + 1);
    // F0 needs 90..BF (no overlong), F4 needs 80..8F (nothing above U+10FFFF).
    const unsigned char lo = (b0 == 0xF0) ? 0x90 : 0x80;
    const unsigned char hi = (b0 == 0xF4) ? 0x8F : 0xBF;
    if (b1 < lo || b1 > hi || (byte(i + 2) & 0xC0) != 0x80 || (byte(i + 3) & 0xC0) != 0x80) return 0;
    return 4;
  }
  return 0;
}

}  // namespace ctim
