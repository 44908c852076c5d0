#include "agent/verify/verify_classify.h"

#include <algorithm>
#include <set>

#include "agent/model/target_address.h"
#include "agent/model/text_fold.h"

namespace ctim::agent {
namespace {

std::string GuidText(const std::optional<Guid>& guid) { return guid ? guid->ToString() : std::string(); }

ValueCheck CheckGuid(std::string name, const Guid& planned, const std::optional<Guid>& cloud) {
  ValueCheck check{std::move(name), planned.ToString(), GuidText(cloud), ValueState::kMissing};
  if (cloud) check.state = *cloud == planned ? ValueState::kArrived : ValueState::kDifferent;
  return check;
}

std::string SyncText(std::optional<TimePoint> tenant_last_sync) {
  return tenant_last_sync ? "tenant last sync " + FormatUtcIso8601(*tenant_last_sync) : "the tenant never synced";
}

// "ExchangeGuid, 2 X500s" for the values in `state`.
std::string ListValues(const std::vector<ValueCheck>& values, ValueState state) {
  std::vector<std::string> parts;
  std::size_t x500 = 0;
  for (const ValueCheck& v : values) {
    if (v.state != state) continue;
    if (v.name == "X500") {
      ++x500;
    } else {
      parts.push_back(v.name);
    }
  }
  if (x500 == 1) parts.emplace_back("1 X500");
  if (x500 > 1) parts.push_back(std::to_string(x500) + " X500s");
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

// "ExchangeGuid is 1ec0... (planned 2ab1...)" for each different value.
std::string DescribeDifferent(const std::vector<ValueCheck>& values) {
  std::string out;
  for (const ValueCheck& v : values) {
    if (v.state != ValueState::kDifferent) continue;
    out += (out.empty() ? "" : "; ") + v.name + " is " + v.cloud + " (planned " + v.planned + ")";
  }
  return out;
}

const ProvisioningIssue* ConflictOnPlannedValue(const Expectation& expected, const CloudUserState& user) {
  for (const ProvisioningIssue& issue : user.provisioning_errors) {
    if (!EqualsAscii(issue.property, "ProxyAddress")) continue;
    for (const std::string& x500 : expected.x500s) {
      if (EqualsFolded(issue.value, x500)) return &issue;
    }
  }
  return nullptr;
}

std::string DescribeIssue(const ProvisioningIssue& issue) {
  std::string text = issue.category + " on " + issue.property + " \"" + issue.value + "\"";
  if (!issue.holder.empty()) text += " (held by " + issue.holder + ")";
  if (!issue.occurred.empty()) text += " since " + issue.occurred;
  return text;
}

bool EntraHasAllX500s(const Expectation& expected, const CloudUserState& user) {
  std::set<std::string> present;
  for (const std::string& p : user.proxy_addresses) present.insert(FoldCase(p));
  return !expected.x500s.empty() && std::all_of(expected.x500s.begin(), expected.x500s.end(), [&](const auto& x) {
    return present.contains(FoldCase(x));
  });
}

Verdict Wrong(std::string reason, std::string hint, std::vector<ValueCheck> values = {}) {
  return {VerifyStatus::kWrong, std::move(reason), std::move(hint), std::move(values)};
}

Verdict Pending(std::string reason, std::string hint, std::vector<ValueCheck> values = {}) {
  return {VerifyStatus::kPending, std::move(reason), std::move(hint), std::move(values)};
}

constexpr std::string_view kLicensedEarlyHint =
    "the user was licensed before the ExchangeGuid was stamped, so Exchange Online provisioned a mailbox of its "
    "own [XTMM]: remove the Exchange Online license, then in the target tenant run Set-User <id> "
    "-PermanentlyClearPreviousMailboxInfo (irreversible: the provisioned mailbox is gone) and let the next sync "
    "stamp the planned ExchangeGuid";

constexpr std::string_view kSyncNowHint =
    "Entra Connect exports every 30 minutes by default; Start-ADSyncSyncCycle -PolicyType Delta on the Entra "
    "Connect server syncs now";

}  // namespace

std::string_view SyncEvidenceName(SyncEvidence evidence) {
  switch (evidence) {
    case SyncEvidence::kNotSynced:
      return "not-synced";
    case SyncEvidence::kSyncedOnce:
      return "synced-once";
    case SyncEvidence::kFullCycle:
      return "full-cycle";
  }
  return "?";
}

std::string_view ValueStateName(ValueState state) {
  switch (state) {
    case ValueState::kArrived:
      return "arrived";
    case ValueState::kMissing:
      return "missing";
    case ValueState::kDifferent:
      return "different";
  }
  return "?";
}

SyncEvidence JudgeSync(TimePoint written_at, std::optional<TimePoint> first_sync_after_write,
                       std::optional<TimePoint> tenant_last_sync) {
  if (!tenant_last_sync || *tenant_last_sync <= written_at) return SyncEvidence::kNotSynced;
  if (first_sync_after_write && *first_sync_after_write > written_at && *tenant_last_sync > *first_sync_after_write) {
    return SyncEvidence::kFullCycle;
  }
  return SyncEvidence::kSyncedOnce;
}

std::vector<ValueCheck> CompareValues(const Expectation& expected, const MailUserState& mail_user) {
  std::vector<ValueCheck> out;
  if (expected.exchange_guid) out.push_back(CheckGuid("ExchangeGuid", *expected.exchange_guid, mail_user.exchange_guid));
  if (expected.archive_guid) out.push_back(CheckGuid("ArchiveGuid", *expected.archive_guid, mail_user.archive_guid));
  for (const std::string& x500 : expected.x500s) {
    const auto found = std::find_if(mail_user.email_addresses.begin(), mail_user.email_addresses.end(),
                                    [&](const std::string& a) { return EqualsFolded(a, x500); });
    const bool arrived = found != mail_user.email_addresses.end();
    out.push_back({"X500", x500, arrived ? *found : std::string(), arrived ? ValueState::kArrived : ValueState::kMissing});
  }
  if (!expected.external_email.empty()) {
    ValueCheck check{"ExternalEmailAddress", expected.external_email, mail_user.external_email_address,
                     ValueState::kMissing};
    if (!mail_user.external_email_address.empty()) {
      check.state = RoutesToSource(mail_user.external_email_address, expected.external_email,
                                   expected.source_proxies)
                        ? ValueState::kArrived
                        : ValueState::kDifferent;
    }
    out.push_back(std::move(check));
  }
  return out;
}

Verdict Classify(const Expectation& expected, const CloudUserState* user, SyncEvidence evidence,
                 std::optional<TimePoint> tenant_last_sync) {
  const std::string id = expected.target_object_id.ToString();
  if (user == nullptr) {
    return Wrong("the target tenant has no user " + id,
                 "check TargetExternalDirectoryObjectId: the user was deleted in the cloud, or the file belongs to "
                 "another tenant");
  }
  if (!user->sync_enabled) {
    return Wrong("user " + id + " is not synced from AD (onPremisesSyncEnabled is not true): nothing written "
                 "on-premises can reach it",
                 "a cloud-only target is handled by New-CtimWriteRequest, not by writing AD");
  }
  if (const ProvisioningIssue* conflict = ConflictOnPlannedValue(expected, *user)) {
    return Wrong("Entra ID refuses a value we wrote: " + DescribeIssue(*conflict),
                 conflict->holder.empty()
                     ? "a proxy address may be held by one object only: find the other object holding it "
                       "(Get-Recipient -Identity '<value>' in the target tenant, or the AD global catalog), remove "
                       "the duplicate from one of them, then wait for the next sync"
                     : "a proxy address may be held by one object only: remove it from " + conflict->holder +
                           " (or from this object if that one is right), then wait for the next sync");
  }

  const MailUserState* mail = user->mail_user ? &*user->mail_user : nullptr;
  if (mail != nullptr && !mail->recipient_type_details.empty() && !EqualsAscii(mail->recipient_type_details, "MailUser")) {
    return Wrong("Exchange Online shows a " + mail->recipient_type_details + " with ExchangeGuid " +
                     (mail->exchange_guid ? mail->exchange_guid->ToString() : "(none)") + ", not a MailUser",
                 std::string(kLicensedEarlyHint), CompareValues(expected, *mail));
  }
  if (mail == nullptr && user->exchange_license.value_or(false)) {
    return Wrong("user " + id + " has an Exchange Online license and Get-MailUser does not return it: Exchange "
                 "Online made it a mailbox",
                 std::string(kLicensedEarlyHint));
  }
  if (mail != nullptr && user->exchange_license.value_or(false) && expected.exchange_guid && mail->exchange_guid &&
      *mail->exchange_guid != *expected.exchange_guid) {
    return Wrong("user " + id + " has an Exchange Online license and ExchangeGuid " +
                     mail->exchange_guid->ToString() + " (planned " + expected.exchange_guid->ToString() + ")",
                 std::string(kLicensedEarlyHint), CompareValues(expected, *mail));
  }

  std::string blocked;  // errors that hold the object's export
  for (const ProvisioningIssue& issue : user->provisioning_errors) {
    blocked += (blocked.empty() ? "" : "; ") + DescribeIssue(issue);
  }
  for (const std::string& error : user->service_errors) {
    blocked += (blocked.empty() ? "" : "; ") + std::string("Exchange: ") + error;
  }

  if (mail == nullptr && user->cloud_managed.value_or(false)) {
    return Wrong(
        "user " + id +
            " is managed in the cloud (onPremisesSyncBehavior isCloudManaged is true) and "
            "Exchange Online has no mail user for it: nothing written to AD will reach it",
        "write this user's values in the cloud with the cloud-only CTIM write request "
        "(New-CtimWriteRequest), or move its source of authority back to AD and wait for the next sync");
  }
  if (mail == nullptr) {
    if (!blocked.empty()) {
      return Wrong("Exchange Online has no mail user for " + id + " and the cloud reports: " + blocked,
                   "resolve the reported conflict in AD (a value may be held by one object only); the next sync "
                   "exports the object");
    }
    return Pending("Exchange Online has no mail user for " + id + " yet (" + SyncText(tenant_last_sync) + ")",
                   evidence == SyncEvidence::kNotSynced ? std::string(kSyncNowHint)
                                                        : "Exchange Online usually follows Entra ID within 30 "
                                                          "minutes, at most 24 hours");
  }

  // What sync times are counted from: the journal's write time, or (a file) the start of this verify.
  const std::string since = expected.written_at ? "the write" : "verify started";
  std::vector<ValueCheck> values = CompareValues(expected, *mail);
  const bool all_arrived =
      std::all_of(values.begin(), values.end(), [](const ValueCheck& v) { return v.state == ValueState::kArrived; });
  if (all_arrived) {
    Verdict done{VerifyStatus::kDone, "all " + std::to_string(values.size()) + " planned values are in Exchange Online",
                 {}, std::move(values)};
    if (!blocked.empty()) done.hint = "the cloud also reports, unrelated to these values: " + blocked;
    return done;
  }
  if (user->cloud_managed.value_or(false)) {
    // doc/cloud-api.md, "Source of authority": Entra ID blocks updates from AD for such a user, so what has
    // not arrived yet never will.
    return Wrong(
        "user " + id +
            " is managed in the cloud (onPremisesSyncBehavior isCloudManaged is true): Entra "
            "ID blocks updates from on-premises AD, so the values written there will never arrive",
        "write this user's values in the cloud with the cloud-only CTIM write request "
        "(New-CtimWriteRequest), or move its source of authority back to AD and wait for the next sync",
        std::move(values));
  }
  if (!blocked.empty()) {
    std::string absent = ListValues(values, ValueState::kMissing);
    if (const std::string other = ListValues(values, ValueState::kDifferent); !other.empty()) {
      absent += (absent.empty() ? "" : ", ") + other;
    }
    return Wrong("not in Exchange Online: " + absent + "; the cloud reports: " + blocked,
                 "Entra holds this object's export while the error lasts: resolve the reported conflict in AD, then "
                 "wait for the next sync",
                 std::move(values));
  }

  const std::string different = DescribeDifferent(values);
  if (!different.empty()) {
    if (evidence == SyncEvidence::kFullCycle) {
      return Wrong("Exchange Online holds another value after a sync cycle that started after " + since + " (" +
                       SyncText(tenant_last_sync) + "): " + different,
                   "something other than this run set that value: re-read the object (ctim-agent plan) and find "
                   "who changed it in AD; a stale cloud ExchangeGuid is cleared with Set-User "
                   "-PermanentlyClearPreviousMailboxInfo",
                   std::move(values));
    }
    return Pending("Exchange Online still holds the previous value: " + different + " (" + SyncText(tenant_last_sync) +
                       (evidence == SyncEvidence::kSyncedOnce ? "; that sync may have read AD before " + since : std::string()) +
                       ")",
                   "waits for a sync cycle that starts after " + since + "; WRONG if the value still differs then",
                   std::move(values));
  }

  const std::string missing = ListValues(values, ValueState::kMissing);
  switch (evidence) {
    case SyncEvidence::kNotSynced:
      if (!expected.written_at) {  // a file: when the values were written is not known
        return Pending("not in Exchange Online after the last sync (" + SyncText(tenant_last_sync) + "): " + missing,
                       "if the values were in AD before that sync, check the write (ctim-agent plan shows what AD "
                       "holds); otherwise wait for the next sync. " + std::string(kSyncNowHint),
                       std::move(values));
      }
      return Pending("no directory sync has finished since the write (" + SyncText(tenant_last_sync) +
                         "); not in Exchange Online yet: " + missing,
                     std::string(kSyncNowHint), std::move(values));
    case SyncEvidence::kSyncedOnce:
    case SyncEvidence::kFullCycle:
      break;
  }
  if (EntraHasAllX500s(expected, *user)) {
    return Pending("Entra ID has the values; Exchange Online does not show " + missing + " yet (" +
                       SyncText(tenant_last_sync) + ")",
                   "Exchange Online usually follows Entra ID within 30 minutes, at most 24 hours", std::move(values));
  }
  if (evidence == SyncEvidence::kSyncedOnce) {
    return Pending("the last sync may have read AD before " + since + " (" + SyncText(tenant_last_sync) +
                       "); not in Exchange Online yet: " + missing,
                   "waits for the next sync cycle", std::move(values));
  }
  return Pending("a sync cycle that started after " + since + " has finished (" + SyncText(tenant_last_sync) +
                     "), but Exchange Online does not show " + missing + " yet",
                 "if this lasts, check that Entra Connect reads the domain controller that was written (replication) "
                 "and that the object is in its sync scope",
                 std::move(values));
}

}  // namespace ctim::agent
