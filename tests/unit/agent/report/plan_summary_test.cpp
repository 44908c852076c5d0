#include "agent/report/plan_summary.h"

#include <gtest/gtest.h>

#include <sstream>

#include "agent/report/runs_csv.h"
#include "report_fixture.h"

namespace ctim::agent::report {
namespace {

using testing::ExpectGolden;
using testing::SamplePlan;

std::string Summary(const Plan& plan, std::size_t limit) {
  std::ostringstream out;
  PrintPlanSummaryFirst(plan, limit, out);
  return out.str();
}

std::size_t Occurrences(const std::string& text, std::string_view what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(PlanSummaryFirst, CountsComeFirstAndEachFixIsPrintedOnce) {
  const std::string text = Summary(SamplePlan(), kDefaultRowsPerReason);
  ExpectGolden("plan_summary.txt", text);
  EXPECT_EQ(
      text.rfind("plan: 16 row(s): 12 to change (36 attribute change(s)), 1 already as planned, 2 refused, "
                 "1 skipped, 12 warning(s)\n",
                 0),
      0u)
      << text;
  EXPECT_LT(text.find("by action"), text.find("u01"));
  EXPECT_LT(text.find("by refusal rule"), text.find("by warning"));
  // The R8 fix once in the counts and once as the detail group's heading, not on each of the 12 rows.
  EXPECT_EQ(Occurrences(text, "add smtp:<alias>@contoso.mail.onmicrosoft.com"), 2u) << text;
  EXPECT_NE(text.find("  R8           12 row(s)  e.g. no proxy address"), std::string::npos) << text;
}

TEST(PlanSummaryFirst, DetailShowsTheFirstRowsOfEachReasonAndSaysHowManyAreLeftOut) {
  const std::string text = Summary(SamplePlan(), kDefaultRowsPerReason);
  EXPECT_NE(text.find("row 6 (u05@fabrikam.example)"), std::string::npos);
  EXPECT_EQ(text.find("row 7 (u06@fabrikam.example)"), std::string::npos) << text;
  EXPECT_EQ(Occurrences(text, "... 7 more (--detail shows every row)"), 2u) << text;  // R8 rows and changes
}

TEST(PlanSummaryFirst, WithDetailEveryRowFollowsTheSummary) {
  const std::string text = Summary(SamplePlan(), 0);
  ExpectGolden("plan_summary_detail.txt", text);
  for (unsigned n = 1; n <= 16; ++n) {
    EXPECT_NE(text.find("(" + testing::Alias(n) + "@fabrikam.example)"), std::string::npos) << n;
  }
  EXPECT_EQ(text.find("more (--detail"), std::string::npos);
  EXPECT_LT(text.find("by warning"), text.find("row 2 (u01"));
}

TEST(RunsCsv, OneRecordPerRunWithTheRunColumnFirst) {
  RunRecord write = testing::SampleRun();
  RunRecord rollback = write;
  rollback.id = 8;
  rollback.info.kind = RunKind::kRollback;
  rollback.info.rollback_of = 7;
  rollback.state = RunState::kFinished;
  rollback.summary = "-restored 6 objects";  // a summary a spreadsheet would take for a formula
  const std::vector<RunRecord> runs = {write, rollback};
  ExpectGolden("runs.csv", FormatRunsCsv(runs));
}

}  // namespace
}  // namespace ctim::agent::report
