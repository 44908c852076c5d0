#include "agent/journal/journal.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "agent_test_util.h"
#include "temp_journal.h"

namespace ctim::agent {
namespace {

using testing::G;
using testing::TempDir;

ChangeSet SampleChangeSet() {
  ChangeSet cs;
  cs.row = 17;
  cs.dn = "CN=Bob\\, Jr.,OU=Staff,DC=lab,DC=example";
  cs.object_guid = G("bbbbbbbb-0000-4000-8000-00000000000b");
  // Binary values with NUL and high bytes must come back byte-exact.
  cs.changes = {{"msExchMailboxGuid", ChangeKind::kSet, {}, {G("1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8").AdBytes()}},
                {"msExchArchiveGUID", ChangeKind::kReplace, {std::string("\x00\x01\xff", 3)}, {std::string(16, '\0')}},
                {"proxyAddresses", ChangeKind::kAddValues, {}, {"X500:/o=Fabrikam/cn=Recipients/cn=bob (Jr.); x"}},
                {"msExchELCMailboxFlags", ChangeKind::kReplace, {"130"}, {"154"}}};
  return cs;
}

class JournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir.ok());
    path = dir.File("journal.db");
  }
  Journal Open() {
    auto j = Journal::Open(path);
    EXPECT_TRUE(j) << j.error().ToString();
    return std::move(*j);
  }
  TempDir dir;
  std::string path;
};

TEST_F(JournalTest, RecordsRunsIntentsAndOutcomesByteExact) {
  Journal j = Open();
  auto run = j.BeginRun(RunInfo{RunKind::kWrite, "/data/ctim.csv", "ab12", R"({"overwrite_guid":false})", {}});
  ASSERT_TRUE(run);
  const ChangeSet cs = SampleChangeSet();
  auto ids = j.RecordIntents(*run, std::vector<IntentToRecord>{{cs, {}, 1}});
  ASSERT_TRUE(ids);
  ASSERT_EQ(ids->size(), 1u);
  ASSERT_TRUE(j.RecordOutcomes(*run, std::vector<OutcomeToRecord>{{ids->front(), OutcomeState::kWritten, ""},
                                                                   {ids->front(), OutcomeState::kConfirmed, ""}}));
  ASSERT_TRUE(j.FinishRun(*run, RunState::kFinished, "wrote 1"));

  auto intents = j.RunIntents(*run);
  ASSERT_TRUE(intents);
  ASSERT_EQ(intents->size(), 1u);
  const IntentView& v = intents->front();
  EXPECT_EQ(v.change_set.row, 17u);
  EXPECT_EQ(v.change_set.dn, cs.dn);
  EXPECT_EQ(v.change_set.object_guid, cs.object_guid);
  EXPECT_EQ(v.change_set.changes, cs.changes);
  EXPECT_EQ(v.change_ids.size(), 4u);
  ASSERT_EQ(v.outcomes.size(), 2u);
  EXPECT_EQ(v.Latest(), OutcomeState::kConfirmed);

  auto runs = j.ListRuns();
  ASSERT_TRUE(runs);
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ(runs->front().state, RunState::kFinished);
  EXPECT_EQ(runs->front().info.file_sha256, "ab12");
  EXPECT_EQ(runs->front().summary, "wrote 1");
  EXPECT_FALSE(runs->front().finished_at.empty());
}

TEST_F(JournalTest, SurvivesReopenAndUsesWal) {
  {
    Journal j = Open();
    ASSERT_TRUE(j.BeginRun(RunInfo{}));
  }
  auto db = sqlite::Database::Open(path);
  ASSERT_TRUE(db);
  auto st = db->Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(st);
  ASSERT_TRUE(st->Step().value_or(false));
  EXPECT_EQ(st->Text(0), "wal");
  Journal again = Open();
  auto runs = again.ListRuns();
  ASSERT_TRUE(runs);
  EXPECT_EQ(runs->size(), 1u);
}

TEST_F(JournalTest, IntentWithoutOutcomeIsUnresolvedUntilJudged) {
  Journal j = Open();
  auto run = j.BeginRun(RunInfo{});
  ASSERT_TRUE(run);
  ChangeSet a = SampleChangeSet();
  ChangeSet b = SampleChangeSet();
  b.object_guid = G("cccccccc-0000-4000-8000-00000000000c");
  ChangeSet c = SampleChangeSet();
  c.object_guid = G("dddddddd-0000-4000-8000-00000000000d");
  auto ids = j.RecordIntents(*run, std::vector<IntentToRecord>{{a, {}, 1}, {b, {}, 1}, {c, {}, 1}});
  ASSERT_TRUE(ids);
  // a: no outcome (died after the intent); b: written but never confirmed; c: confirmed.
  ASSERT_TRUE(j.RecordOutcomes(*run, std::vector<OutcomeToRecord>{{(*ids)[1], OutcomeState::kWritten, ""},
                                                                   {(*ids)[2], OutcomeState::kWritten, ""},
                                                                   {(*ids)[2], OutcomeState::kConfirmed, ""}}));
  auto open = j.UnresolvedIntents();
  ASSERT_TRUE(open);
  ASSERT_EQ(open->size(), 2u);
  EXPECT_EQ((*open)[0].id, (*ids)[0]);
  EXPECT_TRUE((*open)[0].outcomes.empty());
  EXPECT_EQ((*open)[1].id, (*ids)[1]);
  EXPECT_EQ((*open)[1].Latest(), OutcomeState::kWritten);

  // A later run marks the dead one interrupted and judges the intents.
  auto later = j.BeginRun(RunInfo{});
  ASSERT_TRUE(later);
  auto marked = j.MarkInterruptedRuns(*later);
  ASSERT_TRUE(marked);
  EXPECT_EQ(*marked, 1);
  ASSERT_TRUE(j.RecordOutcomes(*later, std::vector<OutcomeToRecord>{{(*ids)[0], OutcomeState::kNotWritten, ""},
                                                                     {(*ids)[1], OutcomeState::kConfirmed, ""}}));
  open = j.UnresolvedIntents();
  ASSERT_TRUE(open);
  EXPECT_TRUE(open->empty());
  auto first = j.GetRun(*run);
  ASSERT_TRUE(first && *first);
  EXPECT_EQ((*first)->state, RunState::kInterrupted);
  auto intents = j.RunIntents(*run);
  ASSERT_TRUE(intents);
  EXPECT_EQ((*intents)[0].outcomes.back().recorded_by, *later);  // who resolved it
}

TEST_F(JournalTest, RollbackChangesPointAtWhatTheyUndo) {
  Journal j = Open();
  auto write = j.BeginRun(RunInfo{});
  ASSERT_TRUE(write);
  auto ids = j.RecordIntents(*write, std::vector<IntentToRecord>{{SampleChangeSet(), {}, 1}});
  ASSERT_TRUE(ids);
  ASSERT_TRUE(j.RecordOutcomes(*write, std::vector<OutcomeToRecord>{{ids->front(), OutcomeState::kWritten, ""}}));
  auto original = j.RunIntents(*write);
  ASSERT_TRUE(original);
  const ChangeId elc = original->front().change_ids[3];

  auto rollback = j.BeginRun(RunInfo{RunKind::kRollback, "", "", "{}", *write});
  ASSERT_TRUE(rollback);
  ChangeSet inverse = SampleChangeSet();
  inverse.changes = {{"msExchELCMailboxFlags", ChangeKind::kReplace, {"154"}, {"130"}}};
  auto rids = j.RecordIntents(*rollback, std::vector<IntentToRecord>{{inverse, {elc}, 1}});
  ASSERT_TRUE(rids);
  auto reverted = j.RevertedChanges(*write);
  ASSERT_TRUE(reverted);
  EXPECT_TRUE(reverted->empty());  // intent alone is not a revert
  ASSERT_TRUE(j.RecordOutcomes(*rollback, std::vector<OutcomeToRecord>{{rids->front(), OutcomeState::kWritten, ""}}));
  reverted = j.RevertedChanges(*write);
  ASSERT_TRUE(reverted);
  ASSERT_EQ(reverted->size(), 1u);
  EXPECT_EQ(reverted->front(), (std::pair<ChangeId, RunId>{elc, *rollback}));
  auto run = j.GetRun(*rollback);
  ASSERT_TRUE(run && *run);
  EXPECT_EQ((*run)->info.rollback_of, *write);
  EXPECT_EQ((*run)->info.kind, RunKind::kRollback);
}

TEST_F(JournalTest, OneWriterAtATime) {
  Journal first = Open();
  ASSERT_TRUE(first.BeginRun(RunInfo{}));
  Journal reader = Open();
  EXPECT_TRUE(reader.ListRuns());  // `runs` / `show` still work
  auto second = reader.BeginRun(RunInfo{});
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, Errc::kUnavailable);
  EXPECT_NE(second.error().message.find("in use by another ctim-agent"), std::string::npos);
  { Journal gone = std::move(first); }  // the first process ends
  EXPECT_TRUE(reader.BeginRun(RunInfo{}));
}

TEST_F(JournalTest, RefusesAJournalFromAnotherSchemaVersion) {
  { Journal j = Open(); }
  {
    auto db = sqlite::Database::Open(path);
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->Exec("UPDATE meta SET value = '99' WHERE key = 'schema_version'"));
  }
  auto j = Journal::Open(path);
  ASSERT_FALSE(j);
  EXPECT_NE(j.error().message.find("schema version 99"), std::string::npos);
}

TEST_F(JournalTest, UnopenablePathSaysWhatToDo) {
  auto j = Journal::Open(dir.File("no/such/dir/journal.db"));
  ASSERT_FALSE(j);
  EXPECT_NE(j.error().message.find("no/such/dir/journal.db"), std::string::npos);
  EXPECT_FALSE(j.error().hint.empty());
}

TEST_F(JournalTest, FailedTransactionLeavesNothingBehind) {
  Journal j = Open();
  auto run = j.BeginRun(RunInfo{});
  ASSERT_TRUE(run);
  // A bad op name is rejected by the CHECK constraint inside the transaction: the intent before it in the
  // same batch must not survive.
  ChangeSet bad = SampleChangeSet();
  auto ids = j.RecordIntents(*run, std::vector<IntentToRecord>{{SampleChangeSet(), {}, 1}, {bad, {}, 1}});
  ASSERT_TRUE(ids);  // both fine
  auto db = sqlite::Database::Open(path);
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Exec("CREATE TRIGGER boom BEFORE INSERT ON intents WHEN NEW.row = 99 BEGIN SELECT RAISE(ABORT, 'boom'); END"));
  ChangeSet ok = SampleChangeSet();
  ChangeSet fails = SampleChangeSet();
  fails.row = 99;
  auto failed = j.RecordIntents(*run, std::vector<IntentToRecord>{{ok, {}, 1}, {fails, {}, 1}});
  ASSERT_FALSE(failed);
  auto intents = j.RunIntents(*run);
  ASSERT_TRUE(intents);
  EXPECT_EQ(intents->size(), 2u);  // only the first batch
}

// `show`/`verify` read a journal while `write` commits to it (another process). Each of their reads is
// several queries; inside one ReadSnapshot they must all see the same committed state: never an intent
// without its changes or values, never a count that moves between two queries.
TEST_F(JournalTest, AReaderSeesOneSnapshotWhileAWriterCommits) {
  Journal writer = Open();
  auto run = writer.BeginRun(RunInfo{RunKind::kWrite, "/data/ctim.csv", "ab12", "{}", {}});
  ASSERT_TRUE(run);
  const ChangeSet cs = SampleChangeSet();
  constexpr int kBatches = 150;
  std::atomic<bool> done{false};
  std::atomic<bool> reader_started{false};
  std::string writer_error;
  std::thread thread([&] {
    // The writer starts once the reader has read once, so reads and commits interleave (bounded: 30 s).
    for (int i = 0; i < 30000 && !reader_started; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    for (int k = 0; k < kBatches && writer_error.empty(); ++k) {
      auto ids = writer.RecordIntents(*run, std::vector<IntentToRecord>{{cs, {}, 1}, {cs, {}, 1}});
      if (!ids) {
        writer_error = ids.error().ToString();
        break;
      }
      Status s =
          writer.RecordOutcomes(*run, std::vector<OutcomeToRecord>{{(*ids)[0], OutcomeState::kWritten, ""},
                                                                   {(*ids)[1], OutcomeState::kWritten, ""}});
      if (!s) writer_error = s.error().ToString();
    }
    done = true;
  });
  Journal reader = Open();
  int reads = 0;
  std::size_t last_seen = 0;
  for (; reads < 100000 && !(done && last_seen == 2 * kBatches); ++reads) {
    auto snapshot = reader.ReadSnapshot();
    ASSERT_TRUE(snapshot) << snapshot.error().ToString();
    auto first = reader.RunIntents(*run);
    ASSERT_TRUE(first) << first.error().ToString();
    auto again = reader.RunIntents(*run);
    ASSERT_TRUE(again) << again.error().ToString();
    ASSERT_EQ(first->size(), again->size()) << "two queries of one snapshot saw different states";
    ASSERT_EQ(first->size() % 2, 0u) << "half of a committed batch of intents";
    std::size_t with_outcome = 0;
    for (const IntentView& v : *first) {
      ASSERT_EQ(v.change_set.changes.size(), cs.changes.size())
          << "intent " << v.id << " without all its changes";
      for (std::size_t i = 0; i < cs.changes.size(); ++i) {
        ASSERT_EQ(v.change_set.changes[i].after, cs.changes[i].after) << "intent " << v.id;
        ASSERT_EQ(v.change_set.changes[i].before, cs.changes[i].before) << "intent " << v.id;
      }
      with_outcome += v.outcomes.size();
    }
    ASSERT_EQ(with_outcome % 2, 0u) << "half of a committed batch of outcomes";
    last_seen = first->size();
    reader_started = true;
  }
  thread.join();
  EXPECT_TRUE(writer_error.empty()) << writer_error;
  EXPECT_EQ(last_seen, static_cast<std::size_t>(2 * kBatches));
  EXPECT_GT(reads, 1);
}

TEST_F(JournalTest, OpenChecksThatSqliteReallyEnabledWal) {
  { Journal j = Open(); }
  auto db = sqlite::Database::Open(path);
  ASSERT_TRUE(db);
  auto mode = db->Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode);
  ASSERT_TRUE(mode->Step().value_or(false));
  EXPECT_EQ(mode->Text(0), "wal");

#ifndef _WIN32  // SQLite's Windows build has no VFS without shared memory to show the refusal with.
  // SQLite's unix-dotfile VFS has no shared memory: it keeps the rollback journal and answers "delete".
  auto dotfile = sqlite::Database::Open(dir.File("dotfile.db"), "unix-dotfile");
  ASSERT_TRUE(dotfile) << dotfile.error().ToString();
  const Status wal = sqlite::EnableWal(*dotfile);
  ASSERT_FALSE(wal);
  EXPECT_EQ(wal.error().code, Errc::kInvalidInput);
  EXPECT_NE(wal.error().message.find("did not enable WAL (journal_mode stays 'delete')"), std::string::npos)
      << wal.error().ToString();
  EXPECT_NE(wal.error().hint.find("local file system"), std::string::npos);
#endif
}

}  // namespace
}  // namespace ctim::agent
