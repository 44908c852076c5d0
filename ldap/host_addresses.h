// The addresses a host name resolves to, for `doctor`. One implementation per OS (ldap/posix/,
// ldap/windows/); both use getaddrinfo.
#pragma once

#include <string>

#include "common/result.h"

namespace ctim::ldap {

// "127.0.0.1, ::1" (each address once, in the resolver's order). Errc::kUnavailable with the resolver's
// text when the name does not resolve.
[[nodiscard]] Result<std::string> HostAddresses(const std::string& host);

}  // namespace ctim::ldap
