// Binds for libldap: simple (only ever over TLS: ValidateConnectOptions refused the rest) and SASL
// GSSAPI with Cyrus SASL, whose Kerberos credentials come from the credential cache KRB5CCNAME names.
// With a keytab and a principal, that cache is first filled with a ticket for exactly that principal
// (ldap/krb5/keytab_credentials.h); see doc/kerberos-principal.md.
#include <fmt/format.h>
#include <sasl/sasl.h>

#include <cstdlib>
#include <cstring>
#include <functional>
#include <mutex>

#include "ldap/krb5/keytab_credentials.h"
#include "ldap/openldap/session.h"

namespace ctim::ldap {
namespace {

// GSSAPI asks no questions; answer any prompt with its default (Cyrus requires a non-null result).
int Interact(LDAP* /*ld*/, unsigned /*flags*/, void* /*defaults*/, void* prompts) {
  for (auto* p = static_cast<sasl_interact_t*>(prompts); p != nullptr && p->id != SASL_CB_LIST_END; ++p) {
    const char* value = p->defresult != nullptr ? p->defresult : "";
    p->result = value;
    p->len = static_cast<unsigned>(std::strlen(value));
  }
  return LDAP_SUCCESS;
}

// Binds re-initialise the shared in-memory cache; one at a time, so none reads it half-filled.
std::mutex& GssapiBindMutex() {
  static std::mutex m;
  return m;
}

Status SetEnv(const char* name, const std::string& value) {
  // main() set these before any thread started (service/kerberos_env.h): leave an equal value alone
  // rather than write the environment while other threads may read it.
  if (const char* current = std::getenv(name); current != nullptr && value == current) return {};
  if (::setenv(name, value.c_str(), 1) != 0) {
    return Fail(Errc::kInternal, fmt::format("ldap bind: cannot set {} in the environment", name));
  }
  return {};
}

// MIT Kerberos reads these when Cyrus SASL's GSSAPI plugin acquires credentials. With a keytab and a
// principal, the cache gets a ticket for that principal before the bind.
Status PrepareKerberos(const ConnectOptions& o) {
  if (!o.krb5_config.empty()) {
    if (Status st = SetEnv("KRB5_CONFIG", o.krb5_config); !st) return st;
  }
  if (!o.keytab.empty()) {
    if (Status st = SetEnv("KRB5_CLIENT_KTNAME", o.keytab); !st) return st;
    // A private in-memory cache per keytab: a default FILE cache holding someone else's ticket must
    // not decide who we bind as.
    const std::string ccache = o.ccache.empty()
                                   ? fmt::format("MEMORY:ctim-ldap-{:x}", std::hash<std::string>{}(o.keytab))
                                   : o.ccache;
    if (Status st = SetEnv("KRB5CCNAME", ccache); !st) return st;
    // Without a principal, MIT's client-keytab initiation takes the keytab's first principal.
    if (!o.principal.empty()) return kerberos::GetKeytabCredentials(o.keytab, o.principal, ccache);
    return {};
  }
  if (!o.ccache.empty()) return SetEnv("KRB5CCNAME", o.ccache);
  return {};
}

std::string BindTarget(const Connection::Impl& s) { return Describe(s.options); }

Status SimpleBind(Connection::Impl& s) {
  const std::string& password = s.options.password.Reveal();
  berval credentials{password.size(), const_cast<char*>(password.data())};
  int msgid = 0;
  const int rc = ldap_sasl_bind(s.get(), s.options.bind_dn.c_str(), LDAP_SASL_SIMPLE, &credentials, nullptr,
                                nullptr, &msgid);
  if (rc != LDAP_SUCCESS) return std::unexpected(s.CallError(Operation::kBind, BindTarget(s), rc));
  auto result = openldap::AwaitResult(s, msgid, Operation::kBind, BindTarget(s));
  if (!result) return std::unexpected(std::move(result.error()));
  if (result->code != LDAP_SUCCESS) {
    return std::unexpected(s.ResultError(Operation::kBind, BindTarget(s), result->code,
                                         std::move(result->diagnostic), std::move(result->matched_dn)));
  }
  s.info.bind_name = s.options.bind_dn;
  return {};
}

Status GssapiBind(Connection::Impl& s) {
  int rc = LDAP_SUCCESS;
  {
    const std::lock_guard lock(GssapiBindMutex());
    if (Status st = PrepareKerberos(s.options); !st) {
      return std::unexpected(std::move(st.error()).With(fmt::format("ldap bind {}", BindTarget(s))));
    }
    rc = ldap_sasl_interactive_bind_s(s.get(), nullptr, "GSSAPI", nullptr, nullptr, LDAP_SASL_QUIET, Interact,
                                      nullptr);
  }
  if (rc != LDAP_SUCCESS) return std::unexpected(s.CallError(Operation::kBind, BindTarget(s), rc));
  ber_len_t ssf = 0;  // libldap writes a ber_len_t here, not a sasl_ssf_t
  if (ldap_get_option(s.get(), LDAP_OPT_X_SASL_SSF, &ssf) == LDAP_OPT_SUCCESS) {
    s.info.sasl_ssf = static_cast<unsigned>(ssf);
  }
  char* user = nullptr;
  if (ldap_get_option(s.get(), LDAP_OPT_X_SASL_USERNAME, &user) == LDAP_OPT_SUCCESS) {
    s.info.bind_name = openldap::TakeString(user);
  }
  if (s.info.sasl_ssf < 56) {  // minssf=56 should have made this impossible; never write unprotected
    return Fail(
        Errc::kUnauthenticated,
        fmt::format("ldap bind {}: SASL security layer too weak (SSF {})", BindTarget(s), s.info.sasl_ssf),
        "the DC must offer GSSAPI sign+seal");
  }
  return {};
}

}  // namespace

Status BindSession(Connection::Impl& s) {
  switch (s.options.bind) {
    case BindMethod::kAnonymous:
      return {};
    case BindMethod::kSimple:
      return SimpleBind(s);
    case BindMethod::kGssapi:
      return GssapiBind(s);
  }
  return Fail(Errc::kInternal, "ldap bind: unknown bind method");
}

}  // namespace ctim::ldap
