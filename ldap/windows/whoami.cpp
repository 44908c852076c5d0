// Who the server thinks we are: RFC 4532 WhoAmI, or for servers without it (Samba 4.17 answers
// "Extended Operation(1.3.6.1.4.1.4203.1.11.3) not supported") the user SID of the rootDSE's
// tokenGroups, resolved to a DN with a <SID=...> base read. Wldap32 has no ldap_whoami: the extended
// operation is sent by its OID.
#include <fmt/format.h>

#include "ldap/sid.h"
#include "ldap/windows/session.h"

namespace ctim::ldap {

Result<BoundIdentity> Connection::WhoAmI() {
  Impl& s = *impl_;
  if (s.options.bind == BindMethod::kAnonymous) return BoundIdentity{"", "anonymous"};
  std::wstring oid = L"1.3.6.1.4.1.4203.1.11.3";  // RFC 4532
  ULONG msgid = 0;
  ULONG rc = ldap_extended_operationW(s.get(), oid.data(), nullptr, nullptr, nullptr, &msgid);
  if (rc != LDAP_SUCCESS) return std::unexpected(s.CallError(Operation::kWhoAmI, s.options.url, rc));
  l_timeval timeout = s.OperationTimeout();
  LDAPMessage* raw = nullptr;
  const ULONG type = ldap_result(s.get(), msgid, LDAP_MSG_ALL, &timeout, &raw);
  const windows::LdapMessage msg(raw);
  if (type == 0 || type == windows::kResultError || !msg) {
    if (type == 0) ldap_abandon(s.get(), msgid);
    return std::unexpected(s.CallError(Operation::kWhoAmI, s.options.url,
                                       type == 0 ? ULONG{LDAP_TIMEOUT} : windows::LastError(s.get())));
  }
  windows::ParsedResult result;
  if (rc = windows::ParseResult(s.get(), msg.get(), result); rc != LDAP_SUCCESS) {
    return std::unexpected(s.CallError(Operation::kWhoAmI, s.options.url, rc));
  }
  if (result.code == LDAP_SUCCESS) {
    wchar_t* raw_oid = nullptr;
    berval* authzid = nullptr;
    rc = ldap_parse_extended_resultW(s.get(), msg.get(), &raw_oid, &authzid, FALSE);
    const windows::LdapString owned_oid(raw_oid);
    const windows::LdapBerval owned(authzid);
    if (rc != LDAP_SUCCESS) return std::unexpected(s.CallError(Operation::kWhoAmI, s.options.url, rc));
    return BoundIdentity{owned ? std::string(owned->bv_val, owned->bv_len) : std::string(), "whoami"};
  }
  if (result.code != LDAP_PROTOCOL_ERROR && result.code != LDAP_UNWILLING_TO_PERFORM &&
      result.code != LDAP_UNAVAILABLE_CRIT_EXTENSION) {
    return std::unexpected(s.ResultError(Operation::kWhoAmI, s.options.url, result.code,
                                         std::move(result.diagnostic), std::move(result.matched_dn)));
  }
  // No WhoAmI on this server: the first tokenGroups value of the rootDSE is the user's own SID.
  auto root = ReadRootDse({"tokenGroups"});
  if (!root) return std::unexpected(std::move(root.error()).With("whoami fallback"));
  const Values* groups = root->Find("tokenGroups");
  const auto sid = (groups != nullptr && !groups->empty()) ? SidToString(groups->front()) : std::nullopt;
  if (!sid) {
    return Fail(Errc::kInternal,
                fmt::format("ldap whoami {}: the server supports neither WhoAmI nor rootDSE tokenGroups",
                            s.options.url));
  }
  auto self = Read(fmt::format("<SID={}>", *sid), {"distinguishedName"});
  if (!self) return std::unexpected(std::move(self.error()).With("whoami fallback"));
  return BoundIdentity{"dn:" + self->dn, "rootDSE tokenGroups"};
}

}  // namespace ctim::ldap
