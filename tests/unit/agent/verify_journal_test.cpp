// The journal's parts for verify: the target object id kept with each intent (also added to journals made
// before it existed), and the verification records.
#include <gtest/gtest.h>

#include "agent/journal/journal.h"
#include "agent/journal/sqlite.h"
#include "agent/verify/run_input.h"
#include "agent_test_util.h"
#include "temp_journal.h"

namespace ctim::agent {
namespace {

using testing::G;
using testing::TempDir;

ChangeSet WithTarget(std::size_t row, Guid object, std::optional<Guid> target) {
  ChangeSet cs;
  cs.row = row;
  cs.dn = "CN=User " + std::to_string(row) + ",OU=CTIM,DC=lab,DC=example";
  cs.object_guid = object;
  cs.target_object_id = target;
  cs.changes = {{"msExchMailboxGuid", ChangeKind::kSet, {}, {G("1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8").AdBytes()}}};
  return cs;
}

TEST(VerifyJournal, IntentsKeepTheTargetObjectId) {
  TempDir dir;
  auto j = Journal::Open(dir.File("j.db"));
  ASSERT_TRUE(j) << j.error().ToString();
  auto run = j->BeginRun({});
  ASSERT_TRUE(run);
  const Guid target = G("7c1e3c2a-51d4-4d8e-8f63-2d8f0b6a1c11");
  ASSERT_TRUE(j->RecordIntents(*run, std::vector<IntentToRecord>{
                                         {WithTarget(2, G("aaaaaaaa-0000-4000-8000-000000000001"), target), {}, 1},
                                         {WithTarget(3, G("aaaaaaaa-0000-4000-8000-000000000002"), std::nullopt), {}, 1}}));
  auto intents = j->RunIntents(*run);
  ASSERT_TRUE(intents);
  ASSERT_EQ(intents->size(), 2u);
  EXPECT_EQ((*intents)[0].change_set.target_object_id, target);
  EXPECT_EQ((*intents)[1].change_set.target_object_id, std::nullopt);
}

// A journal written before intents.target_object_id existed: the column is added on open, old intents
// read back without a target, new ones with it.
TEST(VerifyJournal, AnOlderJournalGainsTheColumnOnOpen) {
  TempDir dir;
  const std::string path = dir.File("old.db");
  {
    auto db = sqlite::Database::Open(path);
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->Exec(R"sql(
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO meta VALUES ('schema_version', '1');
      CREATE TABLE runs (id INTEGER PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('write', 'rollback')),
        state TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT NOT NULL DEFAULT '',
        file_path TEXT NOT NULL DEFAULT '', file_sha256 TEXT NOT NULL DEFAULT '', options TEXT NOT NULL DEFAULT '{}',
        rollback_of INTEGER REFERENCES runs(id), summary TEXT NOT NULL DEFAULT '');
      CREATE TABLE intents (id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id),
        attempt INTEGER NOT NULL, row INTEGER NOT NULL, object_guid TEXT NOT NULL, dn TEXT NOT NULL,
        recorded_at TEXT NOT NULL);
      INSERT INTO runs(id, kind, state, started_at) VALUES (1, 'write', 'finished', '2026-01-01T00:00:00.000Z');
      INSERT INTO intents VALUES (1, 1, 1, 2, 'aaaaaaaa-0000-4000-8000-000000000001', 'CN=Old', '2026-01-01T00:00:00.000Z');
    )sql"));
  }
  auto j = Journal::Open(path);
  ASSERT_TRUE(j) << j.error().ToString();
  auto old = j->RunIntents(1);
  ASSERT_TRUE(old) << old.error().ToString();
  ASSERT_EQ(old->size(), 1u);
  EXPECT_EQ(old->front().change_set.target_object_id, std::nullopt);
  auto run = j->BeginRun({});
  ASSERT_TRUE(run);
  const Guid target = G("7c1e3c2a-51d4-4d8e-8f63-2d8f0b6a1c11");
  ASSERT_TRUE(j->RecordIntents(*run, std::vector<IntentToRecord>{
                                         {WithTarget(2, G("aaaaaaaa-0000-4000-8000-000000000003"), target), {}, 1}}));
  auto fresh = j->RunIntents(*run);
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->front().change_set.target_object_id, target);
  // Opening again does not try to add the column twice.
  EXPECT_TRUE(Journal::Open(path));
}

TEST(VerifyJournal, VerificationRecordsAreReplacedPerObjectAndReadInRowOrder) {
  TempDir dir;
  auto j = Journal::Open(dir.File("j.db"));
  ASSERT_TRUE(j);
  auto run = j->BeginRun({});
  ASSERT_TRUE(run);
  const Guid a = G("aaaaaaaa-0000-4000-8000-000000000001");
  const Guid b = G("aaaaaaaa-0000-4000-8000-000000000002");
  const Guid target = G("7c1e3c2a-51d4-4d8e-8f63-2d8f0b6a1c11");
  ASSERT_TRUE(j->RecordVerifications(*run, std::vector<VerificationRecord>{
                                               {b, target, 5, VerifyStatus::kPending, "not synced", {}, ""},
                                               {a, std::nullopt, 3, VerifyStatus::kPending, "not synced", {}, ""}}));
  ASSERT_TRUE(j->RecordVerifications(
      *run, std::vector<VerificationRecord>{{b, target, 5, VerifyStatus::kWrong, "ExchangeGuid differs", {},
                                             "2026-01-10T12:30:00Z"}}));
  auto records = j->RunVerifications(*run);
  ASSERT_TRUE(records) << records.error().ToString();
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[0].object_guid, a);
  EXPECT_EQ((*records)[0].status, VerifyStatus::kPending);
  EXPECT_EQ((*records)[0].target_object_id, std::nullopt);
  EXPECT_EQ((*records)[1].object_guid, b);
  EXPECT_EQ((*records)[1].status, VerifyStatus::kWrong);
  EXPECT_EQ((*records)[1].detail, "ExchangeGuid differs");
  EXPECT_EQ((*records)[1].target_object_id, target);
  EXPECT_EQ((*records)[1].first_sync_after_write, "2026-01-10T12:30:00Z");
  EXPECT_FALSE((*records)[1].checked_at.empty());
  auto none = j->RunVerifications(*run + 1);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST(VerifyJournal, RecordingNeedsNoWriterLock) {
  TempDir dir;
  const std::string path = dir.File("j.db");
  auto writer = Journal::Open(path);
  ASSERT_TRUE(writer);
  auto run = writer->BeginRun({});  // holds the writer lock
  ASSERT_TRUE(run);
  auto verifier = Journal::Open(path);
  ASSERT_TRUE(verifier);
  EXPECT_TRUE(verifier->RecordVerifications(
      *run, std::vector<VerificationRecord>{
                {G("aaaaaaaa-0000-4000-8000-000000000001"), std::nullopt, 2, VerifyStatus::kDone, "ok", {}, ""}}));
}

// `verify` without RUN: every write run with an object not DONE yet (interrupted or not), merged; a run whose
// objects are all DONE is left out; when every run is DONE, the latest write run.
TEST(VerifyJournal, UnfinishedRunsAreEveryWriteRunWithAnObjectNotDoneYet) {
  TempDir dir;
  auto j = Journal::Open(dir.File("j.db"));
  ASSERT_TRUE(j) << j.error().ToString();
  const Guid a = G("aaaaaaaa-0000-4000-8000-000000000001");
  const Guid b = G("aaaaaaaa-0000-4000-8000-000000000002");
  const Guid c = G("aaaaaaaa-0000-4000-8000-000000000003");
  const Guid target_a = G("7c1e3c2a-51d4-4d8e-8f63-2d8f0b6a1c11");
  const Guid target_b = G("7c1e3c2a-51d4-4d8e-8f63-2d8f0b6a1c12");
  const Guid target_c = G("7c1e3c2a-51d4-4d8e-8f63-2d8f0b6a1c13");
  // Writes one object in a new run and returns the run.
  const auto write = [&](std::size_t row, Guid object, Guid target, RunState end) -> RunId {
    auto run = j->BeginRun({});
    EXPECT_TRUE(run);
    EXPECT_TRUE(j->RecordIntents(*run, std::vector<IntentToRecord>{{WithTarget(row, object, target), {}, 1}}));
    auto intents = j->RunIntents(*run);
    EXPECT_TRUE(intents && intents->size() == 1u);
    EXPECT_TRUE(j->RecordOutcomes(*run, std::vector<OutcomeToRecord>{{intents->front().id, OutcomeState::kWritten, ""}}));
    if (end != RunState::kRunning) {
      EXPECT_TRUE(j->FinishRun(*run, end, ""));
    }
    return *run;
  };
  const RunId first = write(2, a, target_a, RunState::kStopped);  // never verified
  const RunId second = write(3, b, target_b, RunState::kFinished);
  const RunId third = write(4, c, target_c, RunState::kFinished);
  ASSERT_TRUE(j->RecordVerifications(second, std::vector<VerificationRecord>{
                                                 {b, target_b, 3, VerifyStatus::kDone, "ok", {}, ""}}));
  ASSERT_TRUE(j->RecordVerifications(third, std::vector<VerificationRecord>{
                                                {c, target_c, 4, VerifyStatus::kWrong, "differs", {}, ""}}));

  auto input = LoadUnfinishedRuns(*j, "j.db");
  ASSERT_TRUE(input) << input.error().ToString();
  EXPECT_EQ(input->subject.runs, (std::vector<std::int64_t>{first, third}));
  EXPECT_EQ(input->subject.run, third);
  ASSERT_EQ(input->set.expectations.size(), 2u);
  EXPECT_EQ(input->set.expectations[0].run, first);
  EXPECT_EQ(input->set.expectations[0].object_guid, a);
  EXPECT_EQ(input->set.expectations[0].label.rfind("run " + std::to_string(first) + " row 2", 0), 0u)
      << input->set.expectations[0].label;
  EXPECT_EQ(input->set.expectations[1].run, third);

  // Once both are DONE, nothing is unfinished: the latest write run alone.
  ASSERT_TRUE(j->RecordVerifications(first, std::vector<VerificationRecord>{
                                                {a, target_a, 2, VerifyStatus::kDone, "ok", {}, ""}}));
  ASSERT_TRUE(j->RecordVerifications(third, std::vector<VerificationRecord>{
                                                {c, target_c, 4, VerifyStatus::kDone, "ok", {}, ""}}));
  input = LoadUnfinishedRuns(*j, "j.db");
  ASSERT_TRUE(input) << input.error().ToString();
  EXPECT_EQ(input->subject.runs, std::vector<std::int64_t>{third});
  EXPECT_FALSE(IsUnfinished(*input));
}

}  // namespace
}  // namespace ctim::agent
