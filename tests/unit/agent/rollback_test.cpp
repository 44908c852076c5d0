#include "agent/apply/rollback.h"

#include <gtest/gtest.h>

#include "scenario.h"

namespace ctim::agent {
namespace {

using testing::Contents;
using testing::G;
using testing::ObjectGuid;
using testing::Scenario;

TEST(Rollback, RestoresEveryPriorValueByteIdentical) {
  Scenario s(10);
  // A stale mailbox GUID overwritten with --overwrite-guid must come back too.
  const Guid stale = G("5a5a5a5a-0000-4000-8000-00000000005a");
  s.dir.Get(ObjectGuid(4)).attributes["msExchMailboxGuid"] = {stale.AdBytes()};
  s.initial = s.dir.Snapshot();
  s.settings.plan.overwrite_guid = true;
  auto written = s.PlanAndWrite();
  ASSERT_TRUE(written);
  ASSERT_EQ(written->Count(RowWriteState::kConfirmed), 10u);
  ASSERT_NE(Contents(s.dir.Snapshot()), Contents(s.initial));

  auto rolled = s.Rollback(written->run);
  ASSERT_TRUE(rolled) << rolled.error().ToString();
  EXPECT_EQ(rolled->Count(RollbackObjectState::kRestored), 10u) << rolled->Summary();
  EXPECT_EQ(Contents(s.dir.Snapshot()), Contents(s.initial));
  EXPECT_EQ(s.dir.Find(ObjectGuid(4))->Single("msExchMailboxGuid"), stale.AdBytes());

  Journal j = s.OpenJournal();
  auto run = j.GetRun(rolled->run);
  ASSERT_TRUE(run && *run);
  EXPECT_EQ((*run)->info.kind, RunKind::kRollback);
  EXPECT_EQ((*run)->info.rollback_of, written->run);
  EXPECT_EQ((*run)->state, RunState::kFinished);
}

TEST(Rollback, RefusesAnAttributeSomeoneChangedSinceAndSaysWhatDiffers) {
  Scenario s(3);
  auto written = s.PlanAndWrite();
  ASSERT_TRUE(written);
  // An admin sets another ELC value on user3 after our write (we wrote 130 -> 138).
  DirectoryObject& o = s.dir.Get(ObjectGuid(3));
  o.attributes["msExchELCMailboxFlags"] = {"1162"};
  auto rolled = s.Rollback(written->run);
  ASSERT_TRUE(rolled);
  const RollbackObjectResult& r = rolled->objects[2];
  EXPECT_EQ(r.state, RollbackObjectState::kPartial);
  bool refused = false;
  for (const AttributeVerdict& v : r.verdicts) {
    if (v.attribute != "msExchELCMailboxFlags") continue;
    refused = v.verdict == RevertVerdict::kRefused;
    EXPECT_NE(v.detail.find("is now 1162"), std::string::npos) << v.detail;
    EXPECT_NE(v.detail.find("the run wrote 138 over 130"), std::string::npos) << v.detail;
  }
  EXPECT_TRUE(refused);
  EXPECT_EQ(s.dir.Find(ObjectGuid(3))->Single("msExchELCMailboxFlags"), "1162");  // left alone
  EXPECT_FALSE(s.dir.Find(ObjectGuid(3))->Has("msExchMailboxGuid"));              // the rest restored
  EXPECT_EQ(rolled->Count(RollbackObjectState::kRestored), 2u);
}

TEST(Rollback, SecondRollbackHasNothingToDo) {
  Scenario s(4);
  auto written = s.PlanAndWrite();
  ASSERT_TRUE(written);
  ASSERT_TRUE(s.Rollback(written->run));
  const std::size_t requests = s.dir.requests_seen;
  auto again = s.Rollback(written->run);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->Count(RollbackObjectState::kNothingToDo), 4u) << again->Summary();
  EXPECT_EQ(s.dir.requests_seen, requests);
  for (const AttributeVerdict& v : again->objects[0].verdicts) EXPECT_EQ(v.verdict, RevertVerdict::kAlreadyReverted);
}

TEST(Rollback, RefusesRollbackOfARollbackAndUnknownRuns) {
  Scenario s(2);
  auto written = s.PlanAndWrite();
  ASSERT_TRUE(written);
  auto rolled = s.Rollback(written->run);
  ASSERT_TRUE(rolled);
  auto twice = s.Rollback(rolled->run);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, Errc::kInvalidInput);
  auto missing = s.Rollback(999);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::kNotFound);
}

TEST(Rollback, RestoreIsACompareAndSwapToo) {
  Scenario s(3);
  auto written = s.PlanAndWrite();
  ASSERT_TRUE(written);
  // Between the rollback's read and its modify, an admin changes user3's ELC: the swap fails, the rollback
  // re-reads and refuses that attribute instead of overwriting.
  bool done = false;
  s.dir.before_modify = [&](const ModifyRequest& r) {
    if (done || r.object_guid != ObjectGuid(3)) return;
    done = true;
    ASSERT_TRUE(s.dir.ApplyDirect({r.dn, r.object_guid,
                                   {{ModOp::kDelete, "msExchELCMailboxFlags", {"138"}},
                                    {ModOp::kAdd, "msExchELCMailboxFlags", {"139"}}}}));
  };
  auto rolled = s.Rollback(written->run);
  ASSERT_TRUE(rolled);
  EXPECT_EQ(rolled->objects[2].state, RollbackObjectState::kPartial);
  EXPECT_EQ(s.dir.Find(ObjectGuid(3))->Single("msExchELCMailboxFlags"), "139");
}

// Rollback runs on the write engine: batches overlapped with the journal, a batch with nothing to restore
// in the middle sends nothing and still keeps the journal in order, and every intent of the rollback run
// ends with a final outcome.
TEST(Rollback, BatchesWithNothingToRestoreInTheMiddleKeepTheJournalWhole) {
  Scenario s(7);
  s.batch_size = 2;
  auto written = s.PlanAndWrite();
  ASSERT_TRUE(written);
  // Users 3 and 4 (the rollback's second batch) are restored by hand before the rollback.
  for (int n : {3, 4}) s.dir.Get(ObjectGuid(n)) = s.initial.at(ObjectGuid(n));
  const std::size_t before = s.dir.requests_seen;
  auto rolled = s.Rollback(written->run);
  ASSERT_TRUE(rolled) << rolled.error().ToString();
  EXPECT_EQ(rolled->Count(RollbackObjectState::kRestored), 5u) << rolled->Summary();
  EXPECT_EQ(rolled->Count(RollbackObjectState::kNothingToDo), 2u) << rolled->Summary();
  EXPECT_EQ(s.dir.requests_seen - before, 5u);
  EXPECT_EQ(rolled->run_state, RunState::kFinished);
  EXPECT_FALSE(rolled->abort);
  EXPECT_EQ(Contents(s.dir.Snapshot()), Contents(s.initial));

  Journal j = s.OpenJournal();
  auto intents = j.RunIntents(rolled->run);
  ASSERT_TRUE(intents) << intents.error().ToString();
  ASSERT_EQ(intents->size(), 5u);
  for (const IntentView& v : *intents) {
    EXPECT_TRUE(v.HasOutcome(OutcomeState::kWritten)) << v.change_set.dn;
    EXPECT_TRUE(v.HasOutcome(OutcomeState::kConfirmed)) << v.change_set.dn;
  }
  auto open = j.UnresolvedIntents();
  ASSERT_TRUE(open);
  EXPECT_TRUE(open->empty());
}

IntentView Intent(std::vector<AttributeChange> changes) {
  IntentView v;
  v.change_set.dn = "CN=x,DC=lab";
  v.change_set.object_guid = ObjectGuid(1);
  v.change_set.changes = std::move(changes);
  for (std::size_t i = 0; i < v.change_set.changes.size(); ++i) v.change_ids.push_back(static_cast<ChangeId>(i + 1));
  return v;
}

TEST(PlanInverse, JudgesEachChangeAgainstTheObjectNow) {
  DirectoryObject now;
  now.dn = "CN=x,OU=Moved,DC=lab";
  now.object_guid = ObjectGuid(1);
  now.attributes["proxyAddresses"] = {"X500:/o=A/cn=kept", "x500:/O=B/CN=RECASED"};
  now.attributes["targetAddress"] = {"SMTP:a@fabrikam.example"};
  const IntentView v = Intent({
      {"proxyAddresses", ChangeKind::kAddValues, {}, {"X500:/o=A/cn=kept"}},    // 1: revert (delete)
      {"proxyAddresses", ChangeKind::kAddValues, {}, {"X500:/o=B/cn=recased"}},  // 2: refused (case changed)
      {"proxyAddresses", ChangeKind::kAddValues, {}, {"X500:/o=C/cn=gone"}},     // 3: already as before
      {"targetAddress", ChangeKind::kSet, {}, {"SMTP:a@fabrikam.example"}},      // 4: revert (delete value)
      {"msExchMailboxGuid", ChangeKind::kSet, {}, {"0123456789abcdef"}},         // 5: already as before
      {"msExchELCMailboxFlags", ChangeKind::kReplace, {"2"}, {"10"}},            // 6: refused (absent now)
  });
  const InversePlan p = PlanInverse(v, now, {});
  ASSERT_EQ(p.verdicts.size(), 6u);
  EXPECT_EQ(p.verdicts[0].verdict, RevertVerdict::kRevert);
  EXPECT_EQ(p.verdicts[1].verdict, RevertVerdict::kRefused);
  EXPECT_EQ(p.verdicts[2].verdict, RevertVerdict::kAlreadyAsBefore);
  EXPECT_EQ(p.verdicts[3].verdict, RevertVerdict::kRevert);
  EXPECT_EQ(p.verdicts[4].verdict, RevertVerdict::kAlreadyAsBefore);
  EXPECT_EQ(p.verdicts[5].verdict, RevertVerdict::kRefused);
  ASSERT_EQ(p.inverse.changes.size(), 2u);
  EXPECT_EQ(p.inverse.changes[0].kind, ChangeKind::kDeleteValues);
  EXPECT_EQ(p.inverse.changes[1].before, std::vector<std::string>{"SMTP:a@fabrikam.example"});
  EXPECT_EQ(p.reverts, (std::vector<std::optional<ChangeId>>{1, 4}));
  EXPECT_EQ(p.inverse.dn, "CN=x,OU=Moved,DC=lab");  // where the object is now

  const InversePlan again = PlanInverse(v, now, {{1, 7}, {4, 7}});
  EXPECT_TRUE(again.inverse.empty());
  EXPECT_EQ(again.verdicts[0].verdict, RevertVerdict::kAlreadyReverted);
  EXPECT_NE(again.verdicts[0].detail.find("rollback run 7"), std::string::npos);
}

}  // namespace
}  // namespace ctim::agent
