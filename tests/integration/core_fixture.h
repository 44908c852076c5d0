// gtest side of the core integration tests: a fixture that reads the lab (FAILS when it is missing), gives
// each test a private temp dir and journal, makes a pristine seeded DC on demand (lab.sh reset + seed N),
// and small helpers to run the agent and read its JSON.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "core_lab.h"

namespace ctim::core_lab {

// "exit 3 (expected 0)\nstderr: ..." for failure messages.
inline std::string Explain(const ProcessResult& r) {
  std::string err = r.err.size() > 4000 ? r.err.substr(r.err.size() - 4000) : r.err;
  std::string out = r.out.size() > 2000 ? r.out.substr(r.out.size() - 2000) : r.out;
  return "exit " + std::to_string(r.exit_code) + (r.signal ? " signal " + std::to_string(r.signal) : "") +
         (r.timed_out ? " (timed out)" : "") + "\n--- stdout (tail)\n" + out + "\n--- stderr (tail)\n" + err;
}

inline nlohmann::json ParseJson(const std::string& text) {
  return nlohmann::json::parse(text, nullptr, false);
}

class CoreLabTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto lab = ReadLab();
    if (!lab) GTEST_FAIL() << lab.error().ToString();
    lab_ = std::move(*lab);
    ASSERT_FALSE(tmp_.path().empty()) << "mkdtemp failed";
    journal_ = tmp_.File("journal.db");
    config_ = tmp_.File("agent.toml");
    ASSERT_TRUE(WriteOfflineConfig(lab_, config_));
    quiet_ = std::make_unique<EmulatorQuiet>();
    ASSERT_TRUE(quiet_->error().empty()) << quiet_->error();
  }
  // Leaves a pristine (unseeded) DC: the suite's other tests seed what they need.
  void TearDown() override {
    if (!lab_.dir.empty()) (void)LabReset();
    quiet_.reset();
  }

  // A pristine DC with seeded users 1..n; returns the manifest.
  std::vector<SeededUser> PristineSeeded(int n) {
    if (Status s = LabReset(); !s) {
      ADD_FAILURE() << s.error().ToString();
      return {};
    }
    if (Status s = LabSeed(n); !s) {
      ADD_FAILURE() << s.error().ToString();
      return {};
    }
    auto users = ReadManifest(lab_.seed_manifest);
    if (!users) {
      ADD_FAILURE() << users.error().ToString();
      return {};
    }
    EXPECT_EQ(users->size(), static_cast<std::size_t>(n));
    return std::move(*users);
  }

  static std::vector<CtimRow> RowsFor(const std::vector<SeededUser>& users) {
    std::vector<CtimRow> rows;
    for (std::size_t i = 0; i < users.size(); ++i) rows.push_back(RowFor(users[i], i + 1));
    return rows;
  }

  std::string WriteFile(const std::vector<CtimRow>& rows, const std::string& name = "identities.csv") {
    const std::string path = tmp_.File(name);
    if (Status s = WriteCtimFile(path, rows); !s) ADD_FAILURE() << s.error().ToString();
    return path;
  }

  // The agent with this test's journal and the offline config (unless args name another).
  ProcessResult Agent(std::vector<std::string> args, bool with_journal = true) {
    if (with_journal) args.insert(args.end(), {"--journal", journal_});
    if (std::find(args.begin(), args.end(), "--config") == args.end())
      args.insert(args.end(), {"--config", config_});
    return RunAgent(args);
  }

  Dump SearchOu(const std::vector<std::string>& attributes = WrittenAttributes()) {
    auto dump = Search(lab_, lab_.target_ou, "(objectClass=user)", attributes);
    if (!dump) ADD_FAILURE() << dump.error().ToString();
    return dump ? std::move(*dump) : Dump{};
  }

  // The offline config with `edit` applied line by line (return "" to drop a line), plus `extra` lines
  // appended to [ldap] (the config's first section).
  std::string ConfigVariant(const std::string& name,
                            const std::function<std::string(const std::string&)>& edit) {
    std::ifstream in(config_);
    std::ostringstream out;
    std::string line;
    while (std::getline(in, line)) {
      std::string edited = edit(line);
      if (!edited.empty()) out << edited << "\n";
    }
    const std::string path = tmp_.File(name);
    std::ofstream(path) << out.str();
    return path;
  }

  Lab lab_;
  TempDir tmp_;
  std::string journal_;
  std::string config_;  // the lab's agent config without [cloud]
  std::unique_ptr<EmulatorQuiet> quiet_;
};

// True when `values` holds `value` exactly once, byte-exact, and no case variant of it.
inline bool HoldsOnceExactly(const std::vector<std::string>& values, const std::string& value) {
  const auto exact = std::count(values.begin(), values.end(), value);
  const auto folded = std::count_if(values.begin(), values.end(),
                                    [&](const std::string& v) { return Lower(v) == Lower(value); });
  return exact == 1 && folded == 1;
}

inline const std::vector<std::string>& ValuesOf(const Attrs& attrs, const std::string& name) {
  static const std::vector<std::string> kNone;
  const auto it = attrs.find(Lower(name));
  return it == attrs.end() ? kNone : it->second;
}

}  // namespace ctim::core_lab
