// Completing an entry's ranged attributes: AD sends a large multi-valued attribute in chunks
// ("member;range=0-1499"), and the rest must be read one chunk at a time. The same on every back end
// (ldap/openldap/, ldap/windows/): `read` is the back end's base-scope read of one entry.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "ldap/entry.h"

namespace ctim::ldap {

using BaseRead =
    std::function<Result<Entry>(std::string_view dn, const std::vector<std::string>& attributes)>;

// Replaces every "attr;range=a-b" of `entry` by "attr" with all of its values, the rest read with `read`.
// Each read is bounded by the back end's operation timeout; the whole attribute by ten of them and by
// 100,000 reads (RangeFollower, ldap/ranged_attribute.h): a DC that stops making progress is an error
// naming the entry, never values handed on truncated.
[[nodiscard]] Status FollowRanges(Entry& entry, std::chrono::milliseconds operation_timeout,
                                  const BaseRead& read);

}  // namespace ctim::ldap
