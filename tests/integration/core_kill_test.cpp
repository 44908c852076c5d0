// The real kill -9 test: `ctim-agent write` runs as a process and is SIGKILLed at random moments (delays
// drawn up to the observed run time, with the default batch size and with batches of 7 objects so kills
// also land between batches), then `write` runs again, possibly killed again, and finally to the end.
// After every episode, from a pristine seeded DC:
//   - AD holds exactly the end state of an uninterrupted run (every written attribute compared, so a
//     duplicate or a lost value fails);
//   - every journal intent has a final outcome, no run is left "running";
//   - the journal tells the truth: replaying, from the pristine state, exactly the intents the journal
//     says were applied (an outcome "written") reproduces AD's end state, and every replayed change finds
//     AD as the journal says it was before (no add of a present value, no swap of a value that was not
//     there). `runs` and `show` are the journal's voice here (their JSON is what is replayed).
// CTIM_KILL_SEED=<n> replays a failing sequence of delays.
#include <chrono>
#include <cstdlib>
#include <random>
#include <set>
#include <thread>

#include "core_fixture.h"

namespace ctim::core_lab {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kUsers = 1000;
constexpr int kEpisodes = 10;
constexpr int kKillsPerEpisode = 2;
constexpr int kMaxAttempts = 6;

bool IsGuidAttribute(const std::string& lower) {
  return lower == "msexchmailboxguid" || lower == "msexcharchiveguid";
}

// The dump with GUID values as GUID text (the form `show` prints) and proxyAddresses sorted.
Dump Display(Dump dump) {
  for (auto& [dn, attrs] : dump) {
    for (auto& [name, values] : attrs) {
      if (IsGuidAttribute(name)) {
        for (std::string& v : values) {
          const auto g = Guid::FromAdBytes(v);
          v = g ? g->ToString() : "not-a-guid:" + v;
        }
      }
      if (name == "proxyaddresses") std::sort(values.begin(), values.end());
    }
  }
  return dump;
}

// What a kill left in the journal: the killed run (the last one, still "running") and its intents.
struct KillPoint {
  bool run_recorded = false;
  std::size_t intents = 0, unresolved = 0, resolved_earlier = 0;
  std::string Describe() const {
    if (!run_recorded) return " (before the run was journaled)";
    return " (journal: " + std::to_string(intents) + " intent(s), " + std::to_string(unresolved) +
           " without a final outcome)";
  }
};

KillPoint Inspect(const std::string& journal) {
  KillPoint k;
  const ProcessResult runs = RunAgent({"runs", "--format", "json", "--journal", journal});
  const nlohmann::json listed = ParseJson(runs.out);
  if (runs.exit_code != 0 || listed.is_discarded() || listed["runs"].empty()) return k;
  const auto& last = listed["runs"].back();
  if (last["state"] != "running") return k;
  k.run_recorded = true;
  const ProcessResult show = RunAgent(
      {"show", std::to_string(last["id"].get<long long>()), "--format", "json", "--journal", journal});
  const nlohmann::json shown = ParseJson(show.out);
  if (shown.is_discarded()) return k;
  for (const auto& intent : shown["intents"]) {
    ++k.intents;
    const std::string state = intent["state"];
    if (state == "unresolved" || state == "written") ++k.unresolved;
  }
  return k;
}

class CoreKill : public CoreLabTest {
 protected:
  // Replays the journal's "written" intents over `pristine`; every step must find what the journal says.
  void ExpectJournalTellsTruth(const std::string& journal, const Dump& pristine, const Dump& final_state,
                               int episode) {
    SCOPED_TRACE("episode " + std::to_string(episode) + ", journal " + journal);
    const ProcessResult runs = RunAgent({"runs", "--format", "json", "--journal", journal});
    ASSERT_EQ(runs.exit_code, 0) << Explain(runs);
    const nlohmann::json listed = ParseJson(runs.out);
    ASSERT_FALSE(listed.is_discarded());
    ASSERT_FALSE(listed["runs"].empty());
    Dump replay = Display(pristine);
    std::size_t intents = 0, applied = 0;
    for (std::size_t i = 0; i < listed["runs"].size(); ++i) {
      const auto& run = listed["runs"][i];
      const bool last = i + 1 == listed["runs"].size();
      if (last) {
        EXPECT_EQ(run["state"], "finished") << run.dump();
      } else {
        EXPECT_TRUE(run["state"] == "finished" || run["state"] == "interrupted") << run.dump();
      }
      const ProcessResult show = RunAgent(
          {"show", std::to_string(run["id"].get<long long>()), "--format", "json", "--journal", journal});
      ASSERT_EQ(show.exit_code, 0) << Explain(show);
      const nlohmann::json shown = ParseJson(show.out);
      ASSERT_FALSE(shown.is_discarded());
      for (const auto& intent : shown["intents"]) {
        ++intents;
        const std::string state = intent["state"];
        EXPECT_TRUE(state == "confirmed" || state == "not_written" || state == "conflict") << intent.dump();
        bool was_applied = false;
        for (const auto& o : intent["outcomes"]) was_applied |= o["state"] == "written";
        if (!was_applied) continue;
        ++applied;
        Attrs& attrs = replay[Lower(intent["dn"].get<std::string>())];
        for (const auto& c : intent["changes"]) {
          const std::string name = Lower(c["attribute"].get<std::string>());
          std::vector<std::string>& values = attrs[name];
          const std::string op = c["op"];
          if (op == "add_values") {
            for (const auto& v : c["after"]) {
              const std::string value = v;
              const bool present = std::any_of(values.begin(), values.end(), [&](const std::string& x) {
                return Lower(x) == Lower(value);
              });
              EXPECT_FALSE(present) << "journal says it added " << value << " to " << intent["dn"]
                                    << ", which was already there";
              values.push_back(value);
            }
          } else if (op == "set") {
            EXPECT_TRUE(values.empty()) << intent.dump();
            values = {c["after"][0].get<std::string>()};
          } else if (op == "replace") {
            EXPECT_EQ(values, std::vector<std::string>{c["before"][0].get<std::string>()}) << intent.dump();
            values = {c["after"][0].get<std::string>()};
          } else {
            ADD_FAILURE() << "unexpected op in a write run: " << op;
          }
          if (name == "proxyaddresses") std::sort(values.begin(), values.end());
        }
      }
    }
    for (auto& [dn, attrs] : replay) std::erase_if(attrs, [](const auto& kv) { return kv.second.empty(); });
    EXPECT_EQ(replay, Display(final_state)) << "replaying the journal does not give what AD holds";
    EXPECT_GE(applied, static_cast<std::size_t>(kUsers)) << intents << " intents";
  }
};

TEST_F(CoreKill, ConvergesAfterKill9AtRandomPointsAndTheJournalTellsTheTruth) {
  std::mt19937 rng(KillSeed("kill test"));

  // Reference: uninterrupted runs, default batches and batches of 7, from a pristine seeded DC.
  std::vector<SeededUser> users = PristineSeeded(kUsers);
  ASSERT_EQ(users.size(), static_cast<std::size_t>(kUsers));
  const std::string file = WriteFile(RowsFor(users));
  const Dump pristine = SearchOu();
  const ProcessResult reference_run = Agent({"write", file, "--journal", tmp_.File("reference.db")}, false);
  ASSERT_EQ(reference_run.exit_code, 0) << Explain(reference_run);
  const Dump reference = SearchOu();
  const ProcessResult noop_run = Agent({"write", file, "--journal", tmp_.File("reference.db")}, false);
  ASSERT_EQ(noop_run.exit_code, 0) << Explain(noop_run);
  ASSERT_EQ(PristineSeeded(kUsers).size(), users.size());
  ASSERT_EQ(SearchOu(), pristine) << "reset + seed is not deterministic";
  const ProcessResult small_run =
      Agent({"write", file, "--journal", tmp_.File("reference7.db"), "--batch-size", "7"}, false);
  ASSERT_EQ(small_run.exit_code, 0) << Explain(small_run);
  ASSERT_EQ(SearchOu(), reference) << "batch size changed the end state";
  std::printf(
      "[kill test] uninterrupted write of %d users: %.2f s (batch 500), %.2f s (batch 7); no-op write %.2f "
      "s\n",
      kUsers, reference_run.seconds, small_run.seconds, noop_run.seconds);

  int landed = 0;
  int mid_write = 0;  // kills that left intents without a final outcome (the journal's hard case)
  for (int episode = 0; episode < kEpisodes; ++episode) {
    const bool small = episode % 2 == 1;
    const std::string batch = small ? "7" : "500";
    const double full = small ? small_run.seconds : reference_run.seconds;
    ASSERT_EQ(PristineSeeded(kUsers).size(), users.size());
    const std::string journal = tmp_.File("episode" + std::to_string(episode) + ".db");
    int kills = 0;
    bool completed = false;  // an attempt ran to its end: what is left is a no-op run
    for (int attempt = 0; attempt < kMaxAttempts && kills < kKillsPerEpisode; ++attempt) {
      const double bound = completed ? noop_run.seconds : full;
      const double delay = std::uniform_real_distribution<double>(0.0, bound)(rng);
      auto child = Child::Spawn({AgentBinary(), "write", file, "--journal", journal, "--batch-size", batch,
                                 "--config", config_, "--log-format", "json"},
                                tmp_.File("out"), tmp_.File("err"));
      ASSERT_TRUE(child) << child.error().ToString();
      const auto deadline = Clock::now() + std::chrono::duration<double>(delay);
      while (Clock::now() < deadline && child->Alive())
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      if (child->Alive()) child->Signal(SIGKILL);
      const ProcessResult r = child->Wait(std::chrono::seconds(120));
      ASSERT_FALSE(r.timed_out);
      // The process may end on its own between the check and the signal: then it must have succeeded.
      const bool killed = r.signal == SIGKILL;
      if (killed) {
        ++kills;
        ++landed;
      } else {
        ASSERT_EQ(r.exit_code, 0) << "an unkilled write failed; see " << tmp_.File("err");
        completed = true;
      }
      std::string where;
      if (killed) {
        const KillPoint k = Inspect(journal);
        where = k.Describe();
        mid_write += k.unresolved > 0 ? 1 : 0;
      }
      std::printf("[kill test] episode %d batch %s attempt %d: delay %.3f s -> %s%s\n", episode,
                  batch.c_str(), attempt, delay, killed ? "SIGKILL" : "finished first", where.c_str());
    }
    const ProcessResult final_run =
        Agent({"write", file, "--journal", journal, "--batch-size", batch}, false);
    ASSERT_EQ(final_run.exit_code, 0) << Explain(final_run);
    const Dump state = SearchOu();
    EXPECT_EQ(state, reference) << "episode " << episode
                                << " did not converge to the uninterrupted end state";
    for (const auto& [dn, attrs] : state) {
      std::set<std::string> folded;
      for (const std::string& p : ValuesOf(attrs, "proxyAddresses")) {
        EXPECT_TRUE(folded.insert(Lower(p)).second) << dn << " holds " << p << " twice";
      }
    }
    ExpectJournalTellsTruth(journal, pristine, state, episode);
    if (HasFatalFailure()) return;
  }
  std::printf("[kill test] %d SIGKILLs landed on a running write in %d episodes\n", landed, kEpisodes);
  std::printf(
      "[kill test] %d of them left intents without a final outcome (killed while writing or confirming)\n",
      mid_write);
  EXPECT_GE(landed, kEpisodes * kKillsPerEpisode * 3 / 4);
  EXPECT_GE(mid_write, 3) << "too few kills landed while modifies were in flight to prove anything";
}

}  // namespace
}  // namespace ctim::core_lab
