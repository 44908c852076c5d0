// Who the server thinks we are: RFC 4532 WhoAmI, or for servers without it (Samba 4.17 answers
// "Extended Operation(1.3.6.1.4.1.4203.1.11.3) not supported") the user SID of the rootDSE's
// tokenGroups, resolved to a DN with a <SID=...> base read.
#include <fmt/format.h>

#include "ldap/openldap/session.h"
#include "ldap/sid.h"

namespace ctim::ldap {

Result<BoundIdentity> Connection::WhoAmI() {
  Impl& s = *impl_;
  if (s.options.bind == BindMethod::kAnonymous) return BoundIdentity{"", "anonymous"};
  int msgid = 0;
  int rc = ldap_whoami(s.get(), nullptr, nullptr, &msgid);
  if (rc != LDAP_SUCCESS) return std::unexpected(s.CallError(Operation::kWhoAmI, s.options.url, rc));
  timeval timeout = s.OperationTimeout();
  LDAPMessage* raw = nullptr;
  const int type = ldap_result(s.get(), msgid, LDAP_MSG_ALL, &timeout, &raw);
  const openldap::LdapMessage msg(raw);
  if (type <= 0) {
    if (type == 0) ldap_abandon_ext(s.get(), msgid, nullptr, nullptr);
    return std::unexpected(
        s.CallError(Operation::kWhoAmI, s.options.url, type == 0 ? LDAP_TIMEOUT : LDAP_SERVER_DOWN));
  }
  openldap::ParsedResult result;
  if (rc = openldap::ParseResult(s.get(), msg.get(), result); rc != LDAP_SUCCESS) {
    return std::unexpected(s.CallError(Operation::kWhoAmI, s.options.url, rc));
  }
  if (result.code == LDAP_SUCCESS) {
    berval* authzid = nullptr;
    rc = ldap_parse_whoami(s.get(), msg.get(), &authzid);
    const openldap::LdapBerval owned(authzid);
    if (rc != LDAP_SUCCESS) return std::unexpected(s.CallError(Operation::kWhoAmI, s.options.url, rc));
    return BoundIdentity{owned ? std::string(owned->bv_val, owned->bv_len) : std::string(), "whoami"};
  }
  if (result.code != LDAP_PROTOCOL_ERROR && result.code != LDAP_UNWILLING_TO_PERFORM &&
      result.code != LDAP_UNAVAILABLE_CRITICAL_EXTENSION) {
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
