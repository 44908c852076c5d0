// Sample plans, journal views and verify reports for the tests of agent/report/: the shapes a real
// 17-row file produces (twelve rows to change that all carry the same R8 warning, two refusals, an
// unmapped row, a row already as planned), with fixed times so the output can be compared to golden files.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "agent/model/attributes.h"
#include "agent/journal/journal.h"
#include "agent/plan/plan.h"
#include "agent/verify/verifier.h"
#include "common/guid.h"

namespace ctim::agent::report::testing {

inline Guid G(std::string_view text) { return *Guid::Parse(text); }

inline Guid Numbered(unsigned prefix, unsigned n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-0000-4000-8000-%012x", prefix, n);
  return G(buf);
}

inline constexpr std::string_view kDeliveryDomain = "contoso.mail.onmicrosoft.com";

inline std::string Alias(unsigned n) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "u%02u", n);
  return buf;
}

inline RowPlan ChangeRow(unsigned n) {
  RowPlan p;
  p.row = n + 1;
  p.label = "row " + std::to_string(p.row) + " (" + Alias(n) + "@fabrikam.example)";
  p.source_object_id = Numbered(0x50, n).ToString();
  p.target_object_id = Numbered(0x7a, n);
  p.matched_by = MatchKey::kExternalDirectoryObjectId;
  p.change_set.row = p.row;
  p.change_set.dn = "CN=" + Alias(n) + ",OU=CTIM,DC=lab,DC=example";
  p.change_set.object_guid = Numbered(0x0b, n);
  p.change_set.target_object_id = p.target_object_id;
  p.change_set.changes = {
      {std::string(attr::kMailboxGuid), ChangeKind::kSet, {}, {Numbered(0xe1, n).AdBytes()}},
      {std::string(attr::kProxyAddresses),
       ChangeKind::kAddValues,
       {},
       {"X500:/o=Fabrikam/ou=Exchange Administrative Group/cn=Recipients/cn=" + Alias(n)}},
      {std::string(attr::kTargetAddress), ChangeKind::kSet, {}, {"SMTP:" + Alias(n) + "@fabrikam.example"}}};
  p.findings.push_back(Warn(Rule::kR8Readiness,
                            "no proxy address in the target delivery domain " + std::string(kDeliveryDomain),
                            "add smtp:<alias>@" + std::string(kDeliveryDomain) +
                                " (email address policy); otherwise the move fails at completion"));
  p.findings.push_back(Note(Rule::kInfo, "2 source SMTP proxies are not written (they stay in the source)"));
  return p;
}

inline Plan SamplePlan() {
  Plan plan;
  for (unsigned n = 1; n <= 12; ++n) plan.rows.push_back(ChangeRow(n));
  RowPlan r4 = ChangeRow(13);
  r4.change_set.changes.clear();
  r4.findings = {Refuse(Rule::kR4MailboxGuid,
                        "msExchMailboxGuid is already " + Numbered(0xee, 13).ToString() +
                            " (a previous mailbox's GUID; the move will not start)",
                        "if the object never had a mailbox that must be kept, rerun with --overwrite-guid")};
  plan.rows.push_back(r4);
  RowPlan r6 = ChangeRow(14);
  r6.change_set.changes.clear();
  r6.findings = {
      Refuse(Rule::kR6ProxyElsewhere,
             "X500:/o=Fabrikam/cn=u14 is already on CN==cmd|' /C calc'!A0,OU=CTIM,DC=lab,DC=example",
             "remove it from the other object, or fix the row")};
  plan.rows.push_back(r6);
  RowPlan unmapped;
  unmapped.row = 16;
  unmapped.label = "row 16 (u15@fabrikam.example)";
  unmapped.source_object_id = Numbered(0x50, 15).ToString();
  unmapped.findings = {Note(Rule::kUnmapped, "TargetExternalDirectoryObjectId is empty",
                            "map the user in the target tenant, download the file again")};
  plan.rows.push_back(unmapped);
  RowPlan done = ChangeRow(16);
  done.change_set.changes.clear();
  done.findings.clear();
  plan.rows.push_back(done);
  return plan;
}

// The journal's view of writing the first `written` change rows of SamplePlan(): confirmed, except row 3
// (failed) and row 4 (no outcome: the process died).
inline std::vector<IntentView> SampleIntents(const Plan& plan, unsigned written) {
  std::vector<IntentView> intents;
  for (unsigned i = 0; i < written; ++i) {
    const RowPlan& p = plan.rows[i];
    IntentView v;
    v.id = i + 1;
    v.run_id = 7;
    v.recorded_at = "2026-12-05T22:00:0" + std::to_string(i % 10) + ".000Z";
    v.change_set = p.change_set;
    if (p.row == 3) {
      v.outcomes = {{OutcomeState::kFailed, "insufficientAccessRights (50)", "2026-12-05T22:00:02.500Z", 7}};
    } else if (p.row != 4) {
      v.outcomes = {{OutcomeState::kWritten, "", "2026-12-05T22:00:10.000Z", 7},
                    {OutcomeState::kConfirmed, "", "2026-12-05T22:00:11.000Z", 7}};
    }
    intents.push_back(std::move(v));
  }
  return intents;
}

inline RunRecord SampleRun() {
  RunRecord r;
  r.id = 7;
  r.info.file_path = "/srv/ctim/identities.csv";
  r.info.file_sha256 = "ab12";
  r.state = RunState::kStopped;
  r.started_at = "2026-12-05T22:00:00.000Z";
  r.finished_at = "2026-12-05T22:00:12.000Z";
  r.summary = "wrote 6 objects";
  return r;
}

// Golden files live in tests/data/report/. CTIM_UPDATE_GOLDEN=1 rewrites them (then review the diff).
inline void ExpectGolden(const std::string& name, const std::string& actual) {
  const std::string path = std::string(CTIM_REPORT_GOLDEN_DIR) + "/" + name;
  if (const char* update = std::getenv("CTIM_UPDATE_GOLDEN");
      update != nullptr && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "golden file " << path << " is missing; run with CTIM_UPDATE_GOLDEN=1 and review it";
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(expected.str(), actual) << "differs from " << path;
}

}  // namespace ctim::agent::report::testing
