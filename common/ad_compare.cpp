#include "common/ad_compare.h"

#include <cstdint>

#include "common/ascii.h"

namespace ctim {
namespace {

// Simple (1:1) lower-case mapping for the code points this file covers; everything else unchanged.
char32_t LowerCodePoint(char32_t cp) {
  if (cp < 0x80) return static_cast<char32_t>(AsciiLower(static_cast<char>(cp)));
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 0x20;  // Latin-1 letters
  // Latin Extended-A pairs; U+0130 (I with dot) lower-cases to ASCII 'i' plus a mark: left as is.
  if (cp >= 0x100 && cp <= 0x137 && cp % 2 == 0 && cp != 0x130) return cp + 1;
  if (cp >= 0x139 && cp <= 0x148 && cp % 2 == 1) return cp + 1;
  if (cp >= 0x14A && cp <= 0x177 && cp % 2 == 0) return cp + 1;
  if (cp == 0x178) return 0xFF;
  if (cp >= 0x179 && cp <= 0x17E && cp % 2 == 1) return cp + 1;
  if (cp >= 0x391 && cp <= 0x3AB && cp != 0x3A2) return cp + 0x20;  // Greek capitals
  if (cp >= 0x400 && cp <= 0x40F) return cp + 0x50;                 // Cyrillic Ѐ..Џ
  if (cp >= 0x410 && cp <= 0x42F) return cp + 0x20;                 // Cyrillic А..Я
  return cp;
}

// Folds the character at text[i] into out[0..] and returns its length in bytes (1 or 2): folding keeps the
// UTF-8 length of every character it covers (a two-byte letter lower-cases to a two-byte letter), so a
// value folds in place. Bytes that do not start a two-byte sequence are one character each.
std::size_t FoldAt(std::string_view text, std::size_t i, char* out) {
  const auto b0 = static_cast<std::uint8_t>(text[i]);
  if (b0 < 0x80) {
    out[0] = AsciiLower(text[i]);
    return 1;
  }
  if ((b0 & 0xE0) == 0xC0 && i + 1 < text.size()) {
    const auto b1 = static_cast<std::uint8_t>(text[i + 1]);
    if ((b1 & 0xC0) == 0x80) {
      const char32_t cp = (static_cast<char32_t>(b0 & 0x1F) << 6) | (b1 & 0x3F);
      const char32_t lower = LowerCodePoint(cp);
      if (cp >= 0x80 && lower >= 0x80 && lower < 0x800) {
        out[0] = static_cast<char>(0xC0 | (lower >> 6));
        out[1] = static_cast<char>(0x80 | (lower & 0x3F));
        return 2;
      }
    }
  }
  out[0] = text[i];  // longer sequences and invalid UTF-8: unchanged
  return 1;
}

}  // namespace

std::string FoldCase(std::string_view text) {
  std::string out(text.size(), '\0');
  for (std::size_t i = 0; i < text.size();) i += FoldAt(text, i, out.data() + i);
  return out;
}

bool EqualsFolded(std::string_view a, std::string_view b) {
  // Folding keeps the UTF-8 length of every covered letter, so different sizes never fold equal.
  if (a.size() != b.size()) return false;
  if (a == b) return true;
  // Character by character, without building the folded strings. Where one side has a two-byte letter and
  // the other a single byte, the folded bytes differ there (a lead byte against ASCII or a copied byte, then
  // a continuation byte against a non-continuation one), so FoldCase(a) != FoldCase(b) as well.
  char fa[2] = {};
  char fb[2] = {};
  for (std::size_t i = 0; i < a.size();) {
    const std::size_t na = FoldAt(a, i, fa);
    const std::size_t nb = FoldAt(b, i, fb);
    if (na != nb || fa[0] != fb[0] || (na == 2 && fa[1] != fb[1])) return false;
    i += na;
  }
  return true;
}

}  // namespace ctim
