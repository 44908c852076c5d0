// Where the agent looks for its configuration and keeps its state when the configuration says nothing:
// the OS's conventional places, chosen in service/posix/default_paths.cpp and
// service/windows/default_paths.cpp (doc/windows.md).
#pragma once

#include <string>

namespace ctim::service {

struct DefaultPaths {
  std::string config_file;  // /etc/ctim-agent/ctim-agent.toml | %ProgramData%\ctim-agent\ctim-agent.toml
  std::string journal;      // /var/lib/ctim-agent/journal.db | %ProgramData%\ctim-agent\journal\journal.db
  std::string inbox;        // /var/lib/ctim-agent/inbox | %ProgramData%\ctim-agent\inbox
  std::string log_dir;      // "" (journald takes stderr) | %ProgramData%\ctim-agent\logs (the service's log)
};

// Computed once; thread-safe.
[[nodiscard]] const DefaultPaths& Defaults();

}  // namespace ctim::service
