// ASCII case-insensitive text, for names that are ASCII by definition: LDAP attribute names, address-type
// prefixes ("SMTP:", "X500:"), CSV header names, config words, HTTP header names, cloud preset names.
// Bytes outside 'A'..'Z' compare exactly (so UTF-8 is never folded here). Values AD compares, such as proxy
// addresses, use common/ad_compare.h instead (doc/design.md §4). Pure, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace ctim {

[[nodiscard]] constexpr char AsciiLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

[[nodiscard]] bool EqualsAscii(std::string_view a, std::string_view b);
[[nodiscard]] bool StartsWithAscii(std::string_view text, std::string_view prefix);
// Whether `needle` occurs in `haystack`, ASCII case-insensitively (an empty needle always does).
[[nodiscard]] bool ContainsAscii(std::string_view haystack, std::string_view needle);
// A copy with 'A'..'Z' lower-cased.
[[nodiscard]] std::string LowerAscii(std::string_view text);

// Heterogeneous ordering for maps keyed by ASCII names (LDAP attribute descriptions are case-insensitive).
struct AsciiCaseLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const noexcept;
};

}  // namespace ctim
