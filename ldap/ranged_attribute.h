// AD ranged attribute retrieval ([MS-ADTS] 3.1.1.3.1.3.3): a multi-valued attribute with more values
// than MaxValRange (1500 by default) comes back as "member;range=0-1499"; the client asks for
// "member;range=1500-*" and so on, until the returned range ends in "*".
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ctim::ldap {

struct RangedAttribute {
  std::string name;                 // "member" (other options kept: "member;binary")
  std::size_t low = 0;              // first value index in this chunk
  std::optional<std::size_t> high;  // last value index, nullopt for "*" (this is the last chunk)
};

// Parses "member;range=0-1499" / "member;range=1500-*". nullopt when there is no range option or it
// is malformed.
[[nodiscard]] std::optional<RangedAttribute> ParseRangedAttribute(std::string_view description);

// "member;range=1500-*": the request for the values after `high`.
[[nodiscard]] std::string NextRangeRequest(const RangedAttribute& previous);

}  // namespace ctim::ldap
