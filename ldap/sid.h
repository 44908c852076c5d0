// Windows security identifiers (objectSid, tokenGroups values) between their binary form (MS-DTYP
// 2.4.2.2) and text ("S-1-5-21-...").
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ctim::ldap {

// "S-1-5-21-2595471283-124095587-3238549635-500", or nullopt if the bytes are not a well-formed SID.
[[nodiscard]] std::optional<std::string> SidToString(std::string_view bytes);

}  // namespace ctim::ldap
