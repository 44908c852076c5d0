// The rule service/windows/file_access.cpp applies to a secret file's DACL, apart from the file, so that
// it can be tested on any DACL (Wine keeps no DACL of a file; it maps the Unix mode to owner and Everyone).
#pragma once

// clang-format off
#include <windows.h>
// clang-format on

#include <string>

namespace ctim::service {

// The broad group (Everyone, Users or Authenticated Users) an allow ACE of `dacl` lets read the object
// itself (inherit-only ACEs do not apply to it), by name; "" when none does. A NULL DACL grants everyone
// everything: "Everyone (the file has no DACL)".
[[nodiscard]] std::string BroadReader(const ACL* dacl);

}  // namespace ctim::service
