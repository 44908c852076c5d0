// Case-insensitive comparison the way AD compares String(Unicode) values (proxyAddresses, targetAddress,
// userPrincipalName, mail). AD rejects a case-variant duplicate proxy; Samba 4.17 accepts it
// (doc/facts.md §2.4), so the agent must compare case-insensitively itself.
// Folding covers ASCII and the Latin-1, Latin Extended-A, Greek and Cyrillic letters (UTF-8); other bytes
// compare exactly. Invalid UTF-8 is compared byte-exact. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace ctim::agent {

// Lower-cased copy of a UTF-8 string (see header comment for the covered ranges).
[[nodiscard]] std::string FoldCase(std::string_view text);
[[nodiscard]] bool EqualsFolded(std::string_view a, std::string_view b);
// ASCII-only case-insensitive equality: attribute names, "SMTP:"/"X500:" prefixes, domains.
[[nodiscard]] bool EqualsAscii(std::string_view a, std::string_view b);
[[nodiscard]] bool StartsWithAscii(std::string_view text, std::string_view prefix);

// Heterogeneous ordering for maps keyed by attribute name (LDAP attribute descriptions are ASCII and
// case-insensitive).
struct AsciiCaseLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const;
};

}  // namespace ctim::agent
