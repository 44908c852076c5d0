#include "ldap/escape.h"

#include <cstddef>
#include <cstdint>

namespace ctim::ldap {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void AppendHex(std::string& out, unsigned char byte) {
  out += '\\';
  out += kHex[byte >> 4];
  out += kHex[byte & 0x0f];
}

bool IsControl(unsigned char c) { return c < 0x20 || c == 0x7f; }

// Length of the valid UTF-8 sequence starting at s[i] (2-4), or 0 if it is not one. Rejects overlong
// forms, surrogates and code points above U+10FFFF (RFC 3629).
std::size_t Utf8SequenceLength(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char lead = b(0);
  std::size_t len = 0;
  std::uint32_t min = 0;
  std::uint32_t cp = 0;
  if (lead >= 0xc2 && lead <= 0xdf) {
    len = 2, min = 0x80, cp = lead & 0x1f;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    len = 3, min = 0x800, cp = lead & 0x0f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    len = 4, min = 0x10000, cp = lead & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    if ((b(k) & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (b(k) & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return len;
}

}  // namespace

std::string EscapeFilterValue(std::string_view value) {
  std::string out;
  out.reserve(value.size() + 8);
  for (const char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '*' || c == '(' || c == ')' || c == '\\' || IsControl(c) || c >= 0x80) {
      AppendHex(out, c);
    } else {
      out += ch;
    }
  }
  return out;
}

std::string EscapeFilterBytes(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 3);
  for (const char ch : bytes) AppendHex(out, static_cast<unsigned char>(ch));
  return out;
}

std::string FilterEquals(std::string_view attribute, std::string_view value) {
  std::string out = "(";
  out += attribute;
  out += '=';
  out += EscapeFilterValue(value);
  out += ')';
  return out;
}

std::string EscapeDnValue(std::string_view value) {
  std::string out;
  out.reserve(value.size() + 8);
  for (std::size_t i = 0; i < value.size();) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (c >= 0x80) {
      const std::size_t len = Utf8SequenceLength(value, i);
      if (len == 0) {
        AppendHex(out, c);  // not UTF-8: a binary byte
        ++i;
      } else {
        out.append(value.substr(i, len));
        i += len;
      }
      continue;
    }
    const bool leading = (i == 0);
    const bool trailing = (i + 1 == value.size());
    if (IsControl(c)) {
      AppendHex(out, c);
    } else if (c == '"' || c == '+' || c == ',' || c == ';' || c == '<' || c == '>' || c == '=' ||
               c == '\\' || (c == '#' && leading) || (c == ' ' && (leading || trailing))) {
      out += '\\';
      out += static_cast<char>(c);
    } else {
      out += static_cast<char>(c);
    }
    ++i;
  }
  return out;
}

std::string Rdn(std::string_view type, std::string_view value) {
  std::string out(type);
  out += '=';
  out += EscapeDnValue(value);
  return out;
}

}  // namespace ctim::ldap
