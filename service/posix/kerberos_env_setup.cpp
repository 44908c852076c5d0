// POSIX: MIT Kerberos reads its environment (service/kerberos_env.h), so it is set here, single-threaded.
#include <cstdlib>

#include "service/config.h"
#include "service/kerberos_env.h"

namespace ctim::service {

void PrepareKerberosEnvironment(int argc, char** argv) noexcept {
  try {
    const auto path = ConfigPath(ConfigArgument(argc, argv));
    if (!path) return;
    const auto config = LoadConfig(*path);
    if (!config) return;
    for (const auto& [name, value] : KerberosEnvironment(config->ldap)) {
      ::setenv(name.c_str(), value.c_str(), 1);  // a failure (ENOMEM) leaves it to the bind, as before
    }
  } catch (...) {
    // Out of memory while reading the configuration: the command reads it again and reports.
  }
}

}  // namespace ctim::service
