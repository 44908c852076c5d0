// Kerberos credentials for one chosen client principal from a keytab (MIT krb5), for the GSSAPI bind.
// POSIX builds only (ldap/CMakeLists.txt): a Windows build binds with Negotiate as the account the
// service runs as and has no keytab. See doc/kerberos-principal.md.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"

namespace ctim::ldap::kerberos {

// The principals `keytab` holds keys for, each once, in keytab order ("svc-ctim@LAB.EXAMPLE").
// kInvalidInput when the keytab cannot be opened or read.
[[nodiscard]] Result<std::vector<std::string>> KeytabPrincipals(const std::string& keytab);

// Gets a ticket-granting ticket for `principal` with its key from `keytab` (one AS exchange with the
// KDC of its realm) and makes it the only content of `ccache` ("MEMORY:..." or "FILE:..."), whose
// default principal is then that principal: a GSSAPI bind using that cache binds as exactly it.
// A principal without "@REALM" gets the default realm of krb5.conf; the name is compared with the
// keytab's entries without regard to case and the keytab's spelling is used.
// Errors: kInvalidInput when the keytab cannot be read or holds no key for the principal (the message
// names the keytab and lists the principals it holds); kUnauthenticated when the KDC refuses the key;
// kUnavailable when no KDC answers. KRB5_CONFIG is read from the environment, as by the bind.
// Thread-safe, but a bind reading `ccache` while this re-initialises it may find it empty: serialise
// the two (ldap/openldap/bind.cpp does).
[[nodiscard]] Status GetKeytabCredentials(const std::string& keytab, const std::string& principal,
                                          const std::string& ccache);

}  // namespace ctim::ldap::kerberos
