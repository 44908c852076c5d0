// Pre-flight checks that are pure LDAP, for `ctim-agent doctor`: reach the DC, TLS, bind (mechanism and
// identity), schema attributes present, and attributes the bound account may write under a base DN.
// Knows nothing of which attributes matter: the caller passes their lDAPDisplayNames. Each function
// returns table rows; none throws and none changes directory data (reads only).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ldap/connection.h"
#include "ldap/options.h"

namespace ctim::ldap {

struct Check {
  enum State { kPass, kFail, kSkip };
  std::string name;  // "resolve", "connect", "tls", "bind", "identity", "principal" (GSSAPI), "schema: mail",
                     // "write: mail"
  State state = kSkip;
  std::string detail;  // what was found, or the error message
  std::string hint;    // what to do, on failure
};

std::string_view CheckStateName(Check::State state);  // "PASS", "FAIL", "SKIP"

struct ConnectionChecks {
  std::vector<Check> checks;             // resolve, connect, tls, bind, identity (in that order)
  std::optional<Connection> connection;  // the bound session when bind passed, for the next checks
};

// Resolves the host, connects, TLS, binds and asks who we are, as separate rows; the rows after the
// first failure are kSkip.
ConnectionChecks CheckConnection(const ConnectOptions& options);

// One row per name: an attributeSchema object with that lDAPDisplayName exists in the schema naming
// context (found through the rootDSE's schemaNamingContext). Detail: attributeSyntax, single/multi.
std::vector<Check> CheckSchemaAttributes(Connection& conn, const std::vector<std::string>& attributes);

// One row per name: the attribute is in allowedAttributesEffective of the first object matching
// object_filter under base_dn (subtree), i.e. the bound account may write it there. Checked without
// changing data. A first row "object" names the object used (or fails if there is none).
std::vector<Check> CheckWritableAttributes(Connection& conn, std::string_view base_dn,
                                           std::string_view object_filter,
                                           const std::vector<std::string>& attributes);

// True if no row failed.
bool AllPassed(const std::vector<Check>& checks);

}  // namespace ctim::ldap
