// Binds for Wldap32: simple (only ever over TLS: ValidateConnectOptions refused the rest) and Negotiate
// (Kerberos, NTLM as Windows' fallback) with the identity the process runs as: no credentials are passed,
// so a service running as a gMSA, a virtual account or the machine binds as that account.
#include <fmt/format.h>

// clang-format off
#include <windows.h>
#define SECURITY_WIN32
#include <security.h>
#include <secext.h>
// clang-format on

#include "ldap/windows/session.h"

namespace ctim::ldap {
namespace {

std::string BindTarget(const Connection::Impl& s) { return Describe(s.options); }

// The account this process runs as, DOMAIN\name ("" when Windows cannot say).
std::string ProcessAccount() {
  wchar_t name[512] = {};
  ULONG size = static_cast<ULONG>(std::size(name));
  if (!GetUserNameExW(NameSamCompatible, name, &size)) return {};
  return windows::Utf8(name);
}

Status SimpleBind(Connection::Impl& s) {
  std::wstring dn = windows::Wide(s.options.bind_dn);
  std::wstring password = windows::Wide(s.options.password.Reveal());
  const ULONG msgid = ldap_simple_bindW(s.get(), dn.data(), password.data());
  SecureZeroMemory(password.data(), password.size() * sizeof(wchar_t));
  if (msgid == windows::kResultError) {
    return std::unexpected(s.CallError(Operation::kBind, BindTarget(s), windows::LastError(s.get())));
  }
  auto result = windows::AwaitResult(s, msgid, Operation::kBind, BindTarget(s));
  if (!result) return std::unexpected(std::move(result.error()));
  if (result->code != LDAP_SUCCESS) {
    return std::unexpected(s.ResultError(Operation::kBind, BindTarget(s), result->code,
                                         std::move(result->diagnostic), std::move(result->matched_dn)));
  }
  s.info.bind_name = s.options.bind_dn;
  return {};
}

Status NegotiateBind(Connection::Impl& s) {
  // NULL name and credentials: the current security context (Microsoft Learn, ldap_bind_s).
  if (const ULONG rc = ldap_bind_sW(s.get(), nullptr, nullptr, LDAP_AUTH_NEGOTIATE); rc != LDAP_SUCCESS) {
    return std::unexpected(s.CallError(Operation::kBind, BindTarget(s), rc));
  }
  // Never write unprotected: both options must still be on once the bind has negotiated the session.
  void* sign = LDAP_OPT_OFF;
  void* seal = LDAP_OPT_OFF;
  const bool known = ldap_get_optionW(s.get(), LDAP_OPT_SIGN, &sign) == LDAP_SUCCESS &&
                     ldap_get_optionW(s.get(), LDAP_OPT_ENCRYPT, &seal) == LDAP_SUCCESS;
  if (!known || sign == LDAP_OPT_OFF || seal == LDAP_OPT_OFF) {
    return Fail(Errc::kUnauthenticated,
                fmt::format("ldap bind {}: the Negotiate session is not signed and sealed", BindTarget(s)),
                "the DC must offer Kerberos (or NTLM) signing and sealing on port 389");
  }
  s.info.sasl_ssf = 56;  // sign + seal, as the GSSAPI path's minssf=56 demands on Linux
  s.info.bind_name = ProcessAccount();
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
      return NegotiateBind(s);
  }
  return Fail(Errc::kInternal, "ldap bind: unknown bind method");
}

}  // namespace ctim::ldap
