#include "agent/reader/identity_reader_fields.h"

#include <charconv>
#include <cstdio>

#include "agent/reader/identity_reader_text.h"
#include "common/ascii.h"

namespace ctim::agent {
namespace {

FieldIssue Issue(Reason reason, std::string text) { return FieldIssue{reason, std::move(text)}; }

std::string ByteHex(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", c);
  return buf;
}

bool IsAtext(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '/':
    case '=':
    case '?':
    case '^':
    case '_':
    case '`':
    case '{':
    case '|':
    case '}':
    case '~':
      return true;
    default:
      return false;
  }
}

bool IsDomainChar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c >= 0x80;
}

std::string CharName(char c) {
  if (c == ' ') return "a space";
  return QuoteForMessage(std::string_view(&c, 1));
}

// Why `value` is not an SMTP address, or "" if it is one.
std::string SmtpProblem(std::string_view value) {
  if (StartsWithAscii(value, "smtp:")) return "it must be the bare address, without the SMTP: prefix";
  if (value.size() > 254) return "longer than 254 characters";
  const std::size_t at = value.rfind('@');
  if (at == std::string_view::npos) return "no @";
  if (value.find('@') != at) return "more than one @";
  const std::string_view local = value.substr(0, at);
  const std::string_view domain = value.substr(at + 1);
  if (local.empty()) return "nothing before @";
  if (domain.empty()) return "nothing after @";
  if (local.size() > 64) return "local part longer than 64 characters";
  for (const char c : local) {
    if (c != '.' && !IsAtext(static_cast<unsigned char>(c))) return CharName(c) + " is not allowed before @";
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return "the part before @ starts or ends with a dot, or has two dots in a row";
  }
  std::size_t labels = 0;
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = domain.find('.', start);
    const std::string_view label = domain.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (label.empty()) return "the domain has an empty label";
    if (label.size() > 63) return "a domain label is longer than 63 characters";
    for (const char c : label) {
      if (!IsDomainChar(static_cast<unsigned char>(c))) return CharName(c) + " is not allowed in the domain";
    }
    if (label.front() == '-' || label.back() == '-') return "a domain label starts or ends with '-'";
    ++labels;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (labels < 2) return "the domain has no dot";
  return {};
}

}  // namespace

FieldCheck CheckText(std::string_view value, bool utf16_source, bool allow_control) {
  if (IsPrintableAscii(value)) return std::nullopt;
  if (const auto bad = FindInvalidUtf8(value)) {
    const std::size_t at = CharacterNumber(value, *bad);
    if (utf16_source) {
      return Issue(Reason::kInvalidEncoding,
                   "invalid UTF-16 at character " + std::to_string(at) +
                       " (an unpaired surrogate, or the file ends in the middle of a character)");
    }
    return Issue(Reason::kInvalidEncoding,
                 "invalid UTF-8 at character " + std::to_string(at) + " (byte " +
                     ByteHex(static_cast<unsigned char>(value[*bad])) +
                     "); the file is not UTF-8: re-save it as \"CSV UTF-8\" or Export-Csv -Encoding UTF8");
  }
  if (!allow_control) {
    if (const auto ctl = FindControlCharacter(value)) {
      char name[16];
      std::snprintf(name, sizeof name, "U+%04X",
                    static_cast<unsigned>(static_cast<unsigned char>(value[*ctl])));
      return Issue(Reason::kControlCharacter, QuoteForMessage(value) + " holds a control character (" + name +
                                                  ") at character " +
                                                  std::to_string(CharacterNumber(value, *ctl)));
    }
  }
  return std::nullopt;
}

FieldCheck ParseGuidText(std::string_view value, Guid& out) {
  if (const auto guid = Guid::Parse(value)) {
    out = *guid;
    return std::nullopt;
  }
  const bool spaces = value.front() == ' ' || value.back() == ' ';
  return Issue(Reason::kBadGuid, QuoteForMessage(value) + " is not a GUID (expected 8-4-4-4-12 hex" +
                                     (spaces ? "; remove the spaces around it)" : ")"));
}

FieldCheck CheckSmtpAddress(std::string_view value) {
  const std::string why = SmtpProblem(value);
  if (why.empty()) return std::nullopt;
  return Issue(Reason::kBadSmtp,
               QuoteForMessage(value) + " is not an SMTP address (" + why + "; expected local@domain)");
}

FieldCheck CheckUpn(std::string_view value) {
  const std::size_t at = value.find('@');
  std::string why;
  if (at == std::string_view::npos) {
    why = "no @";
  } else if (value.find('@', at + 1) != std::string_view::npos) {
    why = "more than one @";
  } else if (at == 0 || at + 1 == value.size()) {
    why = "nothing before or after @";
  } else if (value.find(' ') != std::string_view::npos) {
    why = "it holds a space";
  }
  if (why.empty()) return std::nullopt;
  return Issue(Reason::kBadUpn,
               QuoteForMessage(value) + " is not a user principal name (" + why + "; expected name@suffix)");
}

FieldCheck CheckLegacyDn(std::string_view value, const ReaderOptions& options) {
  if (!StartsWithAscii(value, options.legacy_dn_prefix)) {
    return Issue(Reason::kBadLegacyDn, QuoteForMessage(value) + " does not start with " +
                                           options.legacy_dn_prefix +
                                           " (expected /o=<org>/ou=<group>/cn=Recipients/cn=<name>)");
  }
  // It is written as the proxy "X500:<value>".
  const std::size_t chars = 5 + Utf16Length(value);
  if (chars > options.max_proxy_chars) {
    return Issue(Reason::kValueTooLong,
                 "is " + std::to_string(chars - 5) + " characters; as X500:<value> it exceeds the " +
                     std::to_string(options.max_proxy_chars) + " characters AD allows per proxy address");
  }
  return std::nullopt;
}

FieldCheck ParseBoolean(std::string_view value, bool& out) {
  if (EqualsAscii(value, "true")) {
    out = true;
    return std::nullopt;
  }
  if (EqualsAscii(value, "false")) {
    out = false;
    return std::nullopt;
  }
  return Issue(Reason::kBadBoolean, QuoteForMessage(value) + " is not True or False");
}

FieldCheck ParseFlags(std::string_view value, std::int64_t& out) {
  std::int64_t parsed = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
  if (ec != std::errc() || end != value.data() + value.size() || parsed < 0 || value.front() == '-') {
    return Issue(Reason::kBadInteger, QuoteForMessage(value) + " is not a non-negative integer");
  }
  out = parsed;
  return std::nullopt;
}

}  // namespace ctim::agent
