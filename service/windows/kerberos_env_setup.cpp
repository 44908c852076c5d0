// Windows: a GSSAPI bind is Wldap32's Negotiate as the account the process runs as (ldap/windows/,
// doc/windows.md); it reads no KRB5_* variable, keytab or credential cache, so there is nothing to set.
#include "service/kerberos_env.h"

namespace ctim::service {

void PrepareKerberosEnvironment(int /*argc*/, char** /*argv*/) noexcept {}

}  // namespace ctim::service
