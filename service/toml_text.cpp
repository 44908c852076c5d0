#include "service/toml_text.h"

#include <fmt/format.h>

#include <cstdint>

#include "common/utf8.h"

namespace ctim::service {
namespace {

enum class State { kCode, kComment, kBasic, kLiteral, kMultiBasic, kMultiLiteral };

bool StartsWith(std::string_view text, std::size_t at, std::string_view what) {
  return text.substr(at, what.size()) == what;
}

}  // namespace

Status CheckTomlCharacters(std::string_view text, std::string_view origin) {
  State state = State::kCode;
  // A quote opens a string only where a key or a value may begin; elsewhere (as in `0"…`) toml++ reads it
  // as part of a bare token, so what follows it is checked like code.
  char before = '\n';  // the last non-blank character of code on this line ('\n' at its start)
  std::size_t line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      line_start = i + 1;
      before = '\n';
      // A single-line string or a comment ends with its line; toml++ reports an unterminated string.
      if (state == State::kComment || state == State::kBasic || state == State::kLiteral) {
        state = State::kCode;
      }
      continue;
    }
    if (static_cast<unsigned char>(c) >= 0x80 && state != State::kComment) {
      return Fail(Errc::kInvalidInput,
                  fmt::format("{}:{}:{}: a character outside ASCII stands outside a comment", origin, line,
                              i - line_start + 1),
                  "write it as a \\uXXXX escape inside a \"…\" string (ü is \\u00FC): the TOML reader "
                  "accepts only ASCII outside comments");
    }
    switch (state) {
      case State::kCode:
        if ((c == '"' || c == '\'') && std::string_view("\n=[,{.").find(before) == std::string_view::npos) {
          before = c;
          break;
        }
        if (c != ' ' && c != '\t' && c != '\r') before = c;
        if (c == '#') {
          state = State::kComment;
        } else if (StartsWith(text, i, "\"\"\"")) {
          state = State::kMultiBasic;
          i += 2;
        } else if (StartsWith(text, i, "'''")) {
          state = State::kMultiLiteral;
          i += 2;
        } else if (c == '"') {
          state = State::kBasic;
        } else if (c == '\'') {
          state = State::kLiteral;
        }
        break;
      case State::kComment:
        break;
      case State::kBasic:
        if (c == '\\') {
          if (i + 1 < text.size() && text[i + 1] != '\n') ++i;  // an escaped character, never the end
        } else if (c == '"') {
          state = State::kCode;
          before = '"';  // a value ended: no new string may start before a separator
        }
        break;
      case State::kLiteral:
        if (c == '\'') state = State::kCode;
        before = '"';  // a value ended: no new string may start before a separator
        break;
      case State::kMultiBasic:
        if (c == '\\') {
          if (i + 1 < text.size() && text[i + 1] != '\n') ++i;
        } else if (StartsWith(text, i, "\"\"\"")) {
          // Up to two more quotes may close the string as part of its content ("""a"""" ends after 4).
          i += 2;
          while (i + 1 < text.size() && text[i + 1] == '"') ++i;
          state = State::kCode;
          before = '"';  // a value ended: no new string may start before a separator
        }
        break;
      case State::kMultiLiteral:
        if (StartsWith(text, i, "'''")) {
          i += 2;
          while (i + 1 < text.size() && text[i + 1] == '\'') ++i;
          state = State::kCode;
          before = '"';  // a value ended: no new string may start before a separator
        }
        break;
    }
  }
  return {};
}

std::string TomlBasicString(std::string_view value) {
  std::string out = "\"";
  for (std::size_t i = 0; i < value.size();) {
    const auto byte = static_cast<unsigned char>(value[i]);
    if (byte == '"' || byte == '\\') {
      out += '\\';
      out += static_cast<char>(byte);
      ++i;
      continue;
    }
    if (byte >= 0x20 && byte < 0x7f) {
      out += static_cast<char>(byte);
      ++i;
      continue;
    }
    // A control character, or a UTF-8 sequence: its code point as an escape.
    const std::size_t length = Utf8SequenceLength(value, i);
    if (length == 0) {
      out += "\\uFFFD";
      ++i;
      continue;
    }
    constexpr unsigned char kLeadBits[] = {0, 0x7f, 0x1f, 0x0f, 0x07};
    char32_t code = byte & kLeadBits[length];
    for (std::size_t k = 1; k < length; ++k)
      code = (code << 6) | (static_cast<unsigned char>(value[i + k]) & 0x3f);
    out += code > 0xffff ? fmt::format("\\U{:08X}", static_cast<std::uint32_t>(code))
                         : fmt::format("\\u{:04X}", static_cast<std::uint32_t>(code));
    i += length;
  }
  out += '"';
  return out;
}

}  // namespace ctim::service
