#include "agent/report/progress.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "agent/report/progress_csv.h"
#include "agent/verify/verdict_detail.h"
#include "../temp_journal.h"
#include "report_fixture.h"

namespace ctim::agent::report {
namespace {

using testing::ExpectGolden;
using testing::Numbered;
using testing::SampleIntents;
using testing::SamplePlan;
using testing::SampleRun;

constexpr std::string_view kNow = "2026-12-06T08:00:00.000Z";

std::size_t CountStatus(const std::vector<ProgressRow>& rows, ProgressStatus s) {
  std::size_t n = 0;
  for (const ProgressRow& r : rows) n += r.status == s ? 1 : 0;
  return n;
}

TEST(ProgressFromPlan, OneRowPerAttributeChangeAndOnePerRowWithout) {
  const auto rows = ProgressFromPlan(SamplePlan(), kNow);
  EXPECT_EQ(CountStatus(rows, ProgressStatus::kPlanned), 36u);  // 12 rows x 3 attributes
  EXPECT_EQ(CountStatus(rows, ProgressStatus::kRefused), 2u);
  EXPECT_EQ(CountStatus(rows, ProgressStatus::kSkipped), 2u);  // unmapped + already as planned
  EXPECT_EQ(rows.front().reason,
            "R8: no proxy address in the target delivery domain contoso.mail.onmicrosoft.com");
  EXPECT_NE(rows.front().fix.find("add smtp:<alias>@contoso.mail.onmicrosoft.com"), std::string::npos);
  EXPECT_EQ(rows.front().new_value, Numbered(0xe1, 1).ToString());  // GUIDs as text, never raw bytes
  ExpectGolden("progress_plan.csv", FormatProgressCsv(rows));
}

TEST(ProgressFromRun, JournalOutcomesAndVerdictsDecideTheStatus) {
  const Plan plan = SamplePlan();
  const auto intents = SampleIntents(plan, 6);  // rows 2..7 written; the run stopped before row 8
  std::vector<VerificationRecord> verdicts;
  verdicts.push_back({plan.rows[0].change_set.object_guid, plan.rows[0].target_object_id, 2,
                      VerifyStatus::kDone, "all 3 planned values are in Exchange Online",
                      "2026-12-06T07:00:00.000Z", ""});
  verdicts.push_back({plan.rows[4].change_set.object_guid, plan.rows[4].target_object_id, 6,
                      VerifyStatus::kWrong,
                      JoinVerdictDetail(VerifyStatus::kWrong, "Exchange Online holds another ExchangeGuid",
                                        "re-read the object"),
                      "2026-12-06T07:00:00.000Z", ""});
  verdicts.push_back({plan.rows[5].change_set.object_guid, plan.rows[5].target_object_id, 7,
                      VerifyStatus::kPending, "no directory sync has finished since the write",
                      "2026-12-06T07:00:00.000Z", ""});
  const auto rows = ProgressFromRun(SampleRun(), intents, verdicts, &plan, kNow);
  EXPECT_EQ(CountStatus(rows, ProgressStatus::kVerified), 3u);
  EXPECT_EQ(CountStatus(rows, ProgressStatus::kWrong), 3u);
  EXPECT_EQ(CountStatus(rows, ProgressStatus::kFailed), 3u);   // row 3
  EXPECT_EQ(CountStatus(rows, ProgressStatus::kPending), 6u);  // row 4 (no outcome) + row 7 (cloud)
  EXPECT_EQ(CountStatus(rows, ProgressStatus::kWritten), 3u);  // row 5 (confirmed, not verified yet)
  EXPECT_EQ(CountStatus(rows, ProgressStatus::kRefused), 2u);
  // rows 8..13 not attempted, the unmapped row, the row already as planned
  EXPECT_EQ(CountStatus(rows, ProgressStatus::kSkipped), 8u);
  for (const ProgressRow& r : rows) {
    EXPECT_EQ(r.run, std::optional<RunId>(7));
    if (r.status == ProgressStatus::kWrong) {
      EXPECT_EQ(r.reason.rfind("Exchange Online holds another ExchangeGuid", 0), 0u) << r.reason;
      EXPECT_EQ(r.fix.rfind("re-read the object", 0), 0u) << r.fix;
    }
  }
  ExpectGolden("progress_run.csv", FormatProgressCsv(rows));
}

TEST(ProgressFromRun, WithoutAPlanEveryIntentInRowOrder) {
  const Plan plan = SamplePlan();
  auto intents = SampleIntents(plan, 3);
  std::swap(intents[0], intents[2]);
  // A re-plan after a conflict: the later attempt replaces the earlier one.
  IntentView retry = intents[1];
  retry.id = 99;
  retry.attempt = 2;
  retry.outcomes = {{OutcomeState::kConfirmed, "", "2026-12-05T22:01:00.000Z", 7}};
  intents[1].outcomes = {{OutcomeState::kConflict, "the object changed", "2026-12-05T22:00:30.000Z", 7}};
  intents.push_back(retry);
  const auto rows = ProgressFromRun(SampleRun(), intents, {}, nullptr, kNow);
  ASSERT_EQ(rows.size(), 9u);
  EXPECT_EQ(rows[0].row, 2u);
  EXPECT_EQ(rows[3].row, 3u);
  EXPECT_EQ(rows[6].row, 4u);
  EXPECT_EQ(rows[0].status, ProgressStatus::kWritten);
  EXPECT_EQ(rows[0].at, "2026-12-05T22:00:11.000Z");
  EXPECT_EQ(rows[3].status, ProgressStatus::kWritten);  // the re-planned attempt, not the conflict
  EXPECT_EQ(rows[3].at, "2026-12-05T22:01:00.000Z");
  EXPECT_EQ(rows[6].status, ProgressStatus::kPending);
  EXPECT_EQ(rows[0].target_object_id, Numbered(0x7a, 1).ToString());
  EXPECT_TRUE(rows[0].source_object_id.empty());  // the journal does not hold it; the plan does
}

TEST(ProgressFromVerify, OneRowPerPlannedValueNamedByItsAdAttribute) {
  VerifyReport report;
  UserResult done;
  done.expected.row = 2;
  done.expected.target_object_id = Numbered(0x7a, 1);
  done.expected.dn = "CN=u01,OU=CTIM,DC=lab,DC=example";
  done.expected.exchange_guid = Numbered(0xe1, 1);
  done.expected.x500s = {"X500:/o=Fabrikam/cn=u01"};
  done.expected.external_email = "SMTP:u01@fabrikam.example";
  done.verdict.status = VerifyStatus::kDone;
  done.verdict.values = {
      {"ExchangeGuid", Numbered(0xe1, 1).ToString(), Numbered(0xe1, 1).ToString(), ValueState::kArrived},
      {"X500", "X500:/o=Fabrikam/cn=u01", "X500:/o=Fabrikam/cn=u01", ValueState::kArrived},
      {"ExternalEmailAddress", "SMTP:u01@fabrikam.example", "SMTP:u01@fabrikam.example",
       ValueState::kArrived}};
  done.checked_at = *ParseUtcIso8601("2026-12-06T07:00:00Z");
  UserResult wrong = done;
  wrong.expected.row = 3;
  wrong.verdict.status = VerifyStatus::kWrong;
  wrong.verdict.reason = "Exchange Online holds another ExchangeGuid";
  wrong.verdict.hint = "re-read the object";
  wrong.verdict.values[0] = {"ExchangeGuid", Numbered(0xe1, 1).ToString(), "-1+2", ValueState::kDifferent};
  UserResult pending = done;
  pending.expected.row = 4;
  pending.verdict = {VerifyStatus::kPending, "not checked yet", "", {}};
  pending.checked_at.reset();
  report.users = {done, wrong, pending};
  const auto rows = ProgressFromVerify(report, 7, kNow);
  ASSERT_EQ(rows.size(), 9u);
  EXPECT_EQ(rows[0].attribute, "msExchMailboxGuid");
  EXPECT_EQ(rows[1].attribute, "proxyAddresses");
  EXPECT_EQ(rows[2].attribute, "targetAddress");
  EXPECT_EQ(CountStatus(rows, ProgressStatus::kVerified), 5u);  // wrong's X500 and address did arrive
  EXPECT_EQ(rows[3].status, ProgressStatus::kWrong);
  EXPECT_EQ(rows[3].reason, "Exchange Online holds another ExchangeGuid; Exchange Online holds -1+2");
  EXPECT_EQ(rows[3].fix, "re-read the object");
  EXPECT_EQ(rows[6].status, ProgressStatus::kPending);
  EXPECT_EQ(rows[6].at, kNow);
  ExpectGolden("progress_verify.csv", FormatProgressCsv(rows));
}

TEST(ProgressCsv, EveryCellIsNeutralisedForSpreadsheets) {
  ProgressRow r;
  r.row = 2;
  r.dn = "=cmd|' /C calc'!A0";
  r.new_value = "@SUM(1)";
  r.reason = "+1";
  r.fix = "-1";
  r.at = std::string(kNow);
  const std::string text = FormatProgressCsv(std::vector<ProgressRow>{r});
  EXPECT_NE(text.find(",'=cmd|' /C calc'!A0,"), std::string::npos) << text;
  EXPECT_NE(text.find(",'@SUM(1),planned,'+1,'-1," + std::string(kNow) + "\r\n"), std::string::npos) << text;
}

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class TempDir {
 public:
  TempDir() : path_(ctim::agent::testing::MakeTempDir("ctim-report")) {}
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::size_t Entries(const std::filesystem::path& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

TEST(WriteFileAtomically, ReplacesTheFileAndLeavesNoTemporaryFile) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string path = (dir.path() / "progress.csv").string();
  ASSERT_TRUE(WriteFileAtomically(path, "old\r\n"));
  ASSERT_TRUE(WriteProgressCsv(path, ProgressFromPlan(SamplePlan(), kNow)));
  EXPECT_EQ(ReadAll(path), FormatProgressCsv(ProgressFromPlan(SamplePlan(), kNow)));
  EXPECT_EQ(Entries(dir.path()), 1u);
}

TEST(WriteFileAtomically, AFailureLeavesTheOldFileAndNoTemporaryFile) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const auto missing = dir.path() / "no-such-dir" / "progress.csv";
  const Status s = WriteFileAtomically(missing.string(), "x");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find(missing.string()), std::string::npos) << s.error().ToString();
  // The target is a non-empty directory: the rename fails, the directory stays, the temporary file goes.
  const auto target = dir.path() / "taken";
  std::filesystem::create_directory(target);
  std::ofstream(target / "keep") << "keep";
  EXPECT_FALSE(WriteFileAtomically(target.string(), "x"));
  EXPECT_EQ(ReadAll(target / "keep"), "keep");
  EXPECT_EQ(Entries(dir.path()), 1u);
}

}  // namespace
}  // namespace ctim::agent::report
