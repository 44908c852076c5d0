// A small hybrid forest in the in-memory Directory test double, a CTIM file for it, and the calls the
// `plan`/`write`/`rollback` commands make, for unit tests of the orchestration.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <stop_token>
#include <string>
#include <vector>

#include "agent/plan/plan_builder.h"
#include "agent/apply/rollback.h"
#include "agent/apply/writer.h"
#include "agent_test_util.h"
#include "in_memory_directory.h"
#include "temp_journal.h"

namespace ctim::agent::testing {

inline Guid ObjectGuid(unsigned i) { return NumberedGuid(0xA0, i); }
inline Guid TargetId(unsigned i) { return NumberedGuid(0x7A, i); }
inline Guid ExchangeGuid(unsigned i) { return NumberedGuid(0xE0, i); }

struct Scenario {
  // `n` MailUsers and their rows, with some variety: every 3rd asks for litigation hold on an object with
  // msExchELCMailboxFlags 130, every 5th has an archive, every 7th already has ELC 2 and asks for SIR.
  explicit Scenario(unsigned n) {
    settings.base_dns = {std::string(kBase)};
    settings.plan.target_delivery_domain = "contoso.mail.onmicrosoft.com";
    for (unsigned i = 1; i <= n; ++i) {
      const std::string alias = "user" + std::to_string(i);
      DirectoryObject o = MailUser(alias, ObjectGuid(i), TargetId(i));
      SourceIdentity s = Row(i + 1, alias, ExchangeGuid(i), TargetId(i));
      if (i % 3 == 0) {
        o.attributes["msExchELCMailboxFlags"] = {"130"};
        s.hold.litigation_hold = true;
      }
      if (i % 5 == 0) s.archive_guid = NumberedGuid(0xAC, i);
      if (i % 7 == 0) {
        o.attributes["msExchELCMailboxFlags"] = {"2"};
        s.hold.single_item_recovery = true;
      }
      dir.Put(std::move(o));
      rows.push_back(std::move(s));
    }
    initial = dir.Snapshot();
    EXPECT_TRUE(temp.ok());
    journal_path = temp.File("journal.db");
  }

  Plan MakePlan() {
    auto plan = BuildPlan(rows, dir, nullptr, settings);
    EXPECT_TRUE(plan) << plan.error().ToString();
    return plan ? std::move(*plan) : Plan{};
  }

  Journal OpenJournal() {
    auto j = Journal::Open(journal_path);
    EXPECT_TRUE(j) << j.error().ToString();
    return std::move(*j);
  }

  WriteSettings Write() const {
    WriteSettings w;
    w.plan = settings.plan;
    w.attributes = attr::CandidateAttributes(settings.match.anchor_attribute);
    w.batch_size = batch_size;
    w.max_replans = 3;
    w.open_reader = open_reader;
    return w;
  }

  // plan + write against a journal opened for this call (as one `write` process would).
  Result<WriteReport> PlanAndWrite(std::stop_token stop = {}) {
    Journal journal = OpenJournal();
    const Plan plan = MakePlan();
    NullProgress progress;
    return WritePlan(plan, rows, dir, journal, RunInfo{RunKind::kWrite, "ctim.csv", "00", "{}", {}}, Write(),
                     progress, stop);
  }

  Result<RollbackReport> Rollback(RunId run) {
    Journal journal = OpenJournal();
    NullProgress progress;
    RollbackSettings r;
    r.attributes = attr::CandidateAttributes(settings.match.anchor_attribute);
    r.batch_size = batch_size;
    return RollbackRun(run, dir, journal, r, progress, {});
  }

  InMemoryDirectory dir;
  std::vector<SourceIdentity> rows;
  PlanSettings settings;
  std::size_t batch_size = 4;
  OpenDirectoryFn open_reader;  // the engine's second connection; none by default
  std::map<Guid, DirectoryObject> initial;
  TempDir temp;
  std::string journal_path;
};

// Attribute values of every object, without whenChanged (which every write bumps).
inline std::map<std::string, std::map<std::string, AttributeValues>> Contents(
    const std::map<Guid, DirectoryObject>& objects) {
  std::map<std::string, std::map<std::string, AttributeValues>> out;
  for (const auto& [guid, o] : objects) {
    auto& attrs = out[guid.ToString() + " " + o.dn];
    for (const auto& [name, values] : o.attributes) {
      if (name != "whenChanged") attrs[std::string(name)] = values;
    }
  }
  return out;
}

}  // namespace ctim::agent::testing
