// Reading a CTIM file for plan/write, and rejected rows folded into the plan as refusals (including the
// earlier row a rejected duplicate points at).
#include "agent/plan/identity_file.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "agent/report/run_format.h"
#include "temp_journal.h"

namespace ctim::agent {
namespace {

std::string Write(const testing::TempDir& dir, const std::string& text) {
  const std::string path = dir.File("identities.csv");
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

constexpr const char* kHeader =
    "SourceExternalDirectoryObjectId,PrimarySmtpAddress,ExchangeGuid,LegacyExchangeDN,"
    "TargetExternalDirectoryObjectId\n";

TEST(IdentityFile, RefusedAsAWholeWhenTheFileIsNotCsv) {
  testing::TempDir dir;
  auto file =
      ReadIdentityFile(Write(dir, "ExchangeGuid;LegacyExchangeDN;TargetExternalDirectoryObjectId\n"), {});
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error().code, Errc::kInvalidInput);
  auto missing = ReadIdentityFile(dir.File("nope.csv"), {});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("cannot open"), std::string::npos);
}

TEST(IdentityFile, RejectedRowsBecomeRefusalsInRowOrderAndDuplicatesRefuseTheEarlierRow) {
  testing::TempDir dir;
  const std::string text = std::string(kHeader) +
                           "51515151-0000-4000-8000-000000000001,a@x.example,1ec059c7-8396-4d0b-af4e-"
                           "d6bd4c12a8d8,/o=Org/cn=a,11111111-1111-4111-8111-111111111111\n"  // row 2
                           "52525252-0000-4000-8000-000000000002,b@x.example,not-a-guid,/o=Org/"
                           "cn=b,22222222-2222-4222-8222-222222222222\n"  // row 3
                           "53535353-0000-4000-8000-000000000003,c@x.example,3ec059c7-8396-4d0b-af4e-"
                           "d6bd4c12a8d8,/o=Org/cn=c,33333333-3333-4333-8333-333333333333\n"  // row 4
                           "54545454-0000-4000-8000-000000000004,d@x.example,1ec059c7-8396-4d0b-af4e-"
                           "d6bd4c12a8d8,/o=Org/cn=d,44444444-4444-4444-8444-444444444444\n";  // row 5
  auto file = ReadIdentityFile(Write(dir, text), {});
  ASSERT_TRUE(file) << file.error().ToString();
  ASSERT_EQ(file->rows.size(), 2u);
  ASSERT_EQ(file->errors.size(), 2u);

  Plan plan;  // as BuildPlan would leave it: rows 2 and 4, both planned to change
  for (const SourceIdentity& s : file->rows) {
    RowPlan r;
    r.row = s.row;
    r.label = s.Label();
    r.change_set.dn = "CN=" + s.primary_smtp;
    r.change_set.changes.push_back({"msExchMailboxGuid", ChangeKind::kSet, {}, {s.exchange_guid.AdBytes()}});
    plan.rows.push_back(std::move(r));
  }
  AddRejectedRows(*file, plan);
  ASSERT_EQ(plan.rows.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(plan.rows[i].row, i + 2);
  EXPECT_EQ(plan.rows[0].status(), RowStatus::kRefused)
      << "row 5 repeats row 2's ExchangeGuid: row 2 is refused too";
  EXPECT_TRUE(plan.rows[0].change_set.changes.empty());
  EXPECT_EQ(plan.rows[1].status(), RowStatus::kRefused);
  EXPECT_EQ(plan.rows[1].source_index, kNoSource);
  EXPECT_EQ(plan.rows[1].findings.front().rule, Rule::kR1RowSyntax);
  EXPECT_NE(plan.rows[1].findings.front().message.find("not-a-guid"), std::string::npos);
  EXPECT_EQ(plan.rows[2].status(), RowStatus::kChange);
  EXPECT_EQ(plan.rows[3].status(), RowStatus::kRefused);
  EXPECT_EQ(plan.Count().refused, 3u);
}

TEST(RunFormat, ShowPrintsEveryChangeAndOutcomeAsJson) {
  RunRecord run;
  run.id = 7;
  run.info.file_path = "/data/identities.csv";
  run.info.options_json = R"({"overwrite_guid":false})";
  run.state = RunState::kFinished;
  IntentView v;
  v.id = 1;
  v.run_id = 7;
  v.change_set.row = 2;
  v.change_set.dn = "CN=Bob,OU=CTIM,DC=lab,DC=example";
  v.change_set.object_guid = *Guid::Parse("1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8");
  v.change_set.changes.push_back({"msExchMailboxGuid",
                                  ChangeKind::kSet,
                                  {},
                                  {Guid::Parse("ec6e49fa-3933-4fc8-bdb4-eb3a32e1b1b3")->AdBytes()}});
  v.outcomes.push_back({OutcomeState::kWritten, "", "2025-01-01T00:00:00.000Z", 7});
  v.outcomes.push_back({OutcomeState::kConfirmed, "", "2025-01-01T00:00:01.000Z", 8});
  std::ostringstream json;
  VerificationRecord verdict;
  verdict.object_guid = v.change_set.object_guid;
  verdict.status = VerifyStatus::kPending;
  verdict.detail = "ExchangeGuid not in Exchange Online yet";
  verdict.checked_at = "2025-01-01T00:05:00.000Z";
  PrintRunDetail(run, std::span(&v, 1), std::span(&verdict, 1), OutputFormat::kJson, json);
  const auto doc = nlohmann::json::parse(json.str());
  EXPECT_EQ(doc["run"]["id"], 7);
  EXPECT_EQ(doc["run"]["options"]["overwrite_guid"], false);
  EXPECT_EQ(doc["intents"][0]["state"], "confirmed");
  EXPECT_EQ(doc["intents"][0]["changes"][0]["after"][0], "ec6e49fa-3933-4fc8-bdb4-eb3a32e1b1b3");
  EXPECT_EQ(doc["intents"][0]["outcomes"][1]["recorded_by"], 8);
  EXPECT_EQ(doc["intents"][0]["verify"]["status"], "pending");
  std::ostringstream table;
  PrintRunDetail(run, std::span(&v, 1), {}, OutputFormat::kTable, table);
  EXPECT_NE(table.str().find("confirmed (recorded by run 8)"), std::string::npos) << table.str();
  EXPECT_NE(table.str().find("(empty) -> ec6e49fa-3933-4fc8-bdb4-eb3a32e1b1b3"), std::string::npos)
      << table.str();
}

}  // namespace
}  // namespace ctim::agent
