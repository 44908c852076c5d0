// SetFileSecurityW, not SetNamedSecurityInfoW: Wine 8 returns success from the latter and keeps the old
// DACL (measured; doc/windows.md), while both set it on Windows.
#include "private_file.h"

// clang-format off
#include <windows.h>
#include <sddl.h>
// clang-format on

#include "common/windows/utf16.h"

namespace ctim::service::testing {

bool MakeOwnerOnly(const std::string& path) {
  PSECURITY_DESCRIPTOR sd = nullptr;
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(L"D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;FA;;;OW)",
                                                            SDDL_REVISION_1, &sd, nullptr)) {
    return false;
  }
  const bool set = SetFileSecurityW(ctim::windows::Utf16(path).c_str(), DACL_SECURITY_INFORMATION, sd) != 0;
  LocalFree(sd);
  return set;
}

}  // namespace ctim::service::testing
