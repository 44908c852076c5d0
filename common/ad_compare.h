// When two values are the same to Active Directory: the one definition the reader, the planner, the
// cross-row checks, rollback and verify all use (doc/design.md §4). AD compares String(Unicode) values
// (proxyAddresses, targetAddress, mail, userPrincipalName) case-insensitively (doc/facts.md §2.4), and
// Samba, which the lab runs, does not enforce it for proxyAddresses, so the agent decides itself.
// Folding covers ASCII and the Latin-1, Latin Extended-A, Greek and Cyrillic letters of UTF-8 (the ranges are
// INFERRED: AD does not publish its table); every other byte, and invalid UTF-8, compares exactly. Folding
// keeps the UTF-8 length of every value. Pure, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace ctim {

// The folded (lower-case) form of a UTF-8 value: two values are the same to AD iff their folded forms are
// equal. Use it as a set or map key.
[[nodiscard]] std::string FoldCase(std::string_view text);
// FoldCase(a) == FoldCase(b), without allocating when the sizes differ or the bytes are equal.
[[nodiscard]] bool EqualsFolded(std::string_view a, std::string_view b);

}  // namespace ctim
