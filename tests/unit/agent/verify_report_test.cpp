#include "agent/verify/verify_report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "agent_test_util.h"

namespace ctim::agent {
namespace {

using testing::G;

VerifyReport Sample() {
  VerifyReport r;
  UserResult done;
  done.expected.row = 2;
  done.expected.label = "row 2 CN=Lara,OU=CTIM,DC=lab,DC=example";
  done.expected.target_object_id = G("7c1e3c2a-51d4-4d8e-8f63-2d8f0b6a1c11");
  done.expected.object_guid = G("aaaaaaaa-0000-4000-8000-000000000001");
  done.expected.dn = "CN=Lara,OU=CTIM,DC=lab,DC=example";
  done.verdict = {VerifyStatus::kDone, "all 1 planned values are in Exchange Online", "", {}};
  UserResult wrong = done;
  wrong.expected.row = 3;
  wrong.expected.label = "row 3 CN=Bob,OU=CTIM,DC=lab,DC=example";
  wrong.verdict = {VerifyStatus::kWrong,
                   "Exchange Online holds another value",
                   "re-read the object",
                   {{"ExchangeGuid", "1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8", "00000000-1111-4222-8333-444444444444",
                     ValueState::kDifferent}}};
  UserResult pending = done;
  pending.expected.row = 4;
  pending.expected.label = "row 4 CN=Carol,OU=CTIM,DC=lab,DC=example";
  pending.verdict = {VerifyStatus::kPending, "no directory sync has finished since the write", "sync now", {}};
  r.users = {done, wrong, pending};
  r.passes = {{3, 2, 1, std::chrono::milliseconds(40), false}};
  r.calls.graph = 2;
  r.calls.exo = 1;
  r.tenant_last_sync = *ParseUtcIso8601("2026-01-10T12:00:00Z");
  r.deadline_passed = true;
  return r;
}

TEST(VerifyReportFormat, TableListsWrongThenPendingThenDoneWithReasonsAndHints) {
  const VerifySubject subject{4, "ids.csv", {"row 9 (x@y): unmapped"}, 0, {4}};
  const std::string text = FormatVerifyTable(Sample(), subject);
  EXPECT_NE(text.find("verify run 4 (ids.csv): 3 objects: 1 done, 1 pending, 1 wrong, 1 not verified"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("2 Graph and 1 EXO calls"), std::string::npos) << text;
  EXPECT_NE(text.find("tenant last sync 2026-01-10T12:00:00Z"), std::string::npos) << text;
  EXPECT_NE(text.find("deadline passed"), std::string::npos) << text;
  const auto wrong = text.find("WRONG    row 3");
  const auto pending = text.find("PENDING  row 4");
  const auto done = text.find("DONE     row 2");
  ASSERT_NE(wrong, std::string::npos) << text;
  ASSERT_NE(pending, std::string::npos) << text;
  ASSERT_NE(done, std::string::npos) << text;
  EXPECT_LT(wrong, pending);
  EXPECT_LT(pending, done);
  EXPECT_NE(text.find("ExchangeGuid different: planned 1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8, cloud 00000000-1111"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("-> re-read the object"), std::string::npos) << text;
  EXPECT_NE(text.find("not verified:\n  row 9 (x@y): unmapped"), std::string::npos) << text;
}

TEST(VerifyReportFormat, SeveralRunsAreNamedAndEachUserKeepsItsRun) {
  VerifyReport report = Sample();
  report.users[0].expected.run = 3;
  report.users[1].expected.run = 5;
  const VerifySubject subject{5, "", {}, 0, {3, 5}};
  const std::string text = FormatVerifyTable(report, subject);
  EXPECT_NE(text.find("verify runs 3, 5: 3 objects"), std::string::npos) << text;
  const auto doc = nlohmann::json::parse(FormatVerifyJson(report, subject), nullptr, false);
  ASSERT_FALSE(doc.is_discarded());
  EXPECT_EQ(doc["runs"], nlohmann::json::array({3, 5}));
  EXPECT_EQ(doc["users"][0]["run"], 3);
  EXPECT_EQ(doc["users"][1]["run"], 5);
  EXPECT_TRUE(doc["users"][2]["run"].is_null());
}

TEST(VerifyReportFormat, JsonHasEveryUserAndTheSummary) {
  const std::string text = FormatVerifyJson(Sample(), VerifySubject{std::nullopt, "ids.csv", {}, 2, {}});
  const auto doc = nlohmann::json::parse(text, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << text;
  EXPECT_TRUE(doc["run"].is_null());
  EXPECT_EQ(doc["file"], "ids.csv");
  EXPECT_EQ(doc["summary"]["users"], 3);
  EXPECT_EQ(doc["summary"]["done"], 1);
  EXPECT_EQ(doc["summary"]["wrong"], 1);
  EXPECT_EQ(doc["summary"]["pending"], 1);
  EXPECT_EQ(doc["summary"]["rejected_rows"], 2);
  EXPECT_EQ(doc["calls"]["graph"], 2);
  EXPECT_EQ(doc["tenant_last_sync"], "2026-01-10T12:00:00Z");
  EXPECT_EQ(doc["deadline_passed"], true);
  ASSERT_EQ(doc["users"].size(), 3u);
  EXPECT_EQ(doc["users"][1]["status"], "wrong");
  EXPECT_EQ(doc["users"][1]["values"][0]["state"], "different");
  EXPECT_EQ(doc["users"][1]["object_guid"], "aaaaaaaa-0000-4000-8000-000000000001");
  EXPECT_EQ(doc["users"][0]["target_object_id"], "7c1e3c2a-51d4-4d8e-8f63-2d8f0b6a1c11");
}

}  // namespace
}  // namespace ctim::agent
