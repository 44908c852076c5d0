// Who may read the agent's files, on Windows: the file's DACL (doc/windows.md, "Secret files"). A secret
// file that Everyone, Users or Authenticated Users may read is refused, with the icacls command that
// gives it to SYSTEM, Administrators and the service's account only.
#include "service/file_access.h"

#include "service/windows/dacl_rule.h"

// clang-format off
#include <windows.h>
#include <aclapi.h>
#include <sddl.h>
// clang-format on

#include <fmt/format.h>

#include <filesystem>
#include <memory>

#include "common/c_free.h"
#include "common/windows/utf16.h"

namespace ctim::service {
namespace {

void FreeLocal(void* p) noexcept { LocalFree(p); }
using LocalMemory = std::unique_ptr<void, CFree<&FreeLocal>>;
void CloseHandleFn(void* h) noexcept {
  if (h != INVALID_HANDLE_VALUE) CloseHandle(h);
}
using FileHandle = std::unique_ptr<void, CFree<&CloseHandleFn>>;

using ctim::windows::Utf16;
using ctim::windows::Utf8;

// "DOMAIN\name" of a SID, or its S-1-... text.
std::string AccountName(PSID sid) {
  wchar_t name[256];
  wchar_t domain[256];
  DWORD name_size = 256;
  DWORD domain_size = 256;
  SID_NAME_USE use{};
  if (LookupAccountSidW(nullptr, sid, name, &name_size, domain, &domain_size, &use)) {
    return domain_size > 0 ? Utf8(domain) + "\\" + Utf8(name) : Utf8(name);
  }
  wchar_t* text = nullptr;
  if (ConvertSidToStringSidW(sid, &text)) {
    const LocalMemory owned(text);
    return Utf8(text);
  }
  return "an unknown account";
}

std::string ThisAccount() {
  wchar_t name[256];
  DWORD size = 256;
  return GetUserNameW(name, &size) ? Utf8(name) : std::string("this account");
}

std::string IcaclsHint(const std::string& path) {
  return fmt::format(
      "run: icacls \"{}\" /inheritance:r /grant:r SYSTEM:F /grant:r Administrators:F /grant:r \"{}:R\"", path,
      ThisAccount());
}

}  // namespace

std::string BroadReader(const ACL* dacl) {
  if (dacl == nullptr) return "Everyone (the file has no DACL)";
  for (WELL_KNOWN_SID_TYPE type : {WinWorldSid, WinBuiltinUsersSid, WinAuthenticatedUserSid}) {
    BYTE buffer[SECURITY_MAX_SID_SIZE];
    DWORD size = sizeof(buffer);
    if (!CreateWellKnownSid(type, nullptr, buffer, &size)) continue;
    for (DWORD i = 0; i < dacl->AceCount; ++i) {
      void* ace = nullptr;
      if (!GetAce(const_cast<ACL*>(dacl), i, &ace)) continue;
      const auto* header = static_cast<const ACE_HEADER*>(ace);
      if (header->AceType != ACCESS_ALLOWED_ACE_TYPE || (header->AceFlags & INHERIT_ONLY_ACE) != 0) continue;
      auto* allowed = static_cast<ACCESS_ALLOWED_ACE*>(ace);
      const ACCESS_MASK read = FILE_READ_DATA | GENERIC_READ | GENERIC_ALL;
      if ((allowed->Mask & read) != 0 && EqualSid(&allowed->SidStart, buffer)) return AccountName(buffer);
    }
  }
  return "";
}

Status CheckSecretFile(const std::string& path, std::string_view what) {
  if (path.empty()) return {};
  PACL dacl = nullptr;
  PSECURITY_DESCRIPTOR sd = nullptr;
  if (GetNamedSecurityInfoW(Utf16(path).c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr, nullptr,
                            &dacl, nullptr, &sd) != ERROR_SUCCESS) {
    return {};  // the reader that opens it next says why
  }
  const LocalMemory owned(sd);
  if (const std::string reader = BroadReader(dacl); !reader.empty()) {
    return Fail(Errc::kInvalidInput,
                fmt::format("{} {} may be read by {}: a secret must not be", what, path, reader),
                IcaclsHint(path));
  }
  return {};
}

std::string DescribeAccess(const std::string& path) {
  PSID owner = nullptr;
  PACL dacl = nullptr;
  PSECURITY_DESCRIPTOR sd = nullptr;
  if (GetNamedSecurityInfoW(Utf16(path).c_str(), SE_FILE_OBJECT,
                            OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION, &owner, nullptr, &dacl,
                            nullptr, &sd) != ERROR_SUCCESS) {
    return "";
  }
  const LocalMemory owned(sd);
  std::string acl;
  wchar_t* sddl = nullptr;
  if (ConvertSecurityDescriptorToStringSecurityDescriptorW(sd, SDDL_REVISION_1, DACL_SECURITY_INFORMATION,
                                                           &sddl, nullptr)) {
    const LocalMemory owned_sddl(sddl);
    acl = Utf8(sddl);
  }
  return fmt::format("owned by {}, ACL {}; this process runs as {}",
                     owner != nullptr ? AccountName(owner) : "?", acl, ThisAccount());
}

Status CheckJournalWritable(const std::string& path) {
  for (const std::string& file : {path, path + "-wal", path + "-shm", path + ".lock"}) {
    const std::wstring wide = Utf16(file);
    if (GetFileAttributesW(wide.c_str()) == INVALID_FILE_ATTRIBUTES) continue;
    const FileHandle h(CreateFileW(wide.c_str(), GENERIC_READ | GENERIC_WRITE,
                                   FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                                   OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr));
    if (h.get() == INVALID_HANDLE_VALUE && GetLastError() == ERROR_ACCESS_DENIED) {
      return Fail(Errc::kPermissionDenied,
                  fmt::format("journal {}: permission denied on {}: {}", path, file, DescribeAccess(file)),
                  fmt::format("run ctim-agent as the service's account, or grant this account: icacls \"{}\" "
                              "/grant \"{}:M\"",
                              file, ThisAccount()));
    }
  }
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  const std::filesystem::path probe = (dir.empty() ? std::filesystem::path(".") : dir) /
                                      (".ctim-write-check-" + std::to_string(GetCurrentProcessId()));
  if (GetFileAttributesW(probe.parent_path().wstring().c_str()) == INVALID_FILE_ATTRIBUTES) return {};
  const FileHandle h(CreateFileW(probe.wstring().c_str(), GENERIC_WRITE, 0, nullptr, CREATE_NEW,
                                 FILE_ATTRIBUTE_TEMPORARY | FILE_FLAG_DELETE_ON_CLOSE, nullptr));
  if (h.get() == INVALID_HANDLE_VALUE && GetLastError() == ERROR_ACCESS_DENIED) {
    const std::string folder = probe.parent_path().string();
    return Fail(
        Errc::kPermissionDenied,
        fmt::format("journal {}: this account may not create files in {}: {}", path, folder,
                    DescribeAccess(folder)),
        fmt::format("set [agent] journal / --journal to a folder of {}, or: icacls \"{}\" /grant \"{}:M\"",
                    ThisAccount(), folder, ThisAccount()));
  }
  return {};
}

// New files inherit the ACL of their folder; %ProgramData%\ctim-agent is limited by the installer.
void MakeNewFilesPrivate() {}

}  // namespace ctim::service
