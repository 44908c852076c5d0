// The journal fails under a running `write`: the journal lives on a tiny tmpfs (mounted inside the lab's
// private mount namespace, so nothing outside sees it) that fills up part way through the run. SQLite then
// refuses a transaction (SQLITE_FULL). The run must stop cleanly (a clear error, not "internal error"),
// nothing may have been sent to AD without its intent on disk, and once there is room again the next
// `write` resolves what the stopped run left and converges to the uninterrupted end state.
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

#include "core_fixture.h"

namespace ctim::core_lab {
namespace {

constexpr int kUsers = 400;

class CoreJournalFault : public CoreLabTest {
 protected:
  void TearDown() override {
    if (mounted_) ::umount2(mount_point_.c_str(), MNT_DETACH);
    CoreLabTest::TearDown();
  }
  // A tmpfs of `size` at a fresh directory of this test.
  void MountTiny(const std::string& size) {
    mount_point_ = tmp_.File("tiny");
    std::filesystem::create_directories(mount_point_);
    const std::string options = "size=" + size + ",mode=0700";
    ASSERT_EQ(::mount("tmpfs", mount_point_.c_str(), "tmpfs", 0, options.c_str()), 0)
        << "mount tmpfs at " << mount_point_ << ": " << std::strerror(errno)
        << " (the test needs root inside the lab's mount namespace: tests/lab/lab.sh netns)";
    mounted_ = true;
  }
  void Grow(const std::string& size) {
    const std::string options = "size=" + size + ",mode=0700";
    ASSERT_EQ(::mount("tmpfs", mount_point_.c_str(), "tmpfs", MS_REMOUNT, options.c_str()), 0)
        << "remount: " << std::strerror(errno);
  }

  std::string mount_point_;
  bool mounted_ = false;
};

TEST_F(CoreJournalFault, AFullJournalStopsTheRunCleanlyAndTheNextRunResolves) {
  std::vector<SeededUser> users = PristineSeeded(kUsers);
  ASSERT_EQ(users.size(), static_cast<std::size_t>(kUsers));
  const std::string file = WriteFile(RowsFor(users));
  const Dump pristine = SearchOu();
  // Reference end state, from an uninterrupted run on a roomy journal.
  const ProcessResult reference_run = Agent({"write", file, "--journal", tmp_.File("reference.db")}, false);
  ASSERT_EQ(reference_run.exit_code, 0) << Explain(reference_run);
  const Dump reference = SearchOu();
  ASSERT_EQ(PristineSeeded(kUsers).size(), users.size());
  ASSERT_EQ(SearchOu(), pristine);

  // The journal of 400 users, with its WAL (checkpointed only every 1000 pages), needs several MiB: 512 KiB
  // holds the schema and the first batches, then fills part way through the run.
  MountTiny("512k");
  if (HasFatalFailure()) return;
  const std::string journal = mount_point_ + "/journal.db";
  const ProcessResult full = Agent({"write", file, "--journal", journal, "--batch-size", "25"}, false);
  EXPECT_NE(full.exit_code, 0) << Explain(full);
  EXPECT_NE(full.exit_code, 4) << "a full disk is not an internal error\n" << Explain(full);
  EXPECT_NE(full.err.find("full"), std::string::npos) << Explain(full);
  EXPECT_NE(full.err.find("free disk space"), std::string::npos) << Explain(full);
  const Dump after_fault = SearchOu();
  EXPECT_NE(after_fault, pristine)
      << "the journal filled before any batch was written: make the tmpfs bigger";

  // Nothing was sent without its intent: every object AD shows changed has an intent in the journal.
  Grow("64m");
  if (HasFatalFailure()) return;
  std::set<std::string> journaled;
  const ProcessResult runs = Agent({"runs", "--format", "json", "--journal", journal}, false);
  ASSERT_EQ(runs.exit_code, 0) << Explain(runs);
  const nlohmann::json listed = ParseJson(runs.out);
  ASSERT_FALSE(listed.is_discarded());
  ASSERT_EQ(listed["runs"].size(), 1u) << runs.out;
  const ProcessResult show = Agent({"show", "1", "--format", "json", "--journal", journal}, false);
  ASSERT_EQ(show.exit_code, 0) << Explain(show);
  const nlohmann::json shown = ParseJson(show.out);
  ASSERT_FALSE(shown.is_discarded());
  for (const auto& intent : shown["intents"]) journaled.insert(Lower(intent["dn"].get<std::string>()));
  std::size_t changed = 0;
  for (const auto& [dn, attrs] : after_fault) {
    if (attrs == pristine.at(dn)) continue;
    ++changed;
    EXPECT_TRUE(journaled.contains(dn)) << dn << " was changed in AD with no intent in the journal";
  }
  std::printf(
      "[journal fault] the full journal stopped the run after %zu of %d objects were written (exit %d)\n",
      changed, kUsers, full.exit_code);
  EXPECT_LT(changed, static_cast<std::size_t>(kUsers)) << "the journal never filled: make the tmpfs smaller";

  // With room again, the next run resolves the stopped one and finishes the job.
  const ProcessResult next = Agent({"write", file, "--journal", journal, "--batch-size", "25"}, false);
  ASSERT_EQ(next.exit_code, 0) << Explain(next);
  EXPECT_EQ(SearchOu(), reference) << "the next run did not converge to the uninterrupted end state";
  const ProcessResult runs_after = Agent({"runs", "--format", "json", "--journal", journal}, false);
  ASSERT_EQ(runs_after.exit_code, 0) << Explain(runs_after);
  const nlohmann::json listed_after = ParseJson(runs_after.out);
  ASSERT_FALSE(listed_after.is_discarded());
  for (const auto& run : listed_after["runs"]) EXPECT_NE(run["state"], "running") << run.dump();
  for (long long id : {1LL, 2LL}) {
    const ProcessResult s =
        Agent({"show", std::to_string(id), "--format", "json", "--journal", journal}, false);
    ASSERT_EQ(s.exit_code, 0) << Explain(s);
    const nlohmann::json j = ParseJson(s.out);
    for (const auto& intent : j["intents"]) {
      const std::string state = intent["state"];
      EXPECT_TRUE(state == "confirmed" || state == "not_written" || state == "conflict") << intent.dump();
    }
  }
}

}  // namespace
}  // namespace ctim::core_lab
