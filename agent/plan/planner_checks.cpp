// The planner's checks that never produce a change: row syntax (R1), recipient type (R3), the cloud's
// mailbox evidence (R9) and readiness warnings (R8).
#include <algorithm>
#include <array>

#include "agent/model/attributes.h"
#include "agent/plan/elc_flags.h"
#include "agent/plan/planner.h"
#include "agent/model/text_fold.h"

namespace ctim::agent {
namespace {

constexpr std::string_view kX500Prefix = "X500:";
constexpr std::string_view kSmtpPrefix = "SMTP:";
constexpr std::int64_t kMailUser = 128;

std::size_t CodePoints(std::string_view utf8) {
  return static_cast<std::size_t>(
      std::count_if(utf8.begin(), utf8.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string RecipientTypeName(std::int64_t value) {
  switch (value) {
    case 1: return "UserMailbox";
    case 2: return "LinkedMailbox";
    case 4: return "SharedMailbox";
    case 16: return "RoomMailbox";
    case 32: return "EquipmentMailbox";
    case 128: return "MailUser";
    case 2147483648LL: return "RemoteUserMailbox";
    case 8589934592LL: return "RemoteRoomMailbox";
    case 17179869184LL: return "RemoteEquipmentMailbox";
    case 34359738368LL: return "RemoteSharedMailbox";
    default: return "not a MailUser";
  }
}

std::string RemoteRecipientTypeNames(std::int64_t value) {
  std::string out;
  auto add = [&](std::int64_t bit, const char* name) {
    if ((value & bit) == 0) return;
    if (!out.empty()) out += ", ";
    out += name;
  };
  add(1, "ProvisionMailbox");
  add(2, "ProvisionArchive");
  add(4, "Migrated");
  add(8, "DeprovisionMailbox");
  add(16, "DeprovisionArchive");
  if ((value & 96) == 96) {
    add(96, "SharedMailbox");  // 0x60 = both bits [RTD]
  } else {
    add(32, "RoomMailbox");
    add(64, "EquipmentMailbox");
  }
  return out.empty() ? "flags" : out;
}

std::string_view Domain(std::string_view address) {
  const auto at = address.rfind('@');
  return at == std::string_view::npos ? std::string_view{} : address.substr(at + 1);
}

bool InDomains(std::string_view domain, const std::vector<std::string>& domains) {
  return std::any_of(domains.begin(), domains.end(), [&](const std::string& d) { return EqualsFolded(d, domain); });
}

}  // namespace

void CheckRowSyntax(const SourceIdentity& source, const PlanOptions& options, std::vector<Finding>& findings) {
  const std::string fix = "fix the row in the file (or download it again); no changes are made for it";
  if (source.exchange_guid.IsZero()) {
    findings.push_back(Refuse(Rule::kR1RowSyntax, "ExchangeGuid is all-zero", fix));
  }
  if (source.archive_guid && source.archive_guid->IsZero()) {
    findings.push_back(Refuse(Rule::kR1RowSyntax, "ArchiveGuid is all-zero but present", fix));
  }
  if (source.primary_smtp.empty() || source.primary_smtp.find('@') == std::string::npos) {
    findings.push_back(
        Refuse(Rule::kR1RowSyntax, "PrimarySmtpAddress \"" + source.primary_smtp + "\" is not an address", fix));
  }
  if (!StartsWithAscii(source.legacy_exchange_dn, "/o=")) {
    findings.push_back(Refuse(Rule::kR1RowSyntax,
                              "LegacyExchangeDN \"" + source.legacy_exchange_dn + "\" does not start with /o=", fix));
  }
  for (const std::string& p : source.x500_proxies) {
    if (!StartsWithAscii(p, kX500Prefix) || p.size() == kX500Prefix.size()) {
      findings.push_back(Refuse(Rule::kR1RowSyntax, "EmailAddresses item \"" + p + "\" is not an X500: address", fix));
    }
  }
  for (const std::string& value : DesiredX500s(source)) {
    if (const std::size_t n = CodePoints(value); n > options.max_proxy_length) {
      findings.push_back(Refuse(Rule::kR1RowSyntax,
                                "proxy " + value.substr(0, 60) + "... is " + std::to_string(n) +
                                    " characters, more than proxyAddresses allows (" +
                                    std::to_string(options.max_proxy_length) + ")",
                                fix));
    }
  }
}

void CheckMailUser(const DirectoryObject& object, std::vector<Finding>& findings) {
  const std::string hint =
      "cross-tenant moves need a MailUser: map the identity to the target MailUser, or convert the object with "
      "Exchange tools (ctim-agent never changes recipient types)";
  const auto rtd = object.Single(attr::kRecipientTypeDetails);
  if (!rtd) {
    findings.push_back(Refuse(Rule::kR3NotMailUser,
                              "the object is not mail-enabled (no msExchRecipientTypeDetails)",
                              "mail-enable it as a MailUser (Enable-MailUser), then rerun"));
  } else if (const auto value = ParseLdapInteger(*rtd); !value || *value != kMailUser) {
    findings.push_back(Refuse(Rule::kR3NotMailUser,
                              "msExchRecipientTypeDetails is " + std::string(*rtd) + " (" +
                                  (value ? RecipientTypeName(*value) : std::string("not a number")) +
                                  "), not 128 (MailUser)",
                              hint));
  }
  if (const auto remote = object.Single(attr::kRemoteRecipientType)) {
    const auto value = ParseLdapInteger(*remote);
    findings.push_back(Refuse(Rule::kR3NotMailUser,
                              "msExchRemoteRecipientType is " + std::string(*remote) + " (" +
                                  (value ? RemoteRecipientTypeNames(*value) : std::string("not a number")) +
                                  "): the object is a remote mailbox, a plain MailUser has none",
                              hint));
  }
  if (const auto home = object.Single(attr::kHomeMdb)) {
    findings.push_back(Refuse(Rule::kR3NotMailUser,
                              "homeMDB is " + std::string(*home) + ": the object has an on-premises mailbox", hint));
  }
}

void CheckCloudMailbox(const CloudIdentity* cloud, std::vector<Finding>& findings) {
  if (cloud == nullptr) return;
  const std::string hint =
      "remove the Exchange Online license and clear the previous mailbox (Set-User "
      "-PermanentlyClearPreviousMailboxInfo) before stamping; a license assigned before the ExchangeGuid is "
      "stamped provisions a new mailbox and the move fails";
  if (cloud->exchange_license_assigned.value_or(false)) {
    findings.push_back(Refuse(Rule::kR9CloudMailbox, "the target user has an Exchange Online license assigned", hint));
  }
  if (cloud->recipient_type_details && !EqualsAscii(*cloud->recipient_type_details, "MailUser")) {
    findings.push_back(Refuse(Rule::kR9CloudMailbox,
                              "Exchange Online shows RecipientTypeDetails " + *cloud->recipient_type_details +
                                  ", not MailUser",
                              hint));
  }
  if (cloud->previous_recipient_type_details &&
      EqualsAscii(*cloud->previous_recipient_type_details, "UserMailbox")) {
    findings.push_back(Refuse(Rule::kR9CloudMailbox,
                              "Exchange Online shows PreviousRecipientTypeDetails UserMailbox (a previous mailbox)",
                              hint));
  }
}

void CheckReadiness(const SourceIdentity& source, const DirectoryObject& object, const PlanOptions& options,
                    std::vector<Finding>& findings) {
  const auto proxies = object.Values(attr::kProxyAddresses);
  // The uppercase type marks the primary address of that type [OXLDAP]: compare the prefix case-SENSITIVELY.
  const auto primary = std::find_if(proxies.begin(), proxies.end(),
                                    [](const std::string& p) { return p.starts_with(kSmtpPrefix); });
  if (primary == proxies.end()) {
    findings.push_back(Warn(Rule::kR8Readiness, "no primary SMTP address (no uppercase SMTP: value in proxyAddresses)",
                            "give the target a primary SMTP address in a target domain before the move, or "
                            "targetAddress becomes primary and the move fails"));
  } else {
    const std::string_view domain = Domain(std::string_view(*primary).substr(kSmtpPrefix.size()));
    std::vector<std::string> source_domains{std::string(Domain(source.primary_smtp))};
    for (const std::string& p : source.other_proxies) {
      if (StartsWithAscii(p, kSmtpPrefix)) source_domains.emplace_back(Domain(p));
    }
    if (InDomains(domain, source_domains)) {
      findings.push_back(Warn(Rule::kR8Readiness, "the primary SMTP address " + *primary + " is in a source domain",
                              "set a primary SMTP address in a target domain; source domains cannot be added "
                              "to the target tenant"));
    } else if (!options.target_domains.empty() && !InDomains(domain, options.target_domains)) {
      findings.push_back(Warn(Rule::kR8Readiness,
                              "the primary SMTP address " + *primary + " is not in a configured target domain",
                              "set a primary SMTP address in a domain the target tenant owns"));
    }
  }
  if (!options.target_delivery_domain.empty()) {
    const bool has_delivery = std::any_of(proxies.begin(), proxies.end(), [&](const std::string& p) {
      return StartsWithAscii(p, kSmtpPrefix) && EqualsFolded(Domain(p), options.target_delivery_domain);
    });
    if (!has_delivery) {
      findings.push_back(Warn(Rule::kR8Readiness, "no proxy address in the target delivery domain " +
                                                      options.target_delivery_domain,
                              "add smtp:<alias>@" + options.target_delivery_domain +
                                  " (email address policy); otherwise the move fails at completion "
                                  "(MigrationPermanentException)"));
    }
  }
}

}  // namespace ctim::agent
