// Cross-tenant migration job shapes (sync/migration_parse.h, doc/migration-validation.md).
#include "sync/migration_parse.h"

#include <gtest/gtest.h>

#include "sync/json_fields.h"

namespace ctim::sync {
namespace {

TEST(MigrationParse, TheCreateBodyCarriesTheUsersAndTenants) {
  const std::string body = MigrationJobBody({"ctim-agent verify run 3",
                                             "source.onmicrosoft.com",
                                             "11111111-2222-3333-4444-555555555555",
                                             {"6a1e0d4f-0000-4000-8000-000000000001"},
                                             "2026-12-07T10:00:00Z"});
  const auto json = ParseJson(body);
  ASSERT_TRUE(json);
  EXPECT_EQ((*json)["displayName"], "ctim-agent verify run 3");
  EXPECT_EQ((*json)["sourceTenantId"], "source.onmicrosoft.com");
  EXPECT_EQ((*json)["targetTenantId"], "11111111-2222-3333-4444-555555555555");
  EXPECT_EQ((*json)["resources"], Json::array({"6a1e0d4f-0000-4000-8000-000000000001"}));
  EXPECT_EQ((*json)["resourceType"], "users");
  EXPECT_EQ((*json)["workloads"], Json::array({"exchangeOnline"}));
  EXPECT_EQ((*json)["completeAfterDateTime"], "2026-12-07T10:00:00Z");
}

TEST(MigrationParse, AJob) {
  auto job = ParseMigrationJob(R"({"@odata.type":"#microsoft.graph.crossTenantMigrationJob",
    "id":"0f5c6a3e-1111-4222-8333-944444444444","displayName":"x","status":"validateFailed",
    "message":"Some users failed validation.","createdDateTime":"2026-12-07T10:00:00Z","resources":["a"]})");
  ASSERT_TRUE(job) << job.error().message;
  EXPECT_EQ(job->id, "0f5c6a3e-1111-4222-8333-944444444444");
  EXPECT_EQ(job->status, "validateFailed");
  EXPECT_EQ(job->message, "Some users failed validation.");
  EXPECT_EQ(job->created, "2026-12-07T10:00:00Z");
  EXPECT_FALSE(job->retry_after);
}

TEST(MigrationParse, AJobWithoutIdOrNotJsonIsRefusedWithAMessage) {
  for (std::string_view body : {"", "<html/>", "[]", R"({"status":"submitted"})", R"({"id":7})"}) {
    auto job = ParseMigrationJob(body);
    ASSERT_FALSE(job) << body;
    EXPECT_NE(job.error().message.find("crossTenantMigrationJob"), std::string::npos);
  }
}

TEST(MigrationParse, ATaskPageWithStatusesErrorsAndANextLink) {
  auto page = ParseMigrationTaskPage(R"({"value":[
    {"id":"6a1e0d4f-0000-4000-8000-000000000001","taskType":"Users","lastUpdatedDateTime":"2026-12-07T10:01:00Z",
     "currentStatus":[{"service":"exchangeOnline","status":"invalid","message":"Validation failed.",
       "errors":[{"code":"ExchangeGuidMismatch","message":"does not match"},{"code":null,"message":"m"},7]}]},
    {"id":"6a1e0d4f-0000-4000-8000-000000000002","currentStatus":[{"service":"exchangeOnline","status":"valid",
      "errors":[]}]},
    {"id":"6a1e0d4f-0000-4000-8000-000000000003","currentStatus":null},
    "not an object"],
    "@odata.nextLink":"https://graph.microsoft.com/v1.0/solutions/migrations/crossTenantMigrationJobs/j/users?$skiptoken=2"})");
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->tasks.size(), 4u);
  const MigrationTask& bad = page->tasks[0];
  EXPECT_EQ(bad.task_type, "Users");
  EXPECT_EQ(bad.last_updated, "2026-12-07T10:01:00Z");
  ASSERT_EQ(bad.current_status.size(), 1u);
  EXPECT_EQ(bad.current_status[0].service, "exchangeOnline");
  EXPECT_EQ(bad.current_status[0].status, "invalid");
  EXPECT_EQ(bad.current_status[0].message, "Validation failed.");
  EXPECT_EQ(bad.current_status[0].errors,
            (std::vector<MigrationError>{{"ExchangeGuidMismatch", "does not match"}, {"", "m"}, {"", ""}}));
  EXPECT_EQ(page->tasks[1].current_status[0].status, "valid");
  EXPECT_TRUE(page->tasks[2].current_status.empty());
  EXPECT_TRUE(page->tasks[3].id.empty());
  EXPECT_NE(page->next_link.find("$skiptoken=2"), std::string::npos);
}

TEST(MigrationParse, ATaskPageThatIsNotOneIsRefused) {
  for (std::string_view body : {"", "{}", R"({"value":{}})", "null"}) {
    auto page = ParseMigrationTaskPage(body);
    ASSERT_FALSE(page) << body;
    EXPECT_FALSE(page.error().message.empty());
  }
}

}  // namespace
}  // namespace ctim::sync
