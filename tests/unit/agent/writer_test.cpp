#include "agent/apply/writer.h"

#include <gtest/gtest.h>

#include <unordered_set>

#include "agent/apply/overlapped_apply.h"
#include "agent/model/text_fold.h"
#include "scenario.h"

namespace ctim::agent {
namespace {

using testing::Contents;
using testing::ExchangeGuid;
using testing::ObjectGuid;
using testing::Scenario;

void ExpectNoDuplicateProxies(const testing::InMemoryDirectory& dir) {
  for (const auto& [guid, o] : dir.Snapshot()) {
    std::unordered_set<std::string> seen;
    for (const std::string& p : o.Values("proxyAddresses")) {
      EXPECT_TRUE(seen.insert(FoldCase(p)).second) << o.dn << " holds " << p << " twice";
    }
  }
}

TEST(Writer, WritesOneModifyPerObjectAndConfirmsByReRead) {
  Scenario s(10);
  auto report = s.PlanAndWrite();
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->run_state, RunState::kFinished);
  EXPECT_EQ(report->Count(RowWriteState::kConfirmed), 10u) << report->Summary();
  EXPECT_EQ(s.dir.requests_seen, 10u);  // one modify per object, carrying all its changes
  EXPECT_EQ(s.dir.load_calls, 1u);
  EXPECT_EQ(s.dir.gc_calls, 1u);

  for (unsigned i = 1; i <= 10; ++i) {
    const DirectoryObject* o = s.dir.Find(ObjectGuid(i));
    ASSERT_NE(o, nullptr);
    EXPECT_EQ(o->Single("msExchMailboxGuid"), ExchangeGuid(i).AdBytes());
    EXPECT_EQ(o->Single("targetAddress"), "SMTP:user" + std::to_string(i) + "@fabrikam.example");
    for (const std::string& x500 : DesiredX500s(s.rows[i - 1])) {
      const auto values = o->Values("proxyAddresses");
      EXPECT_NE(std::find(values.begin(), values.end(), x500), values.end()) << x500;
    }
  }
  // ELC: 130 | 8 = 138 (i = 3, 6, 9); 2 | 16 = 18 (i = 7); never cleared bits.
  EXPECT_EQ(s.dir.Find(ObjectGuid(3))->Single("msExchELCMailboxFlags"), "138");
  EXPECT_EQ(s.dir.Find(ObjectGuid(7))->Single("msExchELCMailboxFlags"), "18");
  ExpectNoDuplicateProxies(s.dir);

  Journal j = s.OpenJournal();
  auto intents = j.RunIntents(report->run);
  ASSERT_TRUE(intents);
  ASSERT_EQ(intents->size(), 10u);
  for (const IntentView& v : *intents) {
    ASSERT_EQ(v.outcomes.size(), 2u);
    EXPECT_EQ(v.outcomes[0].state, OutcomeState::kWritten);
    EXPECT_EQ(v.outcomes[1].state, OutcomeState::kConfirmed);
    // The intent holds the prior values of every scalar it replaced.
    for (const AttributeChange& c : v.change_set.changes) {
      if (c.kind == ChangeKind::kReplace) {
        EXPECT_FALSE(c.before.empty());
      }
    }
  }
}

TEST(Writer, SecondWriteChangesNothingAndSaysSo) {
  Scenario s(6);
  ASSERT_TRUE(s.PlanAndWrite());
  const auto after_first = Contents(s.dir.Snapshot());
  const std::size_t requests = s.dir.requests_seen;
  auto again = s.PlanAndWrite();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->Count(RowWriteState::kNoChange), 6u);
  EXPECT_NE(again->Summary().find("nothing to write"), std::string::npos) << again->Summary();
  EXPECT_EQ(s.dir.requests_seen, requests);
  EXPECT_EQ(Contents(s.dir.Snapshot()), after_first);
  Journal j = s.OpenJournal();
  auto intents = j.RunIntents(again->run);
  ASSERT_TRUE(intents);
  EXPECT_TRUE(intents->empty());
}

TEST(Writer, ConflictIsReplannedFromAFreshRead) {
  Scenario s(4);
  const Plan plan = s.MakePlan();
  // Between plan and write, an admin adds one of the X500s the plan adds (another case, as people type).
  bool done = false;
  s.dir.before_modify = [&](const ModifyRequest& r) {
    if (done || r.object_guid != ObjectGuid(2)) return;
    done = true;
    std::string x500 = "x500:" + s.rows[1].legacy_exchange_dn;
    ASSERT_TRUE(s.dir.ApplyDirect({r.dn, r.object_guid, {{ModOp::kAdd, "proxyAddresses", {x500}}}}));
  };
  Journal journal = s.OpenJournal();
  NullProgress progress;
  auto report = WritePlan(plan, s.rows, s.dir, journal, RunInfo{}, s.Write(), progress, {});
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->Count(RowWriteState::kConfirmed), 4u) << report->Summary();
  EXPECT_EQ(report->rows[1].attempts, 2);
  ExpectNoDuplicateProxies(s.dir);
  auto intents = journal.RunIntents(report->run);
  ASSERT_TRUE(intents);
  ASSERT_EQ(intents->size(), 5u);
  const IntentView& conflicted = (*intents)[1];
  EXPECT_EQ(conflicted.change_set.object_guid, ObjectGuid(2));
  EXPECT_EQ(conflicted.Latest(), OutcomeState::kConflict);
  const IntentView& retried = intents->back();
  EXPECT_EQ(retried.attempt, 2);
  EXPECT_EQ(retried.Latest(), OutcomeState::kConfirmed);
  EXPECT_LT(retried.change_set.changes.size(), conflicted.change_set.changes.size());
}

TEST(Writer, ElcCompareAndSwapKeepsAConcurrentAdminsBits) {
  Scenario s(3);  // user3: ELC 130, asks for litigation hold
  const Plan plan = s.MakePlan();
  bool done = false;
  s.dir.before_modify = [&](const ModifyRequest& r) {
    if (done || r.object_guid != ObjectGuid(3)) return;
    done = true;
    ASSERT_TRUE(s.dir.ApplyDirect({r.dn,
                                   r.object_guid,
                                   {{ModOp::kDelete, "msExchELCMailboxFlags", {"130"}},
                                    {ModOp::kAdd, "msExchELCMailboxFlags", {"1154"}}}}));
  };
  Journal journal = s.OpenJournal();
  NullProgress progress;
  auto report = WritePlan(plan, s.rows, s.dir, journal, RunInfo{}, s.Write(), progress, {});
  ASSERT_TRUE(report);
  EXPECT_EQ(report->rows[2].state, RowWriteState::kConfirmed);
  EXPECT_EQ(s.dir.Find(ObjectGuid(3))->Single("msExchELCMailboxFlags"), "1162");  // 1154 | 8, never 138
}

TEST(Writer, ConflictThatNowNeedsARefusalIsRefused) {
  Scenario s(3);
  const Plan plan = s.MakePlan();
  const Guid other = testing::G("12121212-0000-4000-8000-000000000012");
  s.dir.before_modify = [&](const ModifyRequest& r) {
    if (r.object_guid != ObjectGuid(1) || s.dir.Find(r.object_guid)->Has("msExchMailboxGuid")) return;
    ASSERT_TRUE(
        s.dir.ApplyDirect({r.dn, r.object_guid, {{ModOp::kAdd, "msExchMailboxGuid", {other.AdBytes()}}}}));
  };
  Journal journal = s.OpenJournal();
  NullProgress progress;
  auto report = WritePlan(plan, s.rows, s.dir, journal, RunInfo{}, s.Write(), progress, {});
  ASSERT_TRUE(report);
  EXPECT_EQ(report->rows[0].state, RowWriteState::kRefused);
  EXPECT_FALSE(HasRefusal(plan.rows[0].findings));
  EXPECT_TRUE(HasRefusal(report->rows[0].replan_findings)) << "the re-plan's refusal is the row's own";
  ASSERT_TRUE(report->rows[0].change_set);
  EXPECT_TRUE(report->ChangeSetOf(plan, 0).empty()) << "a refused re-plan keeps no changes";
  EXPECT_EQ(s.dir.Find(ObjectGuid(1))->Single("msExchMailboxGuid"), other.AdBytes());  // not overwritten
  EXPECT_FALSE(s.dir.Find(ObjectGuid(1))->Has("targetAddress"));  // nothing of the row written
}

TEST(Writer, GivesUpWhenTheObjectKeepsChanging) {
  Scenario s(3);
  const Plan plan = s.MakePlan();
  int bumps = 0;
  s.dir.before_modify = [&](const ModifyRequest& r) {
    if (r.object_guid != ObjectGuid(3)) return;
    const std::string now(*s.dir.Find(r.object_guid)->Single("msExchELCMailboxFlags"));
    const std::string next = std::to_string(130 + 1024 * ++bumps);
    ASSERT_TRUE(s.dir.ApplyDirect({r.dn,
                                   r.object_guid,
                                   {{ModOp::kDelete, "msExchELCMailboxFlags", {now}},
                                    {ModOp::kAdd, "msExchELCMailboxFlags", {next}}}}));
  };
  Journal journal = s.OpenJournal();
  NullProgress progress;
  auto report = WritePlan(plan, s.rows, s.dir, journal, RunInfo{}, s.Write(), progress, {});
  ASSERT_TRUE(report);
  EXPECT_EQ(report->rows[2].state, RowWriteState::kFailed);
  EXPECT_EQ(report->rows[2].attempts, 4);  // 1 + max_replans
  EXPECT_NE(report->rows[2].detail.find("gave up"), std::string::npos);
  EXPECT_EQ(report->Count(RowWriteState::kConfirmed), 2u);
}

TEST(Writer, StopRequestedWritesNothingMore) {
  Scenario s(5);
  std::stop_source stop;
  stop.request_stop();
  auto report = s.PlanAndWrite(stop.get_token());
  ASSERT_TRUE(report);
  EXPECT_EQ(report->run_state, RunState::kStopped);
  EXPECT_EQ(report->Count(RowWriteState::kNotAttempted), 5u);
  EXPECT_EQ(s.dir.requests_seen, 0u);
}

TEST(Writer, LostRepliesAreJudgedByReReadingNotGuessed) {
  Scenario s(10);
  s.dir.lose_replies_after = 2;  // the 3rd and 4th modifies of the first batch are applied, replies lost
  auto report = s.PlanAndWrite();
  ASSERT_TRUE(report);
  EXPECT_EQ(report->run_state, RunState::kFailed);  // stops after a batch with lost replies
  EXPECT_EQ(report->Count(RowWriteState::kConfirmed), 4u) << report->Summary();
  EXPECT_EQ(report->Count(RowWriteState::kNotAttempted), 6u);
  Journal j = s.OpenJournal();
  auto intents = j.RunIntents(report->run);
  ASSERT_TRUE(intents);
  EXPECT_NE((*intents)[2].outcomes[0].detail.find("found by re-reading"), std::string::npos);

  s.dir.lose_replies_after.reset();
  auto again = s.PlanAndWrite();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->Count(RowWriteState::kConfirmed), 6u);
  EXPECT_EQ(again->Count(RowWriteState::kNoChange), 4u);
  ExpectNoDuplicateProxies(s.dir);
}

TEST(Writer, ManyBatchesJournalEveryIntentBeforeItsModifyAndEveryOutcome) {
  // 11 rows in batches of 3: the journal thread records batch k+1's intents and batch k-1's outcomes while
  // batch k is applied. Every intent ends with written + confirmed, in plan order.
  Scenario s(11);
  s.batch_size = 3;
  auto report = s.PlanAndWrite();
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->run_state, RunState::kFinished);
  EXPECT_EQ(report->Count(RowWriteState::kConfirmed), 11u) << report->Summary();
  EXPECT_EQ(s.dir.requests_seen, 11u);
  Journal j = s.OpenJournal();
  auto intents = j.RunIntents(report->run);
  ASSERT_TRUE(intents);
  ASSERT_EQ(intents->size(), 11u);
  for (std::size_t i = 0; i < intents->size(); ++i) {
    const IntentView& v = (*intents)[i];
    EXPECT_EQ(v.change_set.object_guid, ObjectGuid(static_cast<unsigned>(i + 1)));
    ASSERT_EQ(v.outcomes.size(), 2u) << v.change_set.dn;
    EXPECT_EQ(v.outcomes[0].state, OutcomeState::kWritten);
    EXPECT_EQ(v.outcomes[1].state, OutcomeState::kConfirmed);
  }
  auto open = j.UnresolvedIntents();
  ASSERT_TRUE(open);
  EXPECT_TRUE(open->empty());
}

TEST(Writer, WithASecondConnectionEachBatchIsReReadWhileTheNextIsSent) {
  // 11 rows in batches of 3: batches 1-3 are re-read on the second connection while batches 2-4 are sent;
  // only the last batch is left for the end, on the run's own connection. The journal is the same as
  // without it: every intent written, then confirmed.
  Scenario s(11);
  s.batch_size = 3;
  s.open_reader = [&s]() -> Result<std::unique_ptr<Directory>> { return s.dir.Connection(); };
  auto report = s.PlanAndWrite();
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->Count(RowWriteState::kConfirmed), 11u) << report->Summary();
  EXPECT_EQ(s.dir.connection_reads, 3u);
  EXPECT_EQ(s.dir.read_calls, 1u);  // the last batch (2 objects), at the end
  Journal j = s.OpenJournal();
  auto intents = j.RunIntents(report->run);
  ASSERT_TRUE(intents);
  ASSERT_EQ(intents->size(), 11u);
  for (const IntentView& v : *intents) {
    ASSERT_EQ(v.outcomes.size(), 2u) << v.change_set.dn;
    EXPECT_EQ(v.outcomes[0].state, OutcomeState::kWritten);
    EXPECT_EQ(v.outcomes[1].state, OutcomeState::kConfirmed);
  }
  auto open = j.UnresolvedIntents();
  ASSERT_TRUE(open);
  EXPECT_TRUE(open->empty());
}

TEST(Writer, AChangeMadeRightAfterTheWriteIsCaughtByTheEarlyReRead) {
  // An admin changes the first object's targetAddress right after it was written (before the last modify of
  // batch 1): the re-read of batch 1 on the second connection, made while batch 2 is sent, reports it
  // (kMismatch), exactly as the re-read at the end would.
  Scenario s(6);
  s.batch_size = 3;
  s.open_reader = [&s]() -> Result<std::unique_ptr<Directory>> { return s.dir.Connection(); };
  bool changed = false;
  s.dir.before_modify = [&](const ModifyRequest& r) {
    if (changed || r.object_guid != testing::ObjectGuid(3)) return;
    changed = true;
    ModifyRequest admin{s.dir.Find(testing::ObjectGuid(1))->dn,
                        testing::ObjectGuid(1),
                        {{ModOp::kDelete, "targetAddress", {"SMTP:user1@fabrikam.example"}},
                         {ModOp::kAdd, "targetAddress", {"SMTP:someone@else.example"}}}};
    ASSERT_TRUE(s.dir.ApplyDirect(admin));
  };
  auto report = s.PlanAndWrite();
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->Count(RowWriteState::kMismatch), 1u) << report->Summary();
  EXPECT_EQ(report->Count(RowWriteState::kConfirmed), 5u) << report->Summary();
  EXPECT_EQ(s.dir.connection_reads, 1u);
}

TEST(Writer, ASecondConnectionThatCannotBeOpenedLeavesTheReReadsForTheEnd) {
  Scenario s(7);
  s.batch_size = 3;
  int opens = 0;
  s.open_reader = [&opens]() -> Result<std::unique_ptr<Directory>> {
    ++opens;
    return Fail(Errc::kUnavailable, "ldap://127.0.0.1: Can't contact LDAP server");
  };
  auto report = s.PlanAndWrite();
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->run_state, RunState::kFinished);
  EXPECT_EQ(report->Count(RowWriteState::kConfirmed), 7u) << report->Summary();
  EXPECT_EQ(opens, 1);  // tried once, not once per batch
  EXPECT_EQ(s.dir.connection_reads, 0u);
}

TEST(Writer, AnAbortAfterTheNextBatchWasJournaledMarksItNotSent) {
  // The replies of the first batch are lost, which ends the run; the second batch's intents were already
  // journaled (overlapped with the first batch's modifies). They must not be left for the next run to
  // guess: they say "not sent", and the DC never saw them.
  Scenario s(10);
  s.dir.lose_replies_after = 2;
  auto report = s.PlanAndWrite();
  ASSERT_TRUE(report);
  EXPECT_EQ(report->run_state, RunState::kFailed);
  EXPECT_EQ(s.dir.requests_seen, 4u);
  Journal j = s.OpenJournal();
  auto intents = j.RunIntents(report->run);
  ASSERT_TRUE(intents);
  ASSERT_EQ(intents->size(),
            8u);  // batch 1 (sent) and batch 2 (journaled, not sent); batch 3 never journaled
  for (std::size_t i = 4; i < 8; ++i) {
    ASSERT_EQ((*intents)[i].outcomes.size(), 1u);
    EXPECT_EQ((*intents)[i].outcomes[0].state, OutcomeState::kNotWritten);
    EXPECT_NE((*intents)[i].outcomes[0].detail.find("not sent"), std::string::npos);
  }
  auto open = j.UnresolvedIntents();
  ASSERT_TRUE(open);
  EXPECT_TRUE(open->empty());
}

TEST(Writer, DcDownMidRunLeavesIntentsForTheNextRunToResolve) {
  Scenario s(4);
  const Plan plan = s.MakePlan();
  s.dir.unavailable = true;
  {
    Journal journal = s.OpenJournal();
    NullProgress progress;
    auto report = WritePlan(plan, s.rows, s.dir, journal, RunInfo{}, s.Write(), progress, {});
    // Resolving earlier runs needs no read (none), so the run starts, its modifies get no reply, and the
    // re-read fails too: the intents must stay unresolved rather than be called failed.
    ASSERT_TRUE(report);
    EXPECT_EQ(report->run_state, RunState::kFailed);
    EXPECT_EQ(report->Count(RowWriteState::kUnknown), 4u);
    auto open = journal.UnresolvedIntents();
    ASSERT_TRUE(open);
    EXPECT_EQ(open->size(), 4u);
  }
  s.dir.unavailable = false;
  auto again = s.PlanAndWrite();
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(again->resolved.not_applied, 4u);
  EXPECT_EQ(again->Count(RowWriteState::kConfirmed), 4u);
  Journal j = s.OpenJournal();
  auto open = j.UnresolvedIntents();
  ASSERT_TRUE(open);
  EXPECT_TRUE(open->empty());
}

// The journal thread records the next batch's intents while this batch is in flight; the ids it returns are
// paired with the items of the next call. A caller that passes other objects than it announced gets a clear
// internal error and nothing of that batch is sent: an outcome is never booked under another object's intent.
TEST(OverlappedApply, RefusesABatchOfOtherObjectsThanTheIntentsJournaledForIt) {
  Scenario s(4);
  const Plan plan = s.MakePlan();
  std::vector<ApplyItem> items;
  for (std::size_t i = 0; i < plan.rows.size(); ++i) items.push_back({i, plan.rows[i].change_set, {}, 1});
  ASSERT_EQ(items.size(), 4u);
  Journal journal = s.OpenJournal();
  auto run = journal.BeginRun(RunInfo{RunKind::kWrite, "ctim.csv", "00", "{}", {}});
  ASSERT_TRUE(run) << run.error().ToString();
  OverlappedApply apply(journal, s.dir, *run);
  const std::span<const ApplyItem> all(items);
  auto first = apply.Apply(all.subspan(0, 2), all.subspan(2, 1));
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ(first->size(), 2u);
  EXPECT_EQ(s.dir.requests_seen, 2u);

  auto swapped = apply.Apply(all.subspan(3, 1), {});  // announced item 2, passes item 3
  ASSERT_FALSE(swapped);
  EXPECT_EQ(swapped.error().code, Errc::kInternal);
  EXPECT_NE(swapped.error().message.find(items[3].change_set.object_guid.ToString()), std::string::npos)
      << swapped.error().ToString();
  EXPECT_NE(swapped.error().message.find(items[2].change_set.object_guid.ToString()), std::string::npos);
  EXPECT_EQ(s.dir.requests_seen, 2u) << "nothing of the refused batch may be sent";
  EXPECT_TRUE(apply.Finish());
  // The intent journaled for item 2 was never sent: the journal says so, no run has to guess.
  auto intents = journal.RunIntents(*run);
  ASSERT_TRUE(intents) << intents.error().ToString();
  ASSERT_EQ(intents->size(), 3u);
  EXPECT_EQ(intents->back().change_set.object_guid, items[2].change_set.object_guid);
}

}  // namespace
}  // namespace ctim::agent
