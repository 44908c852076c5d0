#include "agent/reader/identity_reader_proxies.h"

#include <nlohmann/json.hpp>

#include "agent/reader/identity_reader_text.h"
#include "common/ascii.h"

namespace ctim::agent {
namespace {

constexpr std::size_t kMaxTypeLength = 16;

bool IsTypeChar(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

std::size_t SkipSpaces(std::string_view s, std::size_t i) {
  while (i < s.size() && s[i] == ' ') ++i;
  return i;
}

// The "<type>" of a "<type>:" at `i` (letters and digits), or "" if the text there does not look like one.
std::string_view TypeAt(std::string_view s, std::size_t i) {
  std::size_t k = i;
  while (k < s.size() && k - i <= kMaxTypeLength && IsTypeChar(s[k])) ++k;
  if (k == i || k >= s.size() || s[k] != ':') return {};
  return s.substr(i, k - i);
}

FieldCheck SplitJson(std::string_view value, std::vector<std::string>& items) {
  const nlohmann::json parsed = nlohmann::json::parse(value, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return FieldIssue{
        Reason::kBadJsonArray,
        QuoteForMessage(value) + " starts with [ but is not valid JSON (expected [\"X500:…\", …])"};
  }
  if (!parsed.is_array()) {
    return FieldIssue{Reason::kBadJsonArray, QuoteForMessage(value) + " is JSON but not an array of strings"};
  }
  std::size_t number = 0;
  for (const nlohmann::json& element : parsed) {
    ++number;
    if (!element.is_string()) {
      return FieldIssue{Reason::kBadJsonArray, "JSON element " + std::to_string(number) + " is not a string"};
    }
    items.push_back(element.get<std::string>());
  }
  return std::nullopt;
}

}  // namespace

FieldCheck SplitEmailAddresses(std::string_view value, const ReaderOptions& options,
                               std::vector<std::string>& items) {
  items.clear();
  std::size_t start = SkipSpaces(value, 0);
  if (start == value.size()) return std::nullopt;
  if (options.accept_json_array && value[start] == '[') return SplitJson(value, items);
  const char sep = options.proxy_separator;
  for (std::size_t i = value.find(sep, start); i != std::string_view::npos; i = value.find(sep, i + 1)) {
    const std::size_t next = SkipSpaces(value, i + 1);
    const std::string_view type = TypeAt(value, next);
    if (type.empty()) continue;
    if (!options.IsKnownProxyType(type)) {
      // X400 values are "k=v;k=v;..." and may hold "dda:type=value" components: ';' there is data. In any
      // other item, "<sep>word:" is most likely an item of a type we do not know: refuse rather than guess.
      if (StartsWithAscii(value.substr(start), "X400:")) continue;
      return FieldIssue{
          Reason::kUnknownProxyType,
          "item " + std::to_string(items.size() + 1) + " " + QuoteForMessage(value.substr(start, i - start)) +
              " is followed by " + QuoteForMessage(value.substr(i, next - i + type.size() + 1)) +
              ", an address of unknown type " + QuoteForMessage(type) +
              "; add the type to the known proxy types, or write EmailAddresses as a JSON array"};
    }
    items.emplace_back(value.substr(start, i - start));
    start = next;
    i = next - 1;  // the loop's find starts at `next`
  }
  items.emplace_back(value.substr(start));
  return std::nullopt;
}

FieldCheck CheckProxyItem(std::string_view item, std::size_t number, const ReaderOptions& options) {
  // Built only on failure: this runs for every proxy of every row.
  const auto label = [&] { return "item " + std::to_string(number) + " " + QuoteForMessage(item); };
  const std::size_t colon = item.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return FieldIssue{Reason::kBadProxy,
                      label() + " is not type:address (e.g. X500:/o=… or smtp:name@domain)"};
  }
  const std::string_view type = item.substr(0, colon);
  const std::string_view address = item.substr(colon + 1);
  if (!options.IsKnownProxyType(type)) {
    std::string known;
    for (const std::string& t : options.proxy_types) known += (known.empty() ? "" : ", ") + t;
    return FieldIssue{Reason::kUnknownProxyType, label() + " has unknown address type " +
                                                     QuoteForMessage(type) + " (known: " + known + ")"};
  }
  if (address.empty()) return FieldIssue{Reason::kBadProxy, label() + " has an empty address"};
  const bool plain = IsPrintableAscii(item);
  if (const auto ctl = plain ? std::nullopt : FindControlCharacter(item)) {
    return FieldIssue{Reason::kControlCharacter, label() + " holds a control character at character " +
                                                     std::to_string(CharacterNumber(item, *ctl))};
  }
  const std::size_t chars = plain ? item.size() : Utf16Length(item);
  if (chars > options.max_proxy_chars) {
    return FieldIssue{Reason::kValueTooLong,
                      label() + " is " + std::to_string(chars) + " characters; AD allows at most " +
                          std::to_string(options.max_proxy_chars) + " per proxy address"};
  }
  if (EqualsAscii(type, "SMTP")) {
    if (auto bad = CheckSmtpAddress(address)) {
      bad->text = "item " + std::to_string(number) + ": " + bad->text;
      return bad;
    }
  } else if (EqualsAscii(type, "X500") && !StartsWithAscii(address, options.x500_prefix)) {
    return FieldIssue{Reason::kBadProxy,
                      label() + " does not start with X500:" + options.x500_prefix + " (expected X500:/o=…)"};
  }
  return std::nullopt;
}

bool IsX500Item(std::string_view item) { return StartsWithAscii(item, "x500:"); }

}  // namespace ctim::agent
