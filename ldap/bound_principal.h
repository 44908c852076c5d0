// Whether the identity a directory server sees for a session is the configured Kerberos principal.
// Written against the public Connection API, so it serves every implementation (libldap, Wldap32).
// See doc/kerberos-principal.md.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "ldap/connection.h"

namespace ctim::ldap {

// What the directory holds about the bound account.
struct BoundAccount {
  std::string authz_id;             // as WhoAmI gave it: "dn:CN=...", or "u:DOMAIN\\name" (AD)
  std::string dn;                   // "" for the u: form
  std::string sam_account_name;     // the u: form's name, or read from the entry at dn
  std::string user_principal_name;  // read from the entry at dn; "" when unknown
};

// True when `principal` (name@REALM) names the account: its name part equals sAMAccountName and, when
// the DN is known, its realm equals the DNS domain of the DN's DC= parts (AD's Kerberos user
// principals are sAMAccountName@REALM); or the whole principal equals userPrincipalName (an
// enterprise principal). Both compared without regard to case. Pure.
[[nodiscard]] bool PrincipalNamesAccount(std::string_view principal, const BoundAccount& account);

// The DNS domain of a DN's DC= parts: "CN=a,OU=b,DC=lab,DC=example" -> "lab.example" ("" without any).
[[nodiscard]] std::string DnsDomainOfDn(std::string_view dn);

// Asks the server who this session is (Connection::WhoAmI), reads that account's sAMAccountName and
// userPrincipalName, and checks it against `principal`. A mismatch is kUnauthenticated with a message
// naming both; a failed WhoAmI or read is returned as it is.
[[nodiscard]] Status CheckBoundPrincipal(Connection& conn, std::string_view principal);

}  // namespace ctim::ldap
