#include "agent/reader/identity_reader_text.h"

#include <cstdint>
#include <cstring>

#include "common/utf8.h"

namespace ctim::agent {

bool IsPrintableAscii(std::string_view text) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t w = 0;
    std::memcpy(&w, text.data() + i, 8);
    // A byte is bad if its high bit is set, it is below 0x20, or it is 0x7F. With the high bits known
    // clear, (w - 0x20 per byte) borrows into a byte's high bit exactly when that byte is < 0x20, and
    // (w + 1 per byte) carries into it exactly when the byte is 0x7F.
    if ((w & kHigh) != 0) return false;
    if ((((w - kOnes * 0x20) | (w + kOnes)) & kHigh) != 0) return false;
  }
  for (; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c >= 0x7F) return false;
  }
  return true;
}

std::optional<std::size_t> FindInvalidUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    // Most of a CTIM file is ASCII: check 8 bytes at a time.
    if (text.size() - i >= 8) {
      std::uint64_t word = 0;
      std::memcpy(&word, text.data() + i, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    const std::size_t n = Utf8SequenceLength(text, i);
    if (n == 0) return i;
    i += n;
  }
  return std::nullopt;
}

std::optional<std::size_t> FindControlCharacter(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7F) return i;
  }
  return std::nullopt;
}

std::size_t CharacterNumber(std::string_view text, std::size_t byte_offset) {
  std::size_t starts = 0;
  for (std::size_t i = 0; i < byte_offset && i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++starts;
  }
  return starts + 1;
}

std::size_t Utf16Length(std::string_view utf8) {
  if (IsPrintableAscii(utf8)) return utf8.size();
  std::size_t units = 0;
  for (char ch : utf8) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c & 0xC0) != 0x80) ++units;  // one per code point...
    if (c >= 0xF0) ++units;           // ...and a second one for a surrogate pair
  }
  return units;
}

std::string QuoteForMessage(std::string_view value, std::size_t max_chars) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "\"";
  std::size_t chars = 0;
  std::size_t i = 0;
  while (i < value.size()) {
    if (chars == max_chars) {
      out += "\u2026";
      break;
    }
    const auto c = static_cast<unsigned char>(value[i]);
    const std::size_t n = Utf8SequenceLength(value, i);
    if (n == 0) {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
      ++i;
    } else if (c == '\n') {
      out += "\\n";
      ++i;
    } else if (c == '\r') {
      out += "\\r";
      ++i;
    } else if (c == '\t') {
      out += "\\t";
      ++i;
    } else if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
      ++i;
    } else if (c < 0x20 || c == 0x7F) {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
      ++i;
    } else {
      out.append(value.substr(i, n));
      i += n;
    }
    ++chars;
  }
  out.push_back('"');
  return out;
}

}  // namespace ctim::agent
