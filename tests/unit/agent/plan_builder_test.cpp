#include "agent/plan/plan_builder.h"

#include <gtest/gtest.h>

#include <cctype>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>

#include "agent/report/plan_format.h"
#include "scenario.h"

namespace ctim::agent {
namespace {

using testing::G;
using testing::MailUser;
using testing::ObjectGuid;
using testing::Scenario;
using testing::TargetId;

// TEST DOUBLE for the cloud interface: a fixed Graph answer.
class StaticCloud final : public CloudResolver {
 public:
  Result<std::map<Guid, CloudIdentity>> Resolve(std::span<const Guid> ids) override {
    ++calls;
    asked = ids.size();
    if (fail) return Fail(Errc::kUnavailable, "graph POST /$batch: 503 Service Unavailable");
    return users;
  }
  std::map<Guid, CloudIdentity> users;
  bool fail = false;
  int calls = 0;
  std::size_t asked = 0;
};

const Finding* FindRule(const RowPlan& r, Rule rule, Severity severity = Severity::kRefusal) {
  for (const Finding& f : r.findings) {
    if (f.rule == rule && f.severity == severity) return &f;
  }
  return nullptr;
}

TEST(PlanBuilder, OneCandidateSearchAndOneForestQueryForAWholeFile) {
  Scenario s(200);
  const Plan plan = s.MakePlan();
  EXPECT_EQ(plan.Count().change, 200u);
  EXPECT_EQ(s.dir.load_calls, 1u);  // never one search per row
  EXPECT_EQ(s.dir.gc_calls, 1u);    // the adapter batches the OR filters, the interface gets the whole set
}

TEST(PlanBuilder, AnObjectAnotherChunksRowCanFindIsKeptUntilThatRowIsPlanned) {
  // Rows are planned 4,096 at a time and an object is freed after the last row whose keys can find it. The
  // last row here (second chunk) names user1, which the first row matched long before.
  Scenario s(4100);
  s.rows[4099].target_object_id = TargetId(1);
  const Plan plan = s.MakePlan();
  EXPECT_EQ(s.dir.load_calls, 1u);
  EXPECT_EQ(s.dir.gc_calls, 2u) << "one forest question per chunk";
  const RowPlan& last = plan.rows[4099];
  EXPECT_EQ(last.change_set.dn, plan.rows[0].change_set.dn) << "user1 was still held for the last row";
  EXPECT_EQ(last.change_set.object_guid, ObjectGuid(1));
  const Finding* same_object = FindRule(plan.rows[0], Rule::kR2Match);
  ASSERT_NE(same_object, nullptr);
  EXPECT_NE(same_object->message.find("row 4101"), std::string::npos) << same_object->message;
  EXPECT_EQ(last.status(), RowStatus::kRefused);
  EXPECT_EQ(plan.Count().change, 4098u);
  EXPECT_NE(plan.rows[4098].match_detail.find("the matched object"), std::string::npos)
      << plan.rows[4098].match_detail;
}

TEST(PlanBuilder, X500OnAnObjectOutsideTheBaseDnIsFoundThroughTheForest) {
  Scenario s(3);
  DirectoryObject other = MailUser("old-user2", G("0d0d0d0d-0000-4000-8000-00000000000d"), TargetId(99));
  other.dn = "CN=old-user2,OU=Leavers,DC=emea,DC=lab,DC=example";  // another domain: not a candidate
  other.attributes["proxyAddresses"].push_back(s.rows[1].x500_proxies[0]);
  s.dir.Put(other);
  const Plan plan = s.MakePlan();
  const Finding* r6 = FindRule(plan.rows[1], Rule::kR6ProxyElsewhere);
  ASSERT_NE(r6, nullptr);
  EXPECT_NE(r6->message.find("DC=emea"), std::string::npos);
  EXPECT_EQ(plan.rows[1].status(), RowStatus::kRefused);
  EXPECT_EQ(plan.rows[0].status(), RowStatus::kChange);  // a refusal never stops the other users
}

TEST(PlanBuilder, CrossRowRefusalsNameEveryRowInvolved) {
  Scenario s(5);
  s.rows[1].target_object_id = TargetId(1);          // rows 2 and 3 resolve to user1
  s.rows[3].exchange_guid = s.rows[2].exchange_guid;  // rows 4 and 5 carry one ExchangeGuid
  const Plan plan = s.MakePlan();
  const Finding* same_object = FindRule(plan.rows[0], Rule::kR2Match);
  ASSERT_NE(same_object, nullptr);
  EXPECT_NE(same_object->message.find("row 3 (user2@fabrikam.example)"), std::string::npos) << same_object->message;
  ASSERT_NE(FindRule(plan.rows[1], Rule::kR2Match), nullptr);
  const Finding* dup_guid = FindRule(plan.rows[3], Rule::kR1RowSyntax);
  ASSERT_NE(dup_guid, nullptr);
  EXPECT_NE(dup_guid->message.find("row 4"), std::string::npos);
  ASSERT_NE(FindRule(plan.rows[2], Rule::kR1RowSyntax), nullptr);
  EXPECT_EQ(plan.rows[4].status(), RowStatus::kChange);
  for (std::size_t i : {0u, 1u, 2u, 3u}) EXPECT_TRUE(plan.rows[i].change_set.empty());
}

TEST(PlanBuilder, OneX500PlannedOntoTwoObjectsIsRefused) {
  Scenario s(3);
  // The same X500 in another case: AD compares proxyAddresses case-insensitively.
  s.rows[2].x500_proxies.clear();
  for (const std::string& p : s.rows[0].x500_proxies) {
    std::string upper = p;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    s.rows[2].x500_proxies.push_back(upper);
  }
  const Plan plan = s.MakePlan();
  const Finding* first = FindRule(plan.rows[0], Rule::kR6ProxyElsewhere);
  const Finding* third = FindRule(plan.rows[2], Rule::kR6ProxyElsewhere);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(third, nullptr);
  // Both name the other row, and both show the value as the first row spells it.
  EXPECT_NE(first->message.find("would also be added by " + plan.rows[2].label), std::string::npos)
      << first->message;
  EXPECT_NE(third->message.find("proxy " + s.rows[0].x500_proxies[0] + " would also be added by " +
                                plan.rows[0].label),
            std::string::npos)
      << third->message;
  EXPECT_EQ(plan.rows[1].status(), RowStatus::kChange);
  EXPECT_TRUE(plan.rows[0].change_set.empty());
  EXPECT_TRUE(plan.rows[2].change_set.empty());
}

TEST(PlanBuilder, SaysWhenTheCloudIsNotUsed) {
  Scenario s(2);
  s.settings.plan.target_delivery_domain.clear();
  const Plan plan = s.MakePlan();
  ASSERT_EQ(plan.notes.size(), 2u);
  EXPECT_NE(plan.notes[0].message.find("no cloud resolver"), std::string::npos);
  EXPECT_NE(plan.notes[1].message.find("delivery domain"), std::string::npos);
}

// Without a Global Catalog the forest query only sees the DC's own domain: the plan says so once (R6), and
// says nothing when the directory answers for the whole forest.
TEST(PlanBuilder, SaysWhenX500UniquenessWasCheckedInOneDomainOnly) {
  Scenario s(2);
  const Plan forest = s.MakePlan();
  EXPECT_FALSE(std::any_of(forest.notes.begin(), forest.notes.end(),
                           [](const Finding& f) { return f.rule == Rule::kR6ProxyElsewhere; }));
  s.dir.forest_wide = false;
  const Plan plan = s.MakePlan();
  const auto r6 = std::count_if(plan.notes.begin(), plan.notes.end(),
                                [](const Finding& f) { return f.rule == Rule::kR6ProxyElsewhere; });
  ASSERT_EQ(r6, 1);
  EXPECT_EQ(plan.Count().change, 2u) << "a warning, not a refusal";
}

TEST(PlanBuilder, CloudKeysAndCloudOnlyUsers) {
  Scenario s(3);
  StaticCloud cloud;
  for (unsigned i = 1; i <= 3; ++i) {
    CloudIdentity c;
    c.on_premises_sync_enabled = i != 2;  // user2 is cloud-only
    c.recipient_type_details = "MailUser";
    cloud.users[TargetId(i)] = c;
  }
  auto plan = BuildPlan(s.rows, s.dir, &cloud, s.settings);
  ASSERT_TRUE(plan);
  EXPECT_EQ(cloud.calls, 1);
  EXPECT_EQ(cloud.asked, 3u);
  EXPECT_EQ(plan->rows[0].status(), RowStatus::kChange);
  EXPECT_EQ(plan->rows[1].status(), RowStatus::kRefused);
  ASSERT_TRUE(plan->rows[0].cloud);

  cloud.fail = true;
  plan = BuildPlan(s.rows, s.dir, &cloud, s.settings);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->Count().change, 3u);  // offline keys still work
  EXPECT_EQ(plan->notes[0].severity, Severity::kWarning);
  EXPECT_NE(plan->notes[0].message.find("503"), std::string::npos);
}

TEST(PlanBuilder, UnreachableDirectoryIsAnErrorNotARefusal) {
  Scenario s(2);
  s.dir.unavailable = true;
  auto plan = BuildPlan(s.rows, s.dir, nullptr, s.settings);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().code, Errc::kUnavailable);
  EXPECT_NE(plan.error().message.find("loading candidate users"), std::string::npos);
}

// --- output ---

TEST(PlanFormat, CsvHasTheProgressOutputColumnsOneLinePerValue) {
  Scenario s(3);
  s.dir.Get(ObjectGuid(2)).attributes["msExchMailboxGuid"] = {G("11111111-2222-3333-4444-555555555555").AdBytes()};
  s.dir.Get(ObjectGuid(1)).dn = "CN=Doe\\, Jane,OU=Staff,DC=lab,DC=example";
  const Plan plan = s.MakePlan();
  std::ostringstream out;
  PrintPlan(plan, OutputFormat::kCsv, "2025-01-31T00:00:00Z", out);
  std::istringstream lines(out.str());
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line,
            "Row,SourceExternalDirectoryObjectId,TargetExternalDirectoryObjectId,TargetDN,Attribute,Action,OldValue,"
            "NewValue,Status,Reason,Timestamp\r");
  std::vector<std::string> body;
  while (std::getline(lines, line)) body.push_back(line);
  // user1: mailbox GUID, 2 X500s, targetAddress = 4 lines; user2 refused = 1 line; user3: 4 + ELC = 5 lines.
  ASSERT_EQ(body.size(), 10u) << out.str();
  EXPECT_NE(body[0].find("\"CN=Doe\\, Jane,OU=Staff,DC=lab,DC=example\""), std::string::npos) << body[0];
  EXPECT_NE(body[0].find("msExchMailboxGuid,add,,000000e0-0000-4000-8000-000000000001,planned"), std::string::npos)
      << body[0];
  EXPECT_NE(body[4].find(",none,,,refused,"), std::string::npos) << body[4];
  EXPECT_NE(body[4].find("R4 refused"), std::string::npos) << body[4];
  EXPECT_NE(body[9].find("msExchELCMailboxFlags,replace,130,138,planned"), std::string::npos) << body[9];
  EXPECT_NE(body[9].find("R10 warning"), std::string::npos);
  EXPECT_NE(body[9].find(",2025-01-31T00:00:00Z\r"), std::string::npos);
}

TEST(PlanFormat, JsonAndTableSayTheSameThing) {
  Scenario s(2);
  s.dir.Get(ObjectGuid(2)).attributes["homeMDB"] = {"CN=DB01"};
  const Plan plan = s.MakePlan();
  std::ostringstream json_out;
  PrintPlan(plan, OutputFormat::kJson, "t", json_out);
  const auto doc = nlohmann::json::parse(json_out.str(), nullptr, false);
  ASSERT_FALSE(doc.is_discarded());
  EXPECT_EQ(doc["summary"]["change"], 1);
  EXPECT_EQ(doc["summary"]["refused"], 1);
  EXPECT_EQ(doc["rows"][0]["matched_by"], "external-id");
  EXPECT_EQ(doc["rows"][1]["status"], "refused");
  EXPECT_EQ(doc["rows"][1]["findings"][0]["rule"], "R3");
  EXPECT_EQ(doc["rows"][0]["changes"][0]["new"][0], "000000e0-0000-4000-8000-000000000001");

  std::ostringstream table;
  PrintPlan(plan, OutputFormat::kTable, "t", table);
  EXPECT_NE(table.str().find("row 3 (user2@fabrikam.example) -> CN=user2,OU=Staff,DC=lab,DC=example [external-id]"),
            std::string::npos)
      << table.str();
  EXPECT_NE(table.str().find("R3 refused: homeMDB is CN=DB01"), std::string::npos);
  EXPECT_NE(table.str().find("plan: 2 row(s): 1 to change"), std::string::npos);
  EXPECT_FALSE(ParseOutputFormat("xml"));
  EXPECT_EQ(ParseOutputFormat("CSV"), OutputFormat::kCsv);
}

TEST(PlanFormat, TableFoldsInformationalNotesIntoOneLineJsonKeepsThemPerRow) {
  Scenario s(3);
  for (auto& row : s.rows) row.other_proxies = {"SMTP:alias@fabrikam.example", "SIP:alias@fabrikam.example"};
  const Plan plan = s.MakePlan();
  std::ostringstream table;
  PrintPlan(plan, OutputFormat::kTable, "t", table);
  const std::string text = table.str();
  std::size_t mentions = 0;
  for (std::size_t at = text.find("non-X500"); at != std::string::npos; at = text.find("non-X500", at + 1)) ++mentions;
  EXPECT_EQ(mentions, 1u) << text;
  EXPECT_NE(text.find("info: 3 row(s) carry informational notes such as \"2 non-X500 source address(es)"),
            std::string::npos)
      << text;

  std::ostringstream json_out;
  PrintPlan(plan, OutputFormat::kJson, "t", json_out);
  const auto doc = nlohmann::json::parse(json_out.str(), nullptr, false);
  ASSERT_FALSE(doc.is_discarded());
  for (const auto& row : doc["rows"]) {
    bool info = false;
    for (const auto& f : row["findings"]) info = info || f["rule"] == "info";
    EXPECT_TRUE(info) << row.dump();
  }
}

TEST(PlanFormat, WriteReportCsvSaysWritten) {
  Scenario s(2);
  const Plan plan = s.MakePlan();
  Journal journal = s.OpenJournal();
  NullProgress progress;
  auto report = WritePlan(plan, s.rows, s.dir, journal, RunInfo{}, s.Write(), progress, {});
  ASSERT_TRUE(report);
  std::ostringstream out;
  PrintWriteReport(plan, *report, OutputFormat::kCsv, "t", out);
  EXPECT_NE(out.str().find(",written,"), std::string::npos);
  EXPECT_EQ(out.str().find(",planned,"), std::string::npos);
}

}  // namespace
}  // namespace ctim::agent
