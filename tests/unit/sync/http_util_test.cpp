#include <gtest/gtest.h>

#include "sync/http_client.h"

namespace ctim::sync {
namespace {

TEST(HttpUtil, UrlForLogDropsQueryFragmentAndUserinfo) {
  EXPECT_EQ(UrlForLog("https://graph.microsoft.com/v1.0/users?$filter=id%20in%20('a')&$select=id"),
            "https://graph.microsoft.com/v1.0/users");
  EXPECT_EQ(UrlForLog("https://user:pw@host:8443/p/q#frag"), "https://host:8443/p/q");
  EXPECT_EQ(UrlForLog("https://host?client_secret=x"), "https://host");
}

TEST(HttpUtil, OriginComparesSchemeHostPort) {
  EXPECT_EQ(UrlOrigin("https://Graph.Microsoft.com/v1.0/users?$skiptoken=x"), "https://graph.microsoft.com");
  EXPECT_EQ(UrlOrigin("https://graph.microsoft.com:443/v1.0"), "https://graph.microsoft.com");
  EXPECT_EQ(UrlOrigin("https://127.0.0.1:9442/v1.0"), "https://127.0.0.1:9442");
  EXPECT_NE(UrlOrigin("https://graph.microsoft.com.evil.example/x"),
            UrlOrigin("https://graph.microsoft.com/x"));
}

TEST(HttpUtil, PercentEncodeKeepsOnlyUnreserved) {
  EXPECT_EQ(PercentEncode("id in ('a','b')"), "id%20in%20%28%27a%27%2C%27b%27%29");
  EXPECT_EQ(PercentEncode("https://graph.microsoft.com/.default"),
            "https%3A%2F%2Fgraph.microsoft.com%2F.default");
  EXPECT_EQ(PercentEncode("A-z_0.9~"), "A-z_0.9~");
}

TEST(HttpUtil, HeaderLookupIsCaseInsensitive) {
  HttpResponse r;
  r.headers = {{"retry-after", "7"}, {"request-id", "abc"}};
  EXPECT_EQ(r.Header("Retry-After"), "7");
  EXPECT_FALSE(r.Header("x-ms-request-id"));
}

// The client refuses plain http before any packet is sent, and reports a closed loopback port as a
// retryable transport error (no network beyond 127.0.0.1 is touched).
TEST(CurlHttpClient, RefusesPlainHttp) {
  auto client = NewHttpClient({});
  ASSERT_TRUE(client) << client.error().message;
  auto r = (*client)->Send({HttpMethod::kGet, "http://127.0.0.1:9/", {}, {}, {}, {}}, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kInvalidInput) << r.error().message;
}

TEST(CurlHttpClient, ClosedPortIsUnavailable) {
  auto client = NewHttpClient({});
  ASSERT_TRUE(client);
  auto r = (*client)->Send({HttpMethod::kGet, "https://127.0.0.1:9/", {}, {}, {}, {}}, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kUnavailable) << r.error().message;
  EXPECT_NE(r.error().message.find("https://127.0.0.1:9/"), std::string::npos);
}

TEST(CurlHttpClient, MissingCaFileIsInvalidInput) {
  HttpOptions options;
  options.ca_file = "/nonexistent/ca.pem";
  auto client = NewHttpClient(options);
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().code, Errc::kInvalidInput);
}

}  // namespace
}  // namespace ctim::sync
