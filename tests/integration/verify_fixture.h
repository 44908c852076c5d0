// The fixture of the verify integration tests: a scratch OU of mail users in the lab, an emulator syncing only
// that OU (scheduler paused: the test decides when a cycle runs), the CTIM file the emulator exports for them,
// and helpers to write the file's values into AD (ldapmodify), to journal that write as a run, and to run the
// ctim-agent binary.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <thread>
#include <string>
#include <vector>

#include "agent/journal/journal.h"
#include "agent/reader/reader_options.h"
#include "agent/verify/verify_expectations.h"
#include "verify_lab.h"

namespace ctim::testing {

// One exported row and where its target lives in AD.
struct Target {
  agent::Expectation row;  // from the CTIM file
  std::string dn;
  Guid object_guid;
  std::string upn;
};

class VerifyLabTest : public ::testing::Test {
 protected:
  static constexpr int kUsers = 6;

  void SetUp() override {
    lab_ = ReadLabEnv();
    ASSERT_TRUE(lab_);
    users_ = std::make_unique<ScratchUsers>(*lab_, "verify", kUsers);
    ASSERT_TRUE(users_->ok());
    Emulator::Options options;
    options.sync_scope = users_->ou();
    emu_ = std::make_unique<Emulator>(&*lab_, options);
    ASSERT_TRUE(emu_->ok());
    ASSERT_EQ(emu_->Sync().value("created", -1), kUsers);
    const Json ctim = emu_->Control("GET", "/ctim/identities?seed=7");
    ASSERT_EQ(ctim.value("rows", 0), kUsers) << ctim.dump();
    file_ = dir_.File("identities.csv");
    WriteFile(file_, ctim["csv"].get<std::string>());
    auto set = agent::ExpectationsFromFile(file_, agent::ReaderOptions{});
    ASSERT_TRUE(set) << set.error().ToString();
    ASSERT_EQ(set->expectations.size(), static_cast<std::size_t>(kUsers));
    std::map<std::string, Json> records;
    const Json all_users = emu_->Control("GET", "/users");
    for (const Json& r : all_users["users"]) records[r["id"].get<std::string>()] = r;
    for (const agent::Expectation& e : set->expectations) {
      const Json& r = records[e.target_object_id.ToString()];
      ASSERT_TRUE(r.is_object()) << "no cloud record for " << e.target_object_id.ToString();
      targets_.push_back({e, r["dn"], *Guid::Parse(r["ad_guid"].get<std::string>()), r["upn"]});
    }
    config_ = WriteConfig(emu_->CloudToml());
    journal_ = dir_.File("journal.db");
  }

  // ctim-agent.toml with `cloud` as the [cloud] section and the test's journal.
  std::string WriteConfig(const std::string& cloud, const std::string& name = "ctim-agent.toml") {
    const std::string path = dir_.File(name);
    WriteFile(path, cloud + "[agent]\njournal = \"" + dir_.File("journal.db") +
                        "\"\nverify_interval_seconds = 1\nverify_deadline_seconds = 120\n");
    return path;
  }

  // The LDIF that gives target `t` the row's values (or `exchange_guid` instead of the planned one).
  static std::string ValuesLdif(const Target& t, std::optional<Guid> exchange_guid = std::nullopt) {
    std::string ldif = "dn: " + t.dn + "\nchangetype: modify\n";
    ldif += "replace: msExchMailboxGuid\nmsExchMailboxGuid:: " +
            Base64(exchange_guid.value_or(*t.row.exchange_guid).AdBytes()) + "\n-\n";
    if (t.row.archive_guid) {
      ldif += "replace: msExchArchiveGUID\nmsExchArchiveGUID:: " + Base64(t.row.archive_guid->AdBytes()) + "\n-\n";
    }
    ldif += "add: proxyAddresses\n";
    for (const std::string& x500 : t.row.x500s) ldif += "proxyAddresses:: " + Base64(x500) + "\n";
    return ldif + "-\n\n";
  }

  // Writes every row's values (with `overrides` by index) into AD.
  void WriteAll(const std::map<int, Guid>& overrides = {}) {
    std::string ldif;
    for (std::size_t i = 0; i < targets_.size(); ++i) {
      const auto o = overrides.find(static_cast<int>(i));
      ldif += ValuesLdif(targets_[i], o == overrides.end() ? std::nullopt : std::optional<Guid>(o->second));
    }
    ASSERT_TRUE(users_->Modify(ldif));
  }

  // The same write, journaled as a write run the way `ctim-agent write` records it: intents, the modify,
  // then the outcomes. The journal states the PLANNED values even where `overrides` put others into AD.
  agent::RunId WriteAllAsRun(const std::map<int, Guid>& overrides = {}) {
    std::vector<std::size_t> all;
    for (std::size_t i = 0; i < targets_.size(); ++i) all.push_back(i);
    return WriteAsRun(all, agent::RunState::kFinished, overrides);
  }

  // Targets `which` written and journaled as one write run that ends in `end`; kRunning leaves the run as a
  // killed `write` leaves it (never finished).
  agent::RunId WriteAsRun(const std::vector<std::size_t>& which, agent::RunState end,
                          const std::map<int, Guid>& overrides = {}) {
    auto journal = agent::Journal::Open(journal_);
    EXPECT_TRUE(journal) << journal.error().ToString();
    auto run = journal->BeginRun({agent::RunKind::kWrite, file_, "", "{}", {}});
    EXPECT_TRUE(run) << run.error().ToString();
    std::vector<agent::IntentToRecord> intents;
    std::string ldif;
    for (std::size_t i : which) {
      const Target& t = targets_[i];
      agent::ChangeSet cs;
      cs.row = t.row.row;
      cs.dn = t.dn;
      cs.object_guid = t.object_guid;
      cs.target_object_id = t.row.target_object_id;
      cs.changes.push_back({"msExchMailboxGuid", agent::ChangeKind::kSet, {}, {t.row.exchange_guid->AdBytes()}});
      if (t.row.archive_guid) {
        cs.changes.push_back({"msExchArchiveGUID", agent::ChangeKind::kSet, {}, {t.row.archive_guid->AdBytes()}});
      }
      cs.changes.push_back({"proxyAddresses", agent::ChangeKind::kAddValues, {}, t.row.x500s});
      intents.push_back({std::move(cs), {}, 1});
      const auto o = overrides.find(static_cast<int>(i));
      ldif += ValuesLdif(t, o == overrides.end() ? std::nullopt : std::optional<Guid>(o->second));
    }
    auto ids = journal->RecordIntents(*run, intents);
    EXPECT_TRUE(ids) << ids.error().ToString();
    EXPECT_TRUE(users_->Modify(ldif));
    std::vector<agent::OutcomeToRecord> outcomes;
    for (agent::IntentId id : *ids) {
      outcomes.push_back({id, agent::OutcomeState::kWritten, ""});
      outcomes.push_back({id, agent::OutcomeState::kConfirmed, ""});
    }
    EXPECT_TRUE(journal->RecordOutcomes(*run, outcomes));
    if (end != agent::RunState::kRunning) {
      EXPECT_TRUE(journal->FinishRun(*run, end, "test write"));
    }
    NextSecond();
    return *run;
  }

  // Graph stamps sync times in whole seconds: a cycle stamped within the write's own second does not count as
  // after it, and two cycles in one second look like one (verify_classify.h). Real cycles are minutes apart;
  // here the next one may follow at once, so the tests step to the next second first.
  static void NextSecond() {
    std::this_thread::sleep_until(std::chrono::system_clock::time_point(
        std::chrono::ceil<std::chrono::seconds>(std::chrono::system_clock::now())));
  }

  // ctim-agent verify <args> --config <config> --no-progress, run to completion.
  Ran Verify(std::vector<std::string> args, const std::string& config = "",
             std::chrono::milliseconds timeout = std::chrono::seconds(180)) {
    std::vector<std::string> argv = {CTIM_AGENT_BIN, "verify"};
    argv.insert(argv.end(), args.begin(), args.end());
    for (const std::string& a : {std::string("--config"), config.empty() ? config_ : config, std::string("--no-progress")}) {
      argv.push_back(a);
    }
    return RunProcess(argv, {}, "", timeout);
  }

  // The JSON report on stdout (FAILS the test when it is not JSON).
  static Json Report(const Ran& ran) {
    Json doc = Json::parse(ran.out, nullptr, false);
    EXPECT_FALSE(doc.is_discarded()) << "stdout is not JSON:\n" << ran.out << "\nstderr:\n" << ran.err;
    return doc;
  }

  // The report's entry for target i.
  const Json& UserOf(const Json& report, std::size_t i) {
    static const Json kNone;
    for (const Json& u : report["users"]) {
      if (u["target_object_id"] == targets_[i].row.target_object_id.ToString()) return u;
    }
    ADD_FAILURE() << "no report entry for " << targets_[i].row.target_object_id.ToString();
    return kNone;
  }

  std::optional<LabEnv> lab_;
  ScratchDir dir_{"ctim-verify-test"};
  std::unique_ptr<ScratchUsers> users_;
  std::unique_ptr<Emulator> emu_;
  std::string file_, config_, journal_;
  std::vector<Target> targets_;
};

}  // namespace ctim::testing
