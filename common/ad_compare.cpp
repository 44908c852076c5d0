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

void AppendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace

std::string FoldCase(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto b0 = static_cast<std::uint8_t>(text[i]);
    if (b0 < 0x80) {
      out.push_back(AsciiLower(text[i]));
      ++i;
      continue;
    }
    // Two-byte sequences hold every letter we fold; copy anything else (longer or invalid) unchanged.
    if ((b0 & 0xE0) == 0xC0 && i + 1 < text.size()) {
      const auto b1 = static_cast<std::uint8_t>(text[i + 1]);
      if ((b1 & 0xC0) == 0x80) {
        const char32_t cp = (static_cast<char32_t>(b0 & 0x1F) << 6) | (b1 & 0x3F);
        if (cp >= 0x80) {
          AppendUtf8(out, LowerCodePoint(cp));
          i += 2;
          continue;
        }
      }
    }
    out.push_back(text[i]);
    ++i;
  }
  return out;
}

bool EqualsFolded(std::string_view a, std::string_view b) {
  // Folding keeps the UTF-8 length of every covered letter, so different sizes never fold equal.
  if (a.size() != b.size()) return false;
  return a == b || FoldCase(a) == FoldCase(b);
}

}  // namespace ctim
