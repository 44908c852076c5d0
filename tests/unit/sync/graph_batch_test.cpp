#include "sync/graph_batch.h"

#include <gtest/gtest.h>

#include "sync/graph_parse.h"
#include "sync/json_fields.h"
#include "sync/retry.h"

namespace ctim::sync {
namespace {

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string Id(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-0000-0000-%012d", n);
  return buf;
}

// The decoded $filter of a path, e.g. "id in ('a','b')".
std::string FilterOf(const std::string& path) {
  const std::size_t start = path.find("$filter=") + 8;
  return PercentDecode(path.substr(start, path.find('&', start) - start));
}

TEST(GraphBatch, ThreeHundredIdsMakeTwentyFiltersOfFifteen) {
  std::vector<std::string> ids;
  for (int i = 0; i < 300; ++i) ids.push_back(Id(i));
  const auto paths = UsersByIdsPaths(ids);
  ASSERT_EQ(paths.size(), 20U);
  for (std::size_t p = 0; p < paths.size(); ++p) {
    std::string expected = "id in (";
    for (std::size_t i = 0; i < 15; ++i)
      expected += (i ? ",'" : "'") + Id(static_cast<int>(p * 15 + i)) + "'";
    EXPECT_EQ(FilterOf(paths[p]), expected + ")") << p;
    EXPECT_TRUE(paths[p].starts_with("/users?$filter=")) << paths[p];
    EXPECT_NE(PercentDecode(paths[p]).find("&$select=" + std::string(GraphUserSelect())), std::string::npos);
    EXPECT_EQ(paths[p].find(' '), std::string::npos) << "URL must be encoded";
  }
  ids.push_back(Id(300));
  EXPECT_EQ(UsersByIdsPaths(ids).size(), 21U);
  EXPECT_EQ(FilterOf(UsersByIdsPaths(ids).back()), "id in ('" + Id(300) + "')");
}

TEST(GraphBatch, DuplicatesAndEmptyIdsAreAskedOnce) {
  const std::vector<std::string> ids = {"AbC", "abc", "", "def", "ABC"};
  const auto paths = UsersByIdsPaths(ids);
  ASSERT_EQ(paths.size(), 1U);
  EXPECT_EQ(FilterOf(paths[0]), "id in ('AbC','def')");
  EXPECT_TRUE(UsersByIdsPaths(std::vector<std::string>{}).empty());
}

TEST(GraphBatch, QuotesInIdsAreDoubled) {
  const std::vector<std::string> ids = {"o'hara') or (1 eq 1"};
  EXPECT_EQ(FilterOf(UsersByIdsPath(ids)), "id in ('o''hara'') or (1 eq 1')");
}

TEST(GraphBatch, RequestBodyCarriesTwentyGetsWithIds) {
  std::vector<BatchRequestItem> items;
  for (int i = 1; i <= 20; ++i) items.push_back({std::to_string(i), "/users?x=" + std::to_string(i)});
  const auto body = ParseJson(BatchRequestBody(items));
  ASSERT_TRUE(body);
  const Json& requests = (*body)["requests"];
  ASSERT_EQ(requests.size(), 20U);
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(requests[i], Json({{"id", std::to_string(i + 1)},
                                 {"method", "GET"},
                                 {"url", "/users?x=" + std::to_string(i + 1)}}));
  }
}

TEST(GraphBatch, ResponsesInAnyOrderWithPerItemStatusAndHeaders) {
  const std::string reply = R"({"responses":[
    {"id":"3","status":200,"headers":{"Content-Type":"application/json"},"body":{"value":[{"id":"u3"}]}},
    {"id":"1","status":429,"headers":{"Retry-After":"7"},"body":{"error":{"code":"TooManyRequests","message":"slow down"}}},
    {"id":"2","status":200,"body":{"value":[],"@odata.nextLink":"https://graph.microsoft.com/v1.0/users?$skiptoken=x"}},
    {"id":"4","status":503,"headers":{"Retry-After":5}}
  ]})";
  auto items = ParseBatchResponse(reply);
  ASSERT_TRUE(items) << items.error().message;
  ASSERT_EQ(items->size(), 4U);
  EXPECT_EQ((*items)[0].id, "3");
  EXPECT_EQ((*items)[1].id, "1");
  EXPECT_EQ((*items)[1].response.status, 429);
  EXPECT_EQ((*items)[1].response.Header("Retry-After"), "7");
  EXPECT_EQ((*items)[3].response.Header("retry-after"), "5");  // a number is taken as its text
  EXPECT_TRUE((*items)[3].response.body.empty());
  auto page = ParseUserPage((*items)[0].response.body);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->users.size(), 1U);
  EXPECT_EQ(page->users[0].id, "u3");
  auto next = ParseUserPage((*items)[2].response.body);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->next_link, "https://graph.microsoft.com/v1.0/users?$skiptoken=x");
  // A throttled item's error reads like Graph's own.
  const Error e = GraphError((*items)[1].response, "graph $batch item");
  EXPECT_EQ(e.code, Errc::kUnavailable);
  EXPECT_NE(e.message.find("429 TooManyRequests: slow down"), std::string::npos) << e.message;
}

TEST(GraphBatch, DocumentedItemShapesWithAnnotationsAndFractionalRetryAfter) {
  // Items as Microsoft documents them: several headers per item, @odata annotations in the bodies, a
  // throttled item whose Retry-After has a fraction (doc/cloud-api.md).
  const std::string reply = R"json({"responses":[
    {"id":"1","status":200,"headers":{"Cache-Control":"no-cache","x-ms-resource-unit":"1",
      "OData-Version":"4.0","Content-Type":"application/json;odata.metadata=minimal;charset=utf-8"},
     "body":{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users(id,userPrincipalName)",
       "value":[{"@odata.type":"#microsoft.graph.user","id":"u1","userPrincipalName":"a@x",
                 "onPremisesLastSyncDateTime":"2026-12-07T03:41:29.1234567+00:00"}]}},
    {"id":"2","status":429,"headers":{"Retry-After":"2.128","Cache-Control":"private"},
     "body":{"error":{"code":"TooManyRequests","message":"Too many requests"}}}
  ]})json";
  auto items = ParseBatchResponse(reply);
  ASSERT_TRUE(items) << items.error().message;
  ASSERT_EQ(items->size(), 2U);
  EXPECT_EQ((*items)[0].response.Header("odata-version"), "4.0");
  auto page = ParseUserPage((*items)[0].response.body);
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->users.size(), 1U);
  EXPECT_EQ(page->users[0].id, "u1");
  ASSERT_TRUE(page->users[0].on_premises_last_sync);
  EXPECT_EQ(FormatUtcIso8601(*page->users[0].on_premises_last_sync), "2026-12-07T03:41:29Z");
  const auto wait = ParseRetryAfter((*items)[1].response.Header("retry-after").value_or(""), SysTime{});
  EXPECT_EQ(wait, std::chrono::milliseconds(2128));
}

TEST(GraphBatch, MalformedRepliesAreErrors) {
  for (std::string_view bad : {"", "{}", R"({"responses":{}})", R"({"responses":[{"status":200}]})",
                               R"({"responses":[{"id":"1","status":"200"}]})", "<html/>"}) {
    auto items = ParseBatchResponse(bad);
    ASSERT_FALSE(items) << bad;
    EXPECT_EQ(items.error().code, Errc::kInternal) << bad;
  }
}

}  // namespace
}  // namespace ctim::sync
