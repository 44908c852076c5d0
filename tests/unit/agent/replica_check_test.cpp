// Replication before the cloud (agent/verify/replica_check.h): what the sync-source DCs hold, what the cloud
// shows and what was planned, to a verdict. The rule under test: while a DC Entra Connect reads lacks the
// planned values, the object is PENDING "replicating to <dc>", never WRONG because of a sync cycle that ran
// before replication arrived; once the DC holds them, cycles count from then.
#include "agent/verify/replica_check.h"

#include <gtest/gtest.h>

#include "agent_test_util.h"

namespace ctim::agent {
namespace {

using namespace std::chrono_literals;
using testing::G;

const TimePoint kWrite = *ParseUtcIso8601("2026-01-10T12:00:00Z");
const Guid kTarget = G("7c1e3c2a-51d4-4d8e-8f63-2d8f0b6a1c11");
const Guid kObject = G("2f0f4a8e-9d1b-4c55-8a0e-3b9d1c7e6f21");
const Guid kExchange = G("1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8");
const Guid kArchive = G("ec6e49fa-3933-4fc8-bdb4-eb3a32e1b1b3");
const Guid kOld = G("00000000-1111-4222-8333-444444444444");
const std::string kX500 =
    "X500:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=d11ec-Lara";

Expectation Planned() {
  Expectation e;
  e.row = 2;
  e.label = "row 2";
  e.target_object_id = kTarget;
  e.object_guid = kObject;
  e.exchange_guid = kExchange;
  e.archive_guid = kArchive;
  e.x500s = {kX500};
  e.external_email = "SMTP:Lara@fabrikam.com";
  e.written_at = kWrite;
  return e;
}

ReplicaObject Holding(std::optional<TimePoint> when_changed = std::nullopt) {
  ReplicaObject o;
  o.exchange_guid = kExchange;
  o.archive_guid = kArchive;
  o.proxy_addresses = {"SMTP:lara@target.example", kX500};
  o.target_address = "SMTP:Lara@fabrikam.com";
  o.when_changed = when_changed;
  return o;
}

ReplicaObject Old() {
  ReplicaObject o;
  o.exchange_guid = kOld;
  o.proxy_addresses = {"SMTP:lara@target.example"};
  o.target_address = "SMTP:lara@target.example";
  return o;
}

ReplicaLook Look(std::string dc, std::optional<ReplicaObject> object) {
  ReplicaLook look;
  look.dc = std::move(dc);
  if (object) look.objects.emplace(kObject, std::move(*object));
  return look;
}

// The cloud: a synced MailUser showing `exchange` (and nothing else planned unless `all`).
CloudUserState Cloud(std::optional<Guid> exchange, bool all = false) {
  CloudUserState u;
  u.sync_enabled = true;
  MailUserState m;
  m.exchange_guid = exchange;
  m.recipient_type_details = "MailUser";
  m.email_addresses = {"SMTP:lara@target.example"};
  if (all) {
    m.archive_guid = kArchive;
    m.email_addresses.push_back(kX500);
    m.external_email_address = "SMTP:Lara@fabrikam.com";
  }
  u.mail_user = m;
  return u;
}

// Two cycles ended after the write: without replication in the picture, a different cloud value is WRONG.
const std::vector<TimePoint> kTwoCycles = {kWrite + 5min, kWrite + 35min};

TEST(ReplicaLackingValues, NamesEveryPlannedValueTheDcLacks) {
  EXPECT_TRUE(LackingValues(Planned(), Holding()).empty());
  EXPECT_EQ(LackingValues(Planned(), Old()),
            (std::vector<std::string>{"ExchangeGuid", "ArchiveGuid", "X500", "ExternalEmailAddress"}));
  ReplicaObject folded = Holding();
  folded.proxy_addresses = {
      "x500:/O=EXCHANGELABS/OU=EXCHANGE ADMINISTRATIVE GROUP (FYDIBOHF23SPDLT)/CN=RECIPIENTS/CN=D11EC-LARA"};
  folded.target_address = "smtp:lara@FABRIKAM.com";
  EXPECT_TRUE(LackingValues(Planned(), folded).empty())
      << "X500 and targetAddress compare case-insensitively";
  Expectation only_guid = Planned();
  only_guid.archive_guid.reset();
  only_guid.x500s.clear();
  only_guid.external_email.clear();
  EXPECT_TRUE(LackingValues(only_guid, Old()).size() == 1u) << "unplanned values are not asked for";
}

TEST(ReplicaJudge, CompleteOnlyWhenEveryDcHoldsEveryValue) {
  const std::vector<ReplicaLook> both = {Look("dc2.contoso.com", Holding(kWrite + 20s)),
                                         Look("dc3.contoso.com", Holding(kWrite + 40s))};
  ReplicaJudgement j = JudgeReplicas(Planned(), both);
  EXPECT_TRUE(j.complete);
  EXPECT_EQ(j.arrived_by, kWrite + 40s) << "the latest whenChanged over the DCs";

  const std::vector<ReplicaLook> one_lags = {Look("dc2.contoso.com", Holding()),
                                             Look("dc3.contoso.com", Old())};
  j = JudgeReplicas(Planned(), one_lags);
  EXPECT_FALSE(j.complete);
  EXPECT_FALSE(j.arrived_by);
  EXPECT_EQ(j.waiting,
            "replicating to dc3.contoso.com (it does not hold ExchangeGuid, ArchiveGuid, "
            "ExternalEmailAddress, 1 X500 "
            "yet)");

  j = JudgeReplicas(Planned(), std::vector<ReplicaLook>{Look("dc2.contoso.com", std::nullopt)});
  EXPECT_FALSE(j.complete);
  EXPECT_NE(
      j.waiting.find("dc2.contoso.com (the object 2f0f4a8e-9d1b-4c55-8a0e-3b9d1c7e6f21 is not there yet)"),
      std::string::npos)
      << j.waiting;

  ReplicaLook down = Look("dc2.contoso.com", std::nullopt);
  down.error =
      Error{Errc::kUnavailable, "ldap connect to ldap://dc2.contoso.com: Can't contact LDAP server", {}};
  j = JudgeReplicas(Planned(), std::vector<ReplicaLook>{down});
  EXPECT_FALSE(j.complete) << "a DC that cannot be asked may lack the values";
  EXPECT_NE(j.waiting.find("could not be asked: ldap connect"), std::string::npos) << j.waiting;
}

TEST(ReplicaJudge, NothingToCheckWithoutDcsOrWithoutObjectGuid) {
  EXPECT_TRUE(JudgeReplicas(Planned(), {}).complete);
  Expectation from_file = Planned();
  from_file.object_guid.reset();
  EXPECT_TRUE(JudgeReplicas(from_file, std::vector<ReplicaLook>{Look("dc2.contoso.com", Old())}).complete);
}

TEST(ReplicaEffectiveWriteTime, TheLatestOfWriteArrivalAndObservation) {
  ReplicaJudgement j;
  EXPECT_EQ(EffectiveWriteTime(kWrite, j, std::nullopt), kWrite);
  j.arrived_by = kWrite - 1min;  // an older whenChanged never moves it back
  EXPECT_EQ(EffectiveWriteTime(kWrite, j, std::nullopt), kWrite);
  j.arrived_by = kWrite + 3min;
  EXPECT_EQ(EffectiveWriteTime(kWrite, j, std::nullopt), kWrite + 3min);
  EXPECT_EQ(EffectiveWriteTime(kWrite, j, kWrite + 50min), kWrite + 50min);
}

// ---- the verdict: sync source x cloud x planned ---------------------------------------------------------

Verdict Judge(const std::vector<ReplicaLook>& looks, const CloudUserState& cloud,
              std::optional<TimePoint> seen_complete_at = std::nullopt,
              const std::vector<TimePoint>& syncs = kTwoCycles) {
  return ClassifyWithReplicas(Planned(), &cloud, looks, kWrite, seen_complete_at, syncs, syncs.back());
}

TEST(ReplicaVerdict, WithoutSyncSourcesADifferentValueAfterAFullCycleIsWrong) {
  // The rule as before: no sync-source DCs configured.
  const Verdict v = Judge({}, Cloud(kOld));
  EXPECT_EQ(v.status, VerifyStatus::kWrong) << v.reason;
}

TEST(ReplicaVerdict, SyncSourceLacksValuesAndCloudShowsOldOnesAfterTwoCyclesIsPendingNotWrong) {
  const Verdict v = Judge({Look("dc2.contoso.com", Old())}, Cloud(kOld));
  EXPECT_EQ(v.status, VerifyStatus::kPending) << v.reason;
  EXPECT_TRUE(v.reason.starts_with("replicating to dc2.contoso.com")) << v.reason;
  EXPECT_NE(v.hint.find("replication"), std::string::npos) << v.hint;
}

TEST(ReplicaVerdict, SyncSourceLacksValuesAndCloudShowsNothingYetIsPendingReplicating) {
  const Verdict v = Judge({Look("dc2.contoso.com", Old())}, Cloud(std::nullopt));
  EXPECT_EQ(v.status, VerifyStatus::kPending);
  EXPECT_TRUE(v.reason.starts_with("replicating to dc2.contoso.com")) << v.reason;
}

TEST(ReplicaVerdict, SyncSourceUnreachableIsPendingNeverWrong) {
  ReplicaLook down = Look("dc2.contoso.com", std::nullopt);
  down.error = Error{Errc::kUnavailable, "connection refused", {}};
  const Verdict v = Judge({down}, Cloud(kOld));
  EXPECT_EQ(v.status, VerifyStatus::kPending) << v.reason;
  EXPECT_TRUE(v.reason.starts_with("replicating to dc2.contoso.com (the DC could not be asked")) << v.reason;
}

TEST(ReplicaVerdict, CloudAlreadyHoldingEverythingIsDoneWhateverTheSyncSourceShows) {
  const Verdict v = Judge({Look("dc2.contoso.com", Old())}, Cloud(kExchange, true));
  EXPECT_EQ(v.status, VerifyStatus::kDone) << v.reason;
}

TEST(ReplicaVerdict, WrongForReasonsNoSyncChangesStandsWhileReplicating) {
  CloudUserState cloud_only = Cloud(kOld);
  cloud_only.sync_enabled = false;
  const Verdict v = Judge({Look("dc2.contoso.com", Old())}, cloud_only);
  EXPECT_EQ(v.status, VerifyStatus::kWrong) << v.reason;
  EXPECT_EQ(ClassifyWithReplicas(Planned(), nullptr, std::vector<ReplicaLook>{Look("dc2.contoso.com", Old())},
                                 kWrite, std::nullopt, kTwoCycles, kTwoCycles.back())
                .status,
            VerifyStatus::kWrong)
      << "no such user in the tenant";
}

TEST(ReplicaVerdict, OnceReplicatedCyclesCountFromTheArrival) {
  // DC2 got the values 40 minutes after the write (its whenChanged): the two cycles ended before that, so
  // they may have read the old values: PENDING, not WRONG.
  Verdict v = Judge({Look("dc2.contoso.com", Holding(kWrite + 40min))}, Cloud(kOld));
  EXPECT_EQ(v.status, VerifyStatus::kPending) << v.reason;
  EXPECT_NE(v.reason.find("still holds the previous value"), std::string::npos) << v.reason;
  // Two more cycles end after the arrival: one of them started after it and read the new values. The cloud
  // still shows the old GUID: now it is WRONG.
  const std::vector<TimePoint> later = {kWrite + 5min, kWrite + 35min, kWrite + 65min, kWrite + 95min};
  v = Judge({Look("dc2.contoso.com", Holding(kWrite + 40min))}, Cloud(kOld), std::nullopt, later);
  EXPECT_EQ(v.status, VerifyStatus::kWrong) << v.reason;
}

TEST(ReplicaVerdict, TheVerifiersOwnObservationBoundsArrivalWhenWhenChangedDoesNot) {
  // Samba replicates whenChanged (the originating time): the DC shows the write's own time. The verifier saw
  // the DC lacking the values and then, at write + 50 min, holding them: cycles count from then.
  const std::vector<TimePoint> later = {kWrite + 5min, kWrite + 35min, kWrite + 65min};
  Verdict v = Judge({Look("dc2.contoso.com", Holding(kWrite))}, Cloud(kOld), kWrite + 50min, later);
  EXPECT_EQ(v.status, VerifyStatus::kPending)
      << "one cycle ended after the observation: it may have read AD before";
  const std::vector<TimePoint> more = {kWrite + 5min, kWrite + 35min, kWrite + 65min, kWrite + 95min};
  v = Judge({Look("dc2.contoso.com", Holding(kWrite))}, Cloud(kOld), kWrite + 50min, more);
  EXPECT_EQ(v.status, VerifyStatus::kWrong) << v.reason;
}

TEST(ReplicaVerdict, ReplicatedAndCloudCaughtUpIsDone) {
  const Verdict v = Judge({Look("dc2.contoso.com", Holding(kWrite + 1min))}, Cloud(kExchange, true));
  EXPECT_EQ(v.status, VerifyStatus::kDone) << v.reason;
}

TEST(ReplicaVerdict, FirstSyncAfterWriteIsReportedFromTheArrival) {
  std::optional<TimePoint> first;
  const CloudUserState cloud = Cloud(kOld);
  Verdict v = ClassifyWithReplicas(Planned(), &cloud,
                                   std::vector<ReplicaLook>{Look("dc2.contoso.com", Holding(kWrite + 10min))},
                                   kWrite, std::nullopt, kTwoCycles, kTwoCycles.back(), &first);
  EXPECT_EQ(first, kWrite + 35min);
  EXPECT_EQ(v.status, VerifyStatus::kPending) << v.reason;
  v = ClassifyWithReplicas(Planned(), &cloud, std::vector<ReplicaLook>{Look("dc2.contoso.com", Old())},
                           kWrite, std::nullopt, kTwoCycles, kTwoCycles.back(), &first);
  EXPECT_FALSE(first) << "no cycle counts while the DC lacks the values";
  EXPECT_EQ(v.status, VerifyStatus::kPending) << v.reason;
}

}  // namespace
}  // namespace ctim::agent
