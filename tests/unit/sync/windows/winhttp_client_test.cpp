// The WinHTTP client (sync/windows/winhttp_client.cpp) against local HTTPS servers (https_servers.sh):
// requests and responses as values, and every refusal the curl client makes. The ports come from
// CTIM_TEST_HTTPS_GOOD / _WRONG_NAME / _UNTRUSTED; the servers run on 127.0.0.1 and are addressed as
// localhost, because Wine's WinHTTP does not match IP-address SANs (doc/windows.md).
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <thread>

#include "sync/http_client.h"

namespace ctim::sync {
namespace {

std::string Url(const char* variable, std::string_view path) {
  const char* port = std::getenv(variable);
  EXPECT_NE(port, nullptr) << variable << " is not set: run through ctest (fixture https_servers)";
  return "https://localhost:" + std::string(port != nullptr ? port : "1") + std::string(path);
}

std::unique_ptr<HttpClient> Client(std::size_t max_bytes = kMaxResponseBytes) {
  HttpOptions options;
  options.connect_timeout = std::chrono::seconds(5);
  options.total_timeout = std::chrono::seconds(20);
  options.max_response_bytes = max_bytes;
  auto client = NewHttpClient(options);
  EXPECT_TRUE(client) << client.error().message;
  return std::move(*client);
}

TEST(WinHttpClient, GetCarriesBearerAndReturnsStatusHeadersBody) {
  HttpRequest request{HttpMethod::kGet,
                      Url("CTIM_TEST_HTTPS_GOOD", "/echo?a=1"),
                      {{"Accept", "application/json"}},
                      Secret("token-123"),
                      {},
                      {}};
  auto r = Client()->Send(request, {});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Header("X-TEST").value_or(""), "yes");
  EXPECT_EQ(r->Header("content-type").value_or(""), "application/json");
  const auto json = nlohmann::json::parse(r->body);
  EXPECT_EQ(json["method"], "GET");
  EXPECT_EQ(json["path"], "/echo?a=1");
  EXPECT_EQ(json["authorization"], "Bearer token-123");
}

TEST(WinHttpClient, PostSendsTheBody) {
  HttpRequest request{HttpMethod::kPost,
                      Url("CTIM_TEST_HTTPS_GOOD", "/echo"),
                      {{"Content-Type", "application/x-www-form-urlencoded"}},
                      {},
                      Secret("a=1&b=%C3%A9"),
                      {}};
  auto r = Client()->Send(request, {});
  ASSERT_TRUE(r) << r.error().message;
  const auto json = nlohmann::json::parse(r->body);
  EXPECT_EQ(json["method"], "POST");
  EXPECT_EQ(json["body"], "a=1&b=%C3%A9");
  EXPECT_EQ(json["content_type"], "application/x-www-form-urlencoded");
  EXPECT_EQ(json["authorization"], "");
}

TEST(WinHttpClient, RedirectIsReturnedNotFollowed) {
  auto r = Client()->Send({HttpMethod::kGet, Url("CTIM_TEST_HTTPS_GOOD", "/redirect"), {}, {}, {}, {}}, {});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 302);
  EXPECT_EQ(r->Header("location").value_or(""), "/echo");
}

TEST(WinHttpClient, WrongNameIsRefused) {
  auto r = Client()->Send(
      {HttpMethod::kGet, Url("CTIM_TEST_HTTPS_WRONG_NAME", "/echo"), {}, Secret("t"), {}, {}}, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kInvalidInput) << r.error().message;
  EXPECT_NE(r.error().message.find("TLS certificate not trusted"), std::string::npos) << r.error().message;
}

TEST(WinHttpClient, UntrustedIssuerIsRefused) {
  auto r = Client()->Send(
      {HttpMethod::kGet, Url("CTIM_TEST_HTTPS_UNTRUSTED", "/echo"), {}, Secret("t"), {}, {}}, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kInvalidInput) << r.error().message;
  EXPECT_NE(r.error().message.find("TLS certificate not trusted"), std::string::npos) << r.error().message;
}

TEST(WinHttpClient, PlainHttpIsRefused) {
  auto r = Client()->Send({HttpMethod::kGet, "http://localhost:9/", {}, {}, {}, {}}, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kInvalidInput);
}

TEST(WinHttpClient, ClosedPortIsUnavailable) {
  auto r = Client()->Send({HttpMethod::kGet, "https://localhost:9/x?secret=1", {}, {}, {}, {}}, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kUnavailable) << r.error().message;
  EXPECT_NE(r.error().message.find("https://localhost:9/x"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("secret"), std::string::npos) << r.error().message;
}

TEST(WinHttpClient, BodyOverTheCapIsRefusedWithAndWithoutContentLength) {
  for (const char* path : {"/big?n=5000", "/chunked?n=5000"}) {
    auto r = Client(4096)->Send({HttpMethod::kGet, Url("CTIM_TEST_HTTPS_GOOD", path), {}, {}, {}, {}}, {});
    ASSERT_FALSE(r) << path;
    EXPECT_EQ(r.error().code, Errc::kInvalidInput) << path;
    EXPECT_NE(r.error().message.find("larger than the limit of 4096 bytes"), std::string::npos)
        << r.error().message;
  }
  auto r = Client(4096)->Send(
      {HttpMethod::kGet, Url("CTIM_TEST_HTTPS_GOOD", "/chunked?n=4096"), {}, {}, {}, {}}, {});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->body.size(), 4096U);
}

TEST(WinHttpClient, RequestTimeoutIsUnavailable) {
  HttpRequest request{
      HttpMethod::kGet, Url("CTIM_TEST_HTTPS_GOOD", "/slow"), {}, {}, {}, std::chrono::milliseconds(800)};
  auto r = Client()->Send(request, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kUnavailable) << r.error().message;
  EXPECT_NE(r.error().message.find("timed out"), std::string::npos) << r.error().message;
}

TEST(WinHttpClient, StopRequestEndsABlockedCall) {
  std::stop_source stop;
  std::jthread stopper([&stop] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    stop.request_stop();
  });
  auto r = Client()->Send({HttpMethod::kGet, Url("CTIM_TEST_HTTPS_GOOD", "/slow"), {}, {}, {}, {}},
                          stop.get_token());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kUnavailable);
  EXPECT_NE(r.error().message.find("stopped"), std::string::npos) << r.error().message;
}

TEST(WinHttpClient, CaFileIsRefusedWithTheStoreHint) {
  HttpOptions options;
  options.ca_file = "C:\\ca.pem";
  auto client = NewHttpClient(options);
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().code, Errc::kInvalidInput);
  EXPECT_NE(client.error().hint.find("Trusted Root"), std::string::npos);
}

}  // namespace
}  // namespace ctim::sync
