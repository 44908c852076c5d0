#include "service/default_paths.h"

namespace ctim::service {

// The FHS places: configuration in /etc, variable state in /var/lib (packaging/systemd/).
const DefaultPaths& Defaults() {
  static const DefaultPaths paths{"/etc/ctim-agent/ctim-agent.toml", "/var/lib/ctim-agent/journal.db",
                                  "/var/lib/ctim-agent/inbox", ""};
  return paths;
}

}  // namespace ctim::service
