// Builders for unit tests of the agent core: CTIM rows and AD objects as they look in a hybrid forest.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "agent/model/attributes.h"
#include "agent/model/directory.h"
#include "agent/model/source_identity.h"
#include "common/guid.h"

namespace ctim::agent::testing {

inline Guid G(std::string_view text) { return *Guid::Parse(text); }

// A GUID derived from a number, for bulk fixtures: 00000000-0000-4000-8000-<n as 12 hex digits>.
inline Guid NumberedGuid(unsigned prefix, unsigned n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-0000-4000-8000-%012x", prefix, n);
  return G(buf);
}

inline std::string Hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    if (!out.empty()) out.push_back(' ');
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

inline constexpr std::string_view kBase = "OU=Staff,DC=lab,DC=example";

// A source identity: alias@fabrikam.example, mapped to target id `target`.
inline SourceIdentity Row(std::size_t row, std::string_view alias, Guid exchange_guid, Guid target) {
  SourceIdentity s;
  s.row = row;
  s.line = row;
  s.source_object_id = NumberedGuid(0x50, static_cast<unsigned>(row)).ToString();
  s.source_upn = std::string(alias) + "@fabrikam.example";
  s.primary_smtp = std::string(alias) + "@fabrikam.example";
  s.exchange_guid = exchange_guid;
  s.legacy_exchange_dn = "/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=" +
                         std::string(alias) + "-src";
  s.x500_proxies = {"X500:/o=Fabrikam/ou=First Administrative Group/cn=Recipients/cn=" + std::string(alias)};
  s.other_proxies = {"SMTP:" + std::string(alias) + "@fabrikam.example", "smtp:" + std::string(alias) + "@fab.example"};
  s.target_object_id = target;
  s.migration_status = "Mapped";
  return s;
}

// A target MailUser as Entra Connect with Exchange hybrid writeback leaves it: msDS-ExternalDirectoryObjectId,
// the target's own X500 written back, a primary SMTP in the target domain and a delivery-domain proxy.
inline DirectoryObject MailUser(std::string_view alias, Guid object_guid, Guid target_id) {
  DirectoryObject o;
  o.dn = "CN=" + std::string(alias) + "," + std::string(kBase);
  o.object_guid = object_guid;
  o.object_sid = "S-1-5-21-1004336348-1177238915-682003330-" + std::to_string(1000 + object_guid.bytes()[15]);
  o.attributes[std::string(attr::kObjectClass)] = {"top", "person", "organizationalPerson", "user"};
  o.attributes[std::string(attr::kExternalDirectoryObjectId)] = {"User_" + target_id.ToString()};
  o.attributes[std::string(attr::kRecipientTypeDetails)] = {"128"};
  o.attributes[std::string(attr::kRecipientDisplayType)] = {"6"};
  o.attributes[std::string(attr::kProxyAddresses)] = {
      "SMTP:" + std::string(alias) + "@contoso.example", "smtp:" + std::string(alias) + "@contoso.mail.onmicrosoft.com",
      "X500:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=" +
          std::string(alias) + "-target-written-by-entra-connect"};
  o.attributes[std::string(attr::kUserPrincipalName)] = {std::string(alias) + "@contoso.example"};
  o.attributes[std::string(attr::kMail)] = {std::string(alias) + "@contoso.example"};
  o.attributes[std::string(attr::kWhenChanged)] = {"20250101000000.0Z"};
  return o;
}

}  // namespace ctim::agent::testing
