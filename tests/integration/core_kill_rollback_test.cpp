// kill -9 during `rollback`, then `rollback` again: AD must hold, byte for byte, what it held before the
// write, whatever moment the kill hit (before the rollback's intents, with modifies in flight, after the
// DC applied some but before their outcomes were journaled, while confirming). The second rollback
// resolves the killed one's intents by re-reading their objects (agent/apply/journaled_apply.h) and restores the
// rest; a change the killed rollback already restored is not restored twice. Real processes, real Samba.
// CTIM_KILL_SEED=<n> replays a failing sequence of delays.
#include <chrono>
#include <cstdlib>
#include <random>
#include <thread>

#include "core_fixture.h"

namespace ctim::core_lab {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kUsers = 500;
constexpr int kEpisodes = 6;

class CoreKillRollback : public CoreLabTest {};

TEST_F(CoreKillRollback, RollbackKilledAtRandomPointsThenRerunRestoresEveryValueByteIdentical) {
  std::mt19937 rng(KillSeed("kill rollback test"));

  // Reference: write, then an uninterrupted rollback restores the pristine state (and how long it takes).
  std::vector<SeededUser> users = PristineSeeded(kUsers);
  ASSERT_EQ(users.size(), static_cast<std::size_t>(kUsers));
  const std::string file = WriteFile(RowsFor(users));
  const Dump pristine = SearchOu();
  const std::string reference_journal = tmp_.File("reference.db");
  const ProcessResult write = Agent({"write", file, "--journal", reference_journal}, false);
  ASSERT_EQ(write.exit_code, 0) << Explain(write);
  ASSERT_NE(SearchOu(), pristine);
  const ProcessResult reference = Agent({"rollback", "1", "--journal", reference_journal}, false);
  ASSERT_EQ(reference.exit_code, 0) << Explain(reference);
  ASSERT_EQ(SearchOu(), pristine) << "an uninterrupted rollback did not restore the pristine state";
  std::printf("[kill rollback test] write of %d users %.2f s, uninterrupted rollback %.2f s\n", kUsers,
              write.seconds, reference.seconds);

  int landed = 0;
  for (int episode = 0; episode < kEpisodes; ++episode) {
    const bool small = episode % 2 == 1;  // batches of 7: kills also land between batches
    const std::string batch = small ? "7" : "500";
    ASSERT_EQ(PristineSeeded(kUsers).size(), users.size());
    ASSERT_EQ(SearchOu(), pristine) << "reset + seed is not deterministic";
    const std::string journal = tmp_.File("episode" + std::to_string(episode) + ".db");
    const ProcessResult written = Agent({"write", file, "--journal", journal}, false);
    ASSERT_EQ(written.exit_code, 0) << Explain(written);

    const double delay = std::uniform_real_distribution<double>(0.0, reference.seconds)(rng);
    auto child = Child::Spawn({AgentBinary(), "rollback", "1", "--journal", journal, "--batch-size", batch,
                               "--config", config_, "--log-format", "json"},
                              tmp_.File("out"), tmp_.File("err"));
    ASSERT_TRUE(child) << child.error().ToString();
    const auto deadline = Clock::now() + std::chrono::duration<double>(delay);
    while (Clock::now() < deadline && child->Alive())
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (child->Alive()) child->Signal(SIGKILL);
    const ProcessResult r = child->Wait(std::chrono::seconds(120));
    ASSERT_FALSE(r.timed_out);
    const bool killed = r.signal == SIGKILL;
    if (killed) {
      ++landed;
    } else {
      ASSERT_EQ(r.exit_code, 0) << "an unkilled rollback failed; see " << tmp_.File("err");
    }
    const Dump between = SearchOu();
    std::size_t restored = 0;
    for (const auto& [dn, attrs] : between) restored += attrs == pristine.at(dn) ? 1 : 0;
    std::printf("[kill rollback test] episode %d batch %s: delay %.3f s -> %s, %zu of %d objects restored\n",
                episode, batch.c_str(), delay, killed ? "SIGKILL" : "finished first", restored, kUsers);

    // The same command again, to its end (the run to roll back is still run 1).
    const ProcessResult again = Agent({"rollback", "1", "--journal", journal, "--batch-size", batch}, false);
    ASSERT_EQ(again.exit_code, 0) << Explain(again);
    EXPECT_EQ(SearchOu(), pristine) << "episode " << episode
                                    << ": AD is not byte-identical to before the write";

    // No run left running; every intent of the rollbacks has a final outcome.
    const ProcessResult runs = Agent({"runs", "--format", "json", "--journal", journal}, false);
    ASSERT_EQ(runs.exit_code, 0) << Explain(runs);
    const nlohmann::json listed = ParseJson(runs.out);
    ASSERT_FALSE(listed.is_discarded());
    for (const auto& run : listed["runs"]) {
      EXPECT_NE(run["state"], "running") << run.dump();
      if (run["kind"] != "rollback") continue;
      const ProcessResult show = Agent(
          {"show", std::to_string(run["id"].get<long long>()), "--format", "json", "--journal", journal},
          false);
      ASSERT_EQ(show.exit_code, 0) << Explain(show);
      const nlohmann::json shown = ParseJson(show.out);
      ASSERT_FALSE(shown.is_discarded());
      for (const auto& intent : shown["intents"]) {
        const std::string state = intent["state"];
        EXPECT_TRUE(state == "confirmed" || state == "not_written" || state == "conflict") << intent.dump();
      }
    }
    if (HasFatalFailure()) return;
  }
  std::printf("[kill rollback test] %d of %d SIGKILLs landed on a running rollback\n", landed, kEpisodes);
  EXPECT_GE(landed, kEpisodes / 2) << "too few kills landed on a running rollback to prove anything";
}

}  // namespace
}  // namespace ctim::core_lab
