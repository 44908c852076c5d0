// ApiCaller with the real curl client against a closed loopback port: every attempt fails with a
// retryable transport error, so the loop's bounds (attempts, deadline, stop) are what is observed.
#include "sync/api_caller.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

namespace ctim::sync {
namespace {

using std::chrono::milliseconds;

// A loopback port nobody listens on: bind an ephemeral port, then close it.
int ClosedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

class ApiCallerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto http = NewHttpClient({});
    ASSERT_TRUE(http) << http.error().message;
    http_ = std::move(*http);
    request_.url = "https://127.0.0.1:" + std::to_string(ClosedPort()) + "/v1.0/users?$filter=secret";
  }
  std::unique_ptr<HttpClient> http_;
  CallCounters counters_;
  HttpRequest request_;
};

TEST_F(ApiCallerTest, GivesUpAfterMaxAttemptsWithTheLastReason) {
  RetryPolicy policy;
  policy.max_attempts = 3;
  policy.base_delay = milliseconds(1);
  policy.max_delay = milliseconds(2);
  ApiCaller caller(*http_, counters_, policy);
  auto r = caller.Call(Api::kGraph, request_, DeadlineIn(std::chrono::minutes(1)), {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kUnavailable);
  EXPECT_NE(r.error().message.find("gave up after 3 attempts"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("secret"), std::string::npos) << "query leaked: " << r.error().message;
  const CallCounts n = counters_.Snapshot();
  EXPECT_EQ(n.graph_calls, 3U);
  EXPECT_EQ(n.retries, 2U);
  EXPECT_EQ(n.exo_calls + n.token_calls, 0U);
}

TEST_F(ApiCallerTest, PassedDeadlineSendsNothing) {
  ApiCaller caller(*http_, counters_, RetryPolicy{});
  auto r = caller.Call(Api::kExo, request_, std::chrono::steady_clock::now() - milliseconds(1), {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kUnavailable);
  EXPECT_NE(r.error().message.find("deadline"), std::string::npos);
  EXPECT_EQ(counters_.Snapshot().exo_calls, 0U);
}

TEST_F(ApiCallerTest, StopRequestedBeforehandSendsNothing) {
  std::stop_source stop;
  stop.request_stop();
  ApiCaller caller(*http_, counters_, RetryPolicy{});
  auto r = caller.Call(Api::kGraph, request_, DeadlineIn(std::chrono::minutes(1)), stop.get_token());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("stopped"), std::string::npos);
  EXPECT_EQ(counters_.Snapshot().graph_calls, 0U);
}

// The backoff wait is an hour; only the stop request can end it (ctest's timeout fails the test otherwise).
TEST_F(ApiCallerTest, StopRequestEndsABackoffWait) {
  RetryPolicy policy;
  policy.base_delay = std::chrono::hours(1);
  policy.max_delay = std::chrono::hours(1);
  ApiCaller caller(*http_, counters_, policy);
  std::stop_source stop;
  std::jthread stopper([&stop] {
    std::this_thread::sleep_for(milliseconds(200));
    stop.request_stop();
  });
  // Jitter could pick a tiny wait; loop until the stop lands (bounded: at most 8 attempts by policy).
  auto r = caller.Call(Api::kGraph, request_, DeadlineIn(std::chrono::hours(2)), stop.get_token());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kUnavailable);
  EXPECT_NE(r.error().message.find("stopped"), std::string::npos) << r.error().message;
}

TEST_F(ApiCallerTest, FactoryErrorsEndTheCallUnchanged) {
  ApiCaller caller(*http_, counters_, RetryPolicy{});
  auto r = caller.Call(Api::kToken,
                       [](int) -> Result<HttpRequest> { return Fail(Errc::kInvalidInput, "no credential"); },
                       DeadlineIn(std::chrono::minutes(1)), {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kInvalidInput);
  EXPECT_EQ(r.error().message, "no credential");
  EXPECT_EQ(counters_.Snapshot().token_calls, 0U);
}

}  // namespace
}  // namespace ctim::sync
