// Windows keeps a service's machine-wide data under %ProgramData% (FOLDERID_ProgramData, normally
// C:\ProgramData); the installer creates these folders with their ACLs (packaging/windows/).
#include "service/default_paths.h"

// clang-format off
#include <windows.h>
#include <shlobj.h>
// clang-format on

#include "common/windows/utf16.h"

namespace ctim::service {
namespace {

std::string ProgramData() {
  wchar_t* path = nullptr;
  std::string out;
  if (SHGetKnownFolderPath(FOLDERID_ProgramData, 0, nullptr, &path) == S_OK && path != nullptr) {
    out = ctim::windows::Utf8(path);
  }
  CoTaskMemFree(path);  // also when the call failed (documented)
  return out.empty() ? "C:\\ProgramData" : out;
}

}  // namespace

const DefaultPaths& Defaults() {
  static const DefaultPaths paths = [] {
    const std::string root = ProgramData() + "\\ctim-agent";
    return DefaultPaths{root + "\\ctim-agent.toml", root + "\\journal\\journal.db", root + "\\inbox",
                        root + "\\logs"};
  }();
  return paths;
}

}  // namespace ctim::service
