// Makes a test's secret file readable by its owner only, as an admin would before the agent accepts it
// (service/file_access.h): mode 0600 on POSIX (tests/unit/service/posix/), a protected DACL of SYSTEM,
// Administrators and the owner on Windows (tests/unit/service/windows/).
#pragma once

#include <string>

namespace ctim::service::testing {

// False when the file's access could not be changed.
[[nodiscard]] bool MakeOwnerOnly(const std::string& path);

}  // namespace ctim::service::testing
