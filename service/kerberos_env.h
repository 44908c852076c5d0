// The Kerberos environment of the process, set by main() before any thread starts.
//
// MIT Kerberos reads KRB5_CONFIG, KRB5_CLIENT_KTNAME and KRB5CCNAME from the environment when the GSSAPI
// bind acquires credentials, and the LDAP layer sets them with setenv() just before it binds. By then the
// signal thread (and in `write` the journal thread) runs, and setenv() while another thread reads the
// environment is a data race; adding a variable may even move glibc's environment array. With the same
// values set here, while the process is still single-threaded, the bind finds them already in place and
// does not write the environment at all. The ticket for [ldap] principal is fetched at bind time into
// the cache KRB5CCNAME names here (doc/kerberos-principal.md).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "service/config.h"

namespace ctim::service {

// The --config value given in argv ("--config FILE" or "--config=FILE"), or "" when none.
[[nodiscard]] std::string ConfigArgument(int argc, char** argv);

// The variables a GSSAPI bind with these settings sets, with the values the LDAP layer gives them
// (ldap/openldap/bind.cpp): KRB5_CONFIG when krb5_config is set; with a keytab, KRB5_CLIENT_KTNAME and a
// private in-memory KRB5CCNAME derived from the keytab path. Empty for a simple bind.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> KerberosEnvironment(const LdapSettings& ldap);

// POSIX (service/posix/kerberos_env_setup.cpp): reads the configuration the command will read (same
// lookup) and sets KerberosEnvironment() in the environment. Does nothing when there is no configuration
// or it does not load: the command reports that itself. Windows (service/windows/): nothing, Negotiate
// reads none of these variables. REQUIRES: no other thread runs yet.
void PrepareKerberosEnvironment(int argc, char** argv) noexcept;

}  // namespace ctim::service
