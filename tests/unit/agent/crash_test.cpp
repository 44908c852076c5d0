// Crash safety of write (and rollback after a crash), in LevelDB's fault-injection spirit: the process is
// "killed" (SimulatedCrash unwinds the agent; nothing after the throw runs, uncommitted SQLite transactions
// roll back) at every modify, every modify batch and every re-read of a write; then `write` runs again with
// the same file. Every time: the same end state as an uninterrupted write, no duplicate or lost value, every
// intent has a truthful outcome, and rolling back every write run restores the original objects exactly.
// The lab version (real kill -9 of the process against Samba) is in tests/integration.
#include <gtest/gtest.h>

#include <unordered_set>

#include "agent/model/text_fold.h"
#include "scenario.h"

namespace ctim::agent {
namespace {

using testing::Contents;
using testing::Scenario;
using testing::SimulatedCrash;

constexpr unsigned kUsers = 10;  // batch size 4: batches of 4, 4, 2

enum class Point { kAfterApplied, kModifyCall, kReadCall };

struct CrashCase {
  Point point;
  std::size_t n;
  std::string Name() const {
    switch (point) {
      case Point::kAfterApplied: return "after modify #" + std::to_string(n) + " was applied";
      case Point::kModifyCall: return "before modify batch #" + std::to_string(n) + " (intents journaled)";
      case Point::kReadCall: return "at re-read #" + std::to_string(n);
    }
    return "?";
  }
};

std::map<std::string, std::map<std::string, AttributeValues>> ReferenceEndState() {
  Scenario s(kUsers);
  auto report = s.PlanAndWrite();
  EXPECT_TRUE(report && report->Count(RowWriteState::kConfirmed) == kUsers);
  return Contents(s.dir.Snapshot());
}

void CheckJournalTellsTheTruth(Scenario& s, const CrashCase& c) {
  Journal j = s.OpenJournal();
  auto open = j.UnresolvedIntents();
  ASSERT_TRUE(open);
  EXPECT_TRUE(open->empty()) << c.Name() << ": " << open->size() << " intent(s) without a final outcome";
  auto runs = j.ListRuns();
  ASSERT_TRUE(runs);
  std::map<Guid, int> written_per_object;
  for (const RunRecord& run : *runs) {
    auto intents = j.RunIntents(run.id);
    ASSERT_TRUE(intents);
    for (const IntentView& v : *intents) {
      EXPECT_FALSE(v.outcomes.empty()) << c.Name();
      if (v.HasOutcome(OutcomeState::kWritten)) {
        ++written_per_object[v.change_set.object_guid];
        EXPECT_TRUE(v.HasOutcome(OutcomeState::kConfirmed)) << c.Name() << ": written but never confirmed";
      }
      if (v.HasOutcome(OutcomeState::kNotWritten)) {
        EXPECT_FALSE(v.HasOutcome(OutcomeState::kWritten)) << c.Name();
      }
    }
  }
  // Each object was written exactly once over both runs: the re-run did not redo a recovered write.
  EXPECT_EQ(written_per_object.size(), kUsers) << c.Name();
  for (const auto& [guid, n] : written_per_object) EXPECT_EQ(n, 1) << c.Name() << " " << guid.ToString();
  // The first run is marked interrupted.
  EXPECT_EQ(runs->front().state, RunState::kInterrupted) << c.Name();
}

TEST(CrashSafety, WriteAgainConvergesAfterAKillAtEveryPoint) {
  const auto reference = ReferenceEndState();
  std::vector<CrashCase> cases;
  for (std::size_t n = 1; n <= kUsers; ++n) cases.push_back({Point::kAfterApplied, n});
  for (std::size_t n = 0; n < 3; ++n) cases.push_back({Point::kModifyCall, n});
  for (std::size_t n = 0; n < 3; ++n) cases.push_back({Point::kReadCall, n});

  for (const CrashCase& c : cases) {
    Scenario s(kUsers);
    switch (c.point) {
      case Point::kAfterApplied: s.dir.crash_after_applied = c.n; break;
      case Point::kModifyCall: s.dir.crash_on_modify_call = c.n; break;
      case Point::kReadCall: s.dir.crash_on_read_call = c.n; break;
    }
    EXPECT_THROW((void)s.PlanAndWrite(), SimulatedCrash) << c.Name();
    s.dir.crash_after_applied.reset();
    s.dir.crash_on_modify_call.reset();
    s.dir.crash_on_read_call.reset();

    auto again = s.PlanAndWrite();
    ASSERT_TRUE(again) << c.Name() << ": " << again.error().ToString();
    EXPECT_EQ(again->run_state, RunState::kFinished) << c.Name();
    EXPECT_EQ(again->Count(RowWriteState::kFailed), 0u) << c.Name() << ": " << again->Summary();
    EXPECT_EQ(Contents(s.dir.Snapshot()), reference) << c.Name();
    for (const auto& [guid, o] : s.dir.Snapshot()) {
      std::unordered_set<std::string> seen;
      for (const std::string& p : o.Values("proxyAddresses")) EXPECT_TRUE(seen.insert(FoldCase(p)).second) << c.Name();
    }
    CheckJournalTellsTheTruth(s, c);

    // Roll back every write run, newest first: the objects are exactly as before the first write.
    Journal j = s.OpenJournal();
    auto runs = j.ListRuns();
    ASSERT_TRUE(runs);
    std::vector<RunId> writes;
    for (const RunRecord& r : *runs) {
      if (r.info.kind == RunKind::kWrite) writes.push_back(r.id);
    }
    for (auto it = writes.rbegin(); it != writes.rend(); ++it) {
      auto rolled = s.Rollback(*it);
      ASSERT_TRUE(rolled) << c.Name();
      EXPECT_EQ(rolled->Count(RollbackObjectState::kFailed), 0u) << c.Name() << ": " << rolled->Summary();
    }
    EXPECT_EQ(Contents(s.dir.Snapshot()), Contents(s.initial)) << c.Name();
  }
}

TEST(CrashSafety, RollbackInterruptedThenRerunRestoresEverything) {
  for (std::size_t n = 1; n <= kUsers; ++n) {
    Scenario s(kUsers);
    auto written = s.PlanAndWrite();
    ASSERT_TRUE(written);
    s.dir.crash_after_applied = s.dir.modifies_applied + n;
    EXPECT_THROW((void)s.Rollback(written->run), SimulatedCrash) << n;
    s.dir.crash_after_applied.reset();
    auto rolled = s.Rollback(written->run);
    ASSERT_TRUE(rolled) << n;
    EXPECT_EQ(rolled->Count(RollbackObjectState::kFailed), 0u) << n << ": " << rolled->Summary();
    EXPECT_EQ(Contents(s.dir.Snapshot()), Contents(s.initial)) << "rollback killed after " << n << " modifies";
  }
}

// The DC may finish a modify it received from a killed writer only after the next run's resolution pass
// re-read the object: the journal then says not_written while AD holds the change. Rollback must still
// find it (re-read by objectGUID, compared with the intent) and undo it; a change some later intent wrote
// over is not claimed.
TEST(CrashSafety, RollbackUndoesAModifyTheDcAppliedAfterTheResolutionJudgedItNotWritten) {
  Scenario s(kUsers);
  s.dir.crash_on_modify_call = 0;  // killed with the first batch's intents journaled, nothing applied yet
  EXPECT_THROW((void)s.PlanAndWrite(), SimulatedCrash);
  s.dir.crash_on_modify_call.reset();
  const RunId killed = 1;
  {
    Journal journal = s.OpenJournal();
    auto intents = journal.RunIntents(killed);
    ASSERT_TRUE(intents) << intents.error().ToString();
    ASSERT_FALSE(intents->empty());
    // The next run resolves them: AD holds the prior values, so not_written.
    auto next = journal.BeginRun(RunInfo{RunKind::kWrite, "ctim.csv", "00", "{}", {}});
    ASSERT_TRUE(next);
    NullProgress progress;
    auto resolved = ResolveInterrupted(journal, s.dir, *next, 100, progress);
    ASSERT_TRUE(resolved) << resolved.error().ToString();
    EXPECT_EQ(resolved->not_applied, intents->size());
    ASSERT_TRUE(journal.FinishRun(*next, RunState::kFinished, "resolved only"));
    // ... and only then does the DC apply the killed run's modifies.
    for (const IntentView& v : *intents) ASSERT_TRUE(s.dir.ApplyDirect(ToModifyRequest(v.change_set)));
  }
  ASSERT_NE(Contents(s.dir.Snapshot()), Contents(s.initial));
  auto rolled = s.Rollback(killed);
  ASSERT_TRUE(rolled) << rolled.error().ToString();
  EXPECT_EQ(rolled->Count(RollbackObjectState::kFailed), 0u) << rolled->Summary();
  EXPECT_EQ(Contents(s.dir.Snapshot()), Contents(s.initial)) << rolled->Summary();
  Journal journal = s.OpenJournal();
  auto after = journal.RunIntents(killed);
  ASSERT_TRUE(after);
  for (const IntentView& v : *after) {
    ASSERT_TRUE(v.HasOutcome(OutcomeState::kWritten)) << "intent " << v.id;
    EXPECT_EQ(v.Latest(), OutcomeState::kConfirmed);
  }
}

TEST(CrashSafety, RollbackDoesNotClaimALateChangeThatALaterRunWroteOver) {
  Scenario s(kUsers);
  s.dir.crash_on_modify_call = 0;
  EXPECT_THROW((void)s.PlanAndWrite(), SimulatedCrash);
  s.dir.crash_on_modify_call.reset();
  auto second = s.PlanAndWrite();  // resolves run 1 (not_written) and writes everything itself
  ASSERT_TRUE(second) << second.error().ToString();
  const auto written = Contents(s.dir.Snapshot());
  auto rolled = s.Rollback(1);
  ASSERT_TRUE(rolled) << rolled.error().ToString();
  EXPECT_EQ(Contents(s.dir.Snapshot()), written)
      << "run 2's changes are run 2's to roll back: " << rolled->Summary();
  auto rolled2 = s.Rollback(second->run);
  ASSERT_TRUE(rolled2) << rolled2.error().ToString();
  EXPECT_EQ(Contents(s.dir.Snapshot()), Contents(s.initial)) << rolled2->Summary();
}

}  // namespace
}  // namespace ctim::agent
