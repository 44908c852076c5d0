#include "agent/plan/planner.h"

#include <algorithm>
#include <unordered_set>

#include "agent/model/attributes.h"
#include "agent/model/target_address.h"
#include "agent/model/text_fold.h"
#include "agent/plan/elc_flags.h"

namespace ctim::agent {
namespace {

constexpr std::string_view kX500Prefix = "X500:";
constexpr std::string_view kSmtpPrefix = "SMTP:";

std::string GuidText(std::string_view bytes) { return DisplayValue(attr::kMailboxGuid, bytes); }

// A 16-byte GUID attribute: equal -> nothing; absent -> set; different -> replace with --overwrite-guid,
// otherwise refuse with `rule`.
void PlanGuid(std::string_view attribute, const Guid& wanted, const DirectoryObject& object,
              const PlanOptions& options, Rule rule, std::vector<AttributeChange>& changes,
              std::vector<Finding>& findings) {
  const std::string want = wanted.AdBytes();
  const auto current = object.Single(attribute);
  if (!current) {
    changes.push_back({std::string(attribute), ChangeKind::kSet, {}, {want}});
    return;
  }
  if (*current == want) return;
  const std::string what = std::string(attribute) + " is already " + GuidText(*current) + ", the source's is " +
                           wanted.ToString();
  if (options.overwrite_guid) {
    changes.push_back({std::string(attribute), ChangeKind::kReplace, {std::string(*current)}, {want}});
    findings.push_back(Warn(rule, what + ": replacing it (--overwrite-guid); the old value is journaled",
                            "ctim-agent rollback RUN restores it"));
    return;
  }
  if (rule == Rule::kR4MailboxGuid) {
    findings.push_back(Refuse(rule, what + " (a previous mailbox's GUID; the move will not start)",
                              "if the object never had a mailbox that must be kept, rerun with --overwrite-guid; "
                              "if it was licensed in the target cloud before, also clear the previous mailbox there "
                              "(Set-User -PermanentlyClearPreviousMailboxInfo, irreversible)"));
  } else {
    findings.push_back(Refuse(rule, what + " (a different archive)",
                              "if the existing archive GUID is stale, rerun with --overwrite-guid; otherwise "
                              "check the row maps the right source mailbox"));
  }
}

void PlanProxies(const SourceIdentity& source, const DirectoryObject& object, const ProxyOwners& owners,
                 std::vector<AttributeChange>& changes, std::vector<Finding>& findings) {
  const std::vector<std::string> missing = MissingX500s(source, object);
  for (const std::string& value : missing) {
    if (!owners.Checked(value)) {
      findings.push_back(Refuse(Rule::kR6ProxyElsewhere, "could not check that " + value +
                                                             " is unique in the forest (no Global Catalog answer)",
                                "rerun when the Global Catalog is reachable"));
      continue;
    }
    const auto others = owners.Others(value, object.object_guid);
    if (others.empty()) continue;
    std::string where;
    for (const ProxyOwner& o : others) where += (where.empty() ? "" : " and ") + o.dn;
    findings.push_back(Refuse(Rule::kR6ProxyElsewhere, "proxy " + value + " is already on " + where,
                              "Entra Connect would fail the export with a duplicate-attribute error: remove it "
                              "from the other object if it is stale, or check the row maps the right mailbox"));
  }
  for (const std::string& value : missing) {
    changes.push_back({std::string(attr::kProxyAddresses), ChangeKind::kAddValues, {}, {value}});
  }
}

void PlanTargetAddress(const SourceIdentity& source, const DirectoryObject& object,
                       std::vector<AttributeChange>& changes, std::vector<Finding>& findings) {
  const std::string wanted = std::string(kSmtpPrefix) + source.primary_smtp;
  const auto current = object.Single(attr::kTargetAddress);
  if (!current) {
    changes.push_back({std::string(attr::kTargetAddress), ChangeKind::kSet, {}, {wanted}});
    return;
  }
  // Only an "SMTP:" value routes by SMTP; "X400:..." or a bare address is not one of the source's.
  const TargetAddressMatch match = StartsWithAscii(*current, kSmtpPrefix)
                                       ? MatchTargetAddress(*current, source.primary_smtp, source.other_proxies)
                                       : TargetAddressMatch::kNone;
  if (match == TargetAddressMatch::kPrimary) return;  // already points at the source mailbox
  if (match == TargetAddressMatch::kSecondary) {
    findings.push_back(Warn(Rule::kR7TargetAddress,
                            "targetAddress is " + std::string(*current) +
                                ", a secondary address of the source mailbox, not its primary " + wanted,
                            "mail still reaches the source mailbox, but Microsoft's cross-tenant validation "
                            "script reports anything but the primary as an error (doc/facts.md §2.5); set it "
                            "to " + wanted + " if the move is refused; ctim-agent never overwrites it"));
    return;
  }
  findings.push_back(Refuse(Rule::kR7TargetAddress,
                            "targetAddress is " + std::string(*current) +
                                ", not one of the source mailbox's SMTP addresses (expected " + wanted + ")",
                            "targetAddress must route to the SOURCE mailbox (a common mistake is the target's own "
                            "address): set it to " + wanted + " or clear it; ctim-agent never overwrites it"));
}

void PlanElc(const SourceIdentity& source, const DirectoryObject& object, std::vector<AttributeChange>& changes,
             std::vector<Finding>& findings) {
  const std::int64_t bits = RequestedElcBits(source.hold);
  if (bits == 0) return;
  findings.push_back(Warn(Rule::kR10Hold,
                          "hold flags requested: msExchELCMailboxFlags |= " + DescribeElcBits(bits) +
                              ". Microsoft says mailboxes on any hold must NOT be migrated cross-tenant (data loss)",
                          "release the holds or exclude this mailbox from the batch; the bits only raise the "
                          "target's Recoverable Items quota"));
  const auto current = object.Single(attr::kElcMailboxFlags);
  if (!current) {
    changes.push_back({std::string(attr::kElcMailboxFlags), ChangeKind::kSet, {}, {std::to_string(bits)}});
    return;
  }
  const auto value = ParseLdapInteger(*current);
  if (!value) {
    findings.push_back(Refuse(Rule::kR10Hold,
                              "msExchELCMailboxFlags is \"" + std::string(*current) + "\", not an integer",
                              "fix the attribute with Exchange tools, then rerun"));
    return;
  }
  const std::int64_t merged = MergeElcBits(*value, bits);
  if (merged == *value) return;
  changes.push_back({std::string(attr::kElcMailboxFlags), ChangeKind::kReplace, {std::string(*current)},
                     {std::to_string(merged)}});
}

}  // namespace

std::vector<std::string> DesiredX500s(const SourceIdentity& source) {
  std::vector<std::string> out;
  out.reserve(1 + source.x500_proxies.size());
  // A row carries a few X500s, so a linear scan with the non-allocating comparison beats a set of folded
  // copies; a long list (a mailbox moved many times) still dedupes through a set.
  constexpr std::size_t kLinear = 16;
  std::unordered_set<std::string> seen;
  const bool linear = source.x500_proxies.size() < kLinear;
  auto add = [&](std::string value) {
    if (linear) {
      for (const std::string& o : out) {
        if (EqualsFolded(o, value)) return;
      }
    } else if (!seen.insert(FoldCase(value)).second) {
      return;
    }
    out.push_back(std::move(value));
  };
  if (!source.legacy_exchange_dn.empty()) add(std::string(kX500Prefix) + source.legacy_exchange_dn);
  for (const std::string& p : source.x500_proxies) add(p);
  return out;
}

std::vector<std::string> MissingX500s(const SourceIdentity& source, const DirectoryObject& object) {
  const std::span<const std::string> present = object.Values(attr::kProxyAddresses);
  std::vector<std::string> desired = DesiredX500s(source);
  std::vector<std::string> missing;
  missing.reserve(desired.size());
  if (present.size() * desired.size() <= 1024) {
    for (std::string& value : desired) {
      const bool there = std::any_of(present.begin(), present.end(),
                                     [&](const std::string& p) { return EqualsFolded(p, value); });
      if (!there) missing.push_back(std::move(value));
    }
    return missing;
  }
  std::unordered_set<std::string> folded;
  for (const std::string& p : present) folded.insert(FoldCase(p));
  for (std::string& value : desired) {
    if (!folded.contains(FoldCase(value))) missing.push_back(std::move(value));
  }
  return missing;
}

ObjectPlan PlanObject(const SourceIdentity& source, const DirectoryObject& object, const PlanOptions& options,
                      const ProxyOwners& owners, const CloudIdentity* cloud) {
  ObjectPlan plan;
  plan.change_set.row = source.row;
  plan.change_set.dn = object.dn;
  plan.change_set.object_guid = object.object_guid;
  plan.change_set.target_object_id = source.target_object_id;
  std::vector<Finding>& findings = plan.findings;

  CheckRowSyntax(source, options, findings);
  if (plan.refused()) return plan;  // nothing below is meaningful on a malformed row

  std::vector<AttributeChange> changes;
  CheckMailUser(object, findings);
  CheckCloudMailbox(cloud, findings);
  PlanGuid(attr::kMailboxGuid, source.exchange_guid, object, options, Rule::kR4MailboxGuid, changes, findings);
  if (source.archive_guid) {
    PlanGuid(attr::kArchiveGuid, *source.archive_guid, object, options, Rule::kR5ArchiveGuid, changes, findings);
  } else if (const auto archive = object.Single(attr::kArchiveGuid)) {
    findings.push_back(Warn(Rule::kR5ArchiveGuid,
                            "the target has msExchArchiveGUID " + GuidText(*archive) + " but the source has no archive",
                            "clear the target's archive GUID if it is stale; the move does not need it"));
  }
  PlanProxies(source, object, owners, changes, findings);
  PlanTargetAddress(source, object, changes, findings);
  PlanElc(source, object, changes, findings);
  CheckReadiness(source, object, options, findings);

  if (!source.other_proxies.empty()) {
    findings.push_back(Note(Rule::kInfo, std::to_string(source.other_proxies.size()) +
                                             " non-X500 source address(es) in EmailAddresses are not written "
                                             "(source domains cannot be added to the target)"));
  }
  if (!plan.refused()) plan.change_set.changes = std::move(changes);
  return plan;
}

}  // namespace ctim::agent
