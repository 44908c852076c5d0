#include "agent/verify/replica_check.h"

#include <algorithm>

#include "agent/model/text_fold.h"

namespace ctim::agent {
namespace {

constexpr std::string_view kSmtpPrefix = "smtp:";

std::string_view WithoutSmtpPrefix(std::string_view address) {
  return StartsWithAscii(address, kSmtpPrefix) ? address.substr(kSmtpPrefix.size()) : address;
}

// "ExchangeGuid, 2 X500s".
std::string Describe(const std::vector<std::string>& lacking) {
  std::string out;
  std::size_t x500 = 0;
  for (const std::string& name : lacking) {
    if (name == "X500") {
      ++x500;
      continue;
    }
    out += (out.empty() ? "" : ", ") + name;
  }
  if (x500 > 0) out += (out.empty() ? "" : ", ") + std::to_string(x500) + (x500 == 1 ? " X500" : " X500s");
  return out;
}

}  // namespace

std::vector<std::string> LackingValues(const Expectation& expected, const ReplicaObject& held) {
  std::vector<std::string> lacking;
  if (expected.exchange_guid && held.exchange_guid != expected.exchange_guid)
    lacking.emplace_back("ExchangeGuid");
  if (expected.archive_guid && held.archive_guid != expected.archive_guid)
    lacking.emplace_back("ArchiveGuid");
  for (const std::string& x500 : expected.x500s) {
    const bool there = std::any_of(held.proxy_addresses.begin(), held.proxy_addresses.end(),
                                   [&](const std::string& p) { return EqualsFolded(p, x500); });
    if (!there) lacking.emplace_back("X500");
  }
  if (!expected.external_email.empty() &&
      !EqualsFolded(WithoutSmtpPrefix(held.target_address), WithoutSmtpPrefix(expected.external_email))) {
    lacking.emplace_back("ExternalEmailAddress");
  }
  return lacking;
}

ReplicaJudgement JudgeReplicas(const Expectation& expected, std::span<const ReplicaLook> looks) {
  ReplicaJudgement judgement;
  if (!expected.object_guid || looks.empty()) return judgement;
  std::vector<std::string> waits;
  for (const ReplicaLook& look : looks) {
    if (look.error) {
      waits.push_back(look.dc + " (the DC could not be asked: " + look.error->message + ")");
      continue;
    }
    const auto found = look.objects.find(*expected.object_guid);
    if (found == look.objects.end()) {
      waits.push_back(look.dc + " (the object " + expected.object_guid->ToString() + " is not there yet)");
      continue;
    }
    const std::vector<std::string> lacking = LackingValues(expected, found->second);
    if (!lacking.empty()) {
      waits.push_back(look.dc + " (it does not hold " + Describe(lacking) + " yet)");
      continue;
    }
    if (found->second.when_changed &&
        (!judgement.arrived_by || *judgement.arrived_by < *found->second.when_changed)) {
      judgement.arrived_by = found->second.when_changed;
    }
  }
  if (!waits.empty()) {
    judgement.complete = false;
    judgement.arrived_by.reset();
    judgement.waiting = std::string(kReplicatingPrefix);
    for (std::size_t i = 0; i < waits.size(); ++i) judgement.waiting += (i == 0 ? "" : "; ") + waits[i];
  }
  return judgement;
}

TimePoint EffectiveWriteTime(TimePoint written_at, const ReplicaJudgement& judgement,
                             std::optional<TimePoint> seen_complete_at) {
  TimePoint effective = written_at;
  if (judgement.arrived_by) effective = std::max(effective, *judgement.arrived_by);
  if (seen_complete_at) effective = std::max(effective, *seen_complete_at);
  return effective;
}

Verdict HoldForReplication(Verdict cloud_verdict, const ReplicaJudgement& judgement) {
  if (judgement.complete || cloud_verdict.status != VerifyStatus::kPending) return cloud_verdict;
  cloud_verdict.reason = judgement.waiting + "; the cloud: " + cloud_verdict.reason;
  cloud_verdict.hint =
      "Entra Connect reads that domain controller: no sync can carry the values before AD replication brings "
      "them there (intra-site within about 15 seconds, between sites at the site link's interval, 180 "
      "minutes by "
      "default); repadmin /showrepl shows where replication stands";
  return cloud_verdict;
}

Verdict ClassifyWithReplicas(const Expectation& expected, const CloudUserState* user,
                             std::span<const ReplicaLook> looks, TimePoint written_at,
                             std::optional<TimePoint> seen_complete_at, std::span<const TimePoint> seen_syncs,
                             std::optional<TimePoint> tenant_last_sync,
                             std::optional<TimePoint>* first_sync_after_write) {
  const ReplicaJudgement judgement = JudgeReplicas(expected, looks);
  const TimePoint effective = EffectiveWriteTime(written_at, judgement, seen_complete_at);
  const auto after = std::upper_bound(seen_syncs.begin(), seen_syncs.end(), effective);
  const std::optional<TimePoint> first =
      judgement.complete && after != seen_syncs.end() ? std::optional<TimePoint>(*after) : std::nullopt;
  if (first_sync_after_write != nullptr) *first_sync_after_write = first;
  const SyncEvidence evidence =
      judgement.complete ? JudgeSync(effective, first, tenant_last_sync) : SyncEvidence::kNotSynced;
  return HoldForReplication(Classify(expected, user, evidence, tenant_last_sync), judgement);
}

}  // namespace ctim::agent
