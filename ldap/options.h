// How to reach and bind to one directory server, and the client-side checks made before any network
// I/O. Plain values only; the password is a ctim::Secret so it cannot reach a log by accident.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/secret.h"

namespace ctim::ldap {

enum class BindMethod {
  kAnonymous,  // no credentials (rootDSE reads); allowed on any transport
  kSimple,     // DN (or UPN / DOMAIN\user on AD) + password; only over TLS (ldaps:// or StartTLS)
  kGssapi,     // SASL GSSAPI (Kerberos) with sign+seal on ldap://; never inside TLS
};

std::string_view BindMethodName(BindMethod method);

struct ConnectOptions {
  std::string url;         // ldap://host[:port] or ldaps://host[:port]; one server
  bool start_tls = false;  // ldap:// only: upgrade with StartTLS (RFC 4513) before binding
  // PEM file of the CA(s) that issued the DC's certificate. Empty = the system trust store.
  // Certificate verification is always on ("demand"): there is no switch to turn it off.
  std::string ca_file;

  BindMethod bind = BindMethod::kGssapi;
  std::string bind_dn;  // kSimple: the bind name
  Secret password;      // kSimple: the password

  // kGssapi credentials. Kerberos reads these from the process environment, so Open() sets
  // KRB5_CONFIG, KRB5_CLIENT_KTNAME and KRB5CCNAME for the whole process before binding
  // (set them before other threads start). With a keytab and no ccache, a private MEMORY: cache is
  // used so a stray default ticket cache cannot change who we bind as. The variables stay set after
  // Open() returns (Kerberos may read them again when the ticket is renewed).
  // The client principal to bind as (svc-ctim@CONTOSO.COM). With a keytab, Open() gets a ticket for
  // exactly this principal from it (POSIX builds) and refuses when the keytab holds no key for it; with
  // or without one, Open() then checks the identity the server sees against it (ldap/bound_principal.h).
  // Empty = whatever the keytab holds first, or the credential cache's principal.
  std::string principal;
  std::string keytab;       // client keytab (MIT client-keytab initiation); empty = use the ccache
  std::string ccache;       // e.g. FILE:/var/lib/ctim/krb5cc; empty = the default cache
  std::string krb5_config;  // path of krb5.conf; empty = leave KRB5_CONFIG as it is

  std::chrono::milliseconds network_timeout{10'000};    // TCP connect (and TLS handshake)
  std::chrono::milliseconds operation_timeout{60'000};  // every request: bind, search page, modify
};

struct LdapUrl {
  bool ldaps = false;
  std::string host;  // as written (an IPv6 literal without brackets)
  int port = 389;    // 389 for ldap://, 636 for ldaps:// unless given
};

// Accepts exactly one server: ldap[s]://host[:port][/]. No DN, filter or extensions part.
[[nodiscard]] Result<LdapUrl> ParseLdapUrl(std::string_view url);

// Every check that needs no network: URL form, StartTLS only on ldap://, simple bind only over TLS,
// no GSSAPI inside TLS (AD and Samba refuse sign/seal inside TLS), credentials present, timeouts > 0.
[[nodiscard]] Status ValidateConnectOptions(const ConnectOptions& options);

// "ldaps://dc1.lab.example as CN=Administrator,... (simple)" for messages; never the password.
[[nodiscard]] std::string Describe(const ConnectOptions& options);

}  // namespace ctim::ldap
