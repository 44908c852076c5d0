#include "sync/retry.h"

#include <gtest/gtest.h>

namespace ctim::sync {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const SysTime kNow = std::chrono::sys_days(std::chrono::year(2025) / 3 / 14) + std::chrono::hours(12);
constexpr milliseconds kPlenty = std::chrono::minutes(10);

Result<HttpResponse> Status(int status, std::vector<HttpHeader> headers = {}, std::string body = {}) {
  HttpResponse r;
  r.status = status;
  r.headers = std::move(headers);
  r.body = std::move(body);
  return r;
}

TEST(Retry, VerdictPerStatus) {
  const RetryPolicy policy;
  struct Case {
    int status;
    RetryVerdict verdict;
  };
  const Case cases[] = {
      {200, RetryVerdict::kAccept}, {201, RetryVerdict::kAccept}, {301, RetryVerdict::kAccept},
      {400, RetryVerdict::kAccept}, {401, RetryVerdict::kAccept}, {403, RetryVerdict::kAccept},
      {404, RetryVerdict::kAccept}, {408, RetryVerdict::kRetry},  {429, RetryVerdict::kRetry},
      {500, RetryVerdict::kRetry},  {501, RetryVerdict::kAccept}, {502, RetryVerdict::kRetry},
      {503, RetryVerdict::kRetry},  {504, RetryVerdict::kRetry}};
  for (const Case& c : cases) {
    EXPECT_EQ(DecideRetry(policy, 1, Status(c.status), kNow, kPlenty, 0.5).verdict, c.verdict) << c.status;
  }
}

TEST(Retry, TransportErrorsRetriedOnlyWhenUnavailable) {
  const RetryPolicy policy;
  const Result<HttpResponse> timeout = Fail(Errc::kUnavailable, "GET https://x: timed out");
  const Result<HttpResponse> tls = Fail(Errc::kInvalidInput, "GET https://x: TLS certificate not trusted");
  EXPECT_EQ(DecideRetry(policy, 1, timeout, kNow, kPlenty, 0.5).verdict, RetryVerdict::kRetry);
  EXPECT_EQ(DecideRetry(policy, 1, tls, kNow, kPlenty, 0.5).verdict, RetryVerdict::kAccept);
}

TEST(Retry, ExoConcurrencyBodyIsRetriedWhateverTheStatus) {
  const std::string body =
      R"({"error":{"code":"InternalServerError","message":"You have reached the maximum number of concurrent requests per tenant. Please wait"}})";
  auto d = DecideRetry(RetryPolicy{}, 1, Status(400, {}, body), kNow, kPlenty, 0.5);
  EXPECT_EQ(d.verdict, RetryVerdict::kRetry);
  EXPECT_NE(d.reason.find("concurrency"), std::string::npos);
}

TEST(Retry, RetryAfterSecondsIsHonouredExactly) {
  auto d = DecideRetry(RetryPolicy{}, 1, Status(429, {{"retry-after", "7"}}), kNow, kPlenty, 0.0);
  EXPECT_EQ(d.verdict, RetryVerdict::kRetry);
  EXPECT_EQ(d.wait, seconds(7));
}

TEST(Retry, RetryAfterHttpDateIsRelativeToNow) {
  const std::string date = FormatHttpDate(kNow + seconds(42));
  auto d = DecideRetry(RetryPolicy{}, 3, Status(503, {{"retry-after", date}}), kNow, kPlenty, 0.9);
  EXPECT_EQ(d.verdict, RetryVerdict::kRetry);
  EXPECT_EQ(d.wait, seconds(42));
  // A date already past means "now".
  auto past = DecideRetry(RetryPolicy{}, 1, Status(503, {{"retry-after", FormatHttpDate(kNow - seconds(5))}}),
                          kNow, kPlenty, 0.9);
  EXPECT_EQ(past.wait, milliseconds(0));
}

TEST(Retry, RetryAfterIsCappedAndMalformedFallsBackToBackoff) {
  RetryPolicy policy;
  policy.max_retry_after = seconds(60);
  auto capped =
      DecideRetry(policy, 1, Status(429, {{"retry-after", "86400"}}), kNow, std::chrono::hours(2), 0.5);
  EXPECT_EQ(capped.wait, seconds(60));
  auto huge = DecideRetry(policy, 1, Status(429, {{"retry-after", "99999999999999999999999"}}), kNow,
                          std::chrono::hours(2), 0.5);
  EXPECT_EQ(huge.wait, seconds(60));
  auto junk = DecideRetry(policy, 1, Status(429, {{"retry-after", "soon"}}), kNow, kPlenty, 0.5);
  EXPECT_EQ(junk.verdict, RetryVerdict::kRetry);
  EXPECT_EQ(junk.wait, BackoffDelay(policy, 1, 0.5));
}

TEST(Retry, ParseRetryAfterForms) {
  EXPECT_EQ(ParseRetryAfter(" 3 ", kNow), seconds(3));
  EXPECT_EQ(ParseRetryAfter("0", kNow), milliseconds(0));
  EXPECT_FALSE(ParseRetryAfter("-1", kNow));
  EXPECT_FALSE(ParseRetryAfter("", kNow));
}

TEST(Retry, FractionalRetryAfterIsHonouredRoundedUpToTheMillisecond) {
  // Microsoft's throttling sample carries "2.128" (doc/cloud-api.md); before, it was ignored and the call
  // was retried at once.
  EXPECT_EQ(ParseRetryAfter("2.128", kNow), milliseconds(2128));
  EXPECT_EQ(ParseRetryAfter("1.5", kNow), milliseconds(1500));
  EXPECT_EQ(ParseRetryAfter("0.25", kNow), milliseconds(250));
  EXPECT_EQ(ParseRetryAfter("0.0001", kNow), milliseconds(1));
  EXPECT_EQ(ParseRetryAfter("3.0000", kNow), seconds(3));
  EXPECT_EQ(ParseRetryAfter("0.999999", kNow), seconds(1));
  for (const char* junk : {"1.", ".5", "1.5.2", "1,5", "1.5s", "1e3", "-1.5", "1. 5"}) {
    EXPECT_FALSE(ParseRetryAfter(junk, kNow)) << junk;
  }
  auto d = DecideRetry(RetryPolicy{}, 1, Status(429, {{"retry-after", "2.128"}}), kNow, kPlenty, 0.0);
  EXPECT_EQ(d.verdict, RetryVerdict::kRetry);
  EXPECT_EQ(d.wait, milliseconds(2128));
  // The HTTP-date form is still read.
  EXPECT_EQ(ParseRetryAfter(FormatHttpDate(kNow + seconds(9)), kNow), seconds(9));
}

TEST(Retry, ExoNotFoundOrAmbiguousAsHttp500IsFinalNotRetried) {
  // Exchange Online's shape for a cmdlet's "couldn't be found" inside an HTTP 500 (doc/cloud-api.md).
  const std::string not_found =
      R"({"error":{"code":"InternalServerError","message":"Error executing cmdlet","details":[{"code":"Context",)"
      R"("target":"","message":"Ex6F9304|Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException|)"
      R"(The operation couldn't be performed because object 'nobody' couldn't be found on 'DC1.prod.outlook.com'."}]}})";
  EXPECT_EQ(DecideRetry(RetryPolicy{}, 1, Status(500, {}, not_found), kNow, kPlenty, 0.5).verdict,
            RetryVerdict::kAccept);
  const std::string ambiguous =
      R"({"error":{"code":"InternalServerError","message":"|Microsoft.Exchange.Configuration.Tasks.ManagementObjectAmbiguousException|The operation couldn't be performed because 'x' matches multiple entries."}})";
  EXPECT_EQ(DecideRetry(RetryPolicy{}, 1, Status(500, {}, ambiguous), kNow, kPlenty, 0.5).verdict,
            RetryVerdict::kAccept);
  // Any other 500 is still retried.
  EXPECT_EQ(DecideRetry(RetryPolicy{}, 1, Status(500, {}, R"({"error":{"code":"InternalServerError"}})"),
                        kNow, kPlenty, 0.5)
                .verdict,
            RetryVerdict::kRetry);
}

TEST(Retry, BackoffGrowsExponentiallyUpToTheCapWithFullJitter) {
  RetryPolicy policy;
  policy.base_delay = milliseconds(500);
  policy.max_delay = seconds(30);
  // The ceiling (jitter -> 1) doubles per attempt until the cap.
  const milliseconds expected_ceiling[] = {milliseconds(500),   milliseconds(1000),  milliseconds(2000),
                                           milliseconds(4000),  milliseconds(8000),  milliseconds(16000),
                                           milliseconds(30000), milliseconds(30000), milliseconds(30000)};
  for (int attempt = 1; attempt <= 9; ++attempt) {
    const milliseconds ceiling = expected_ceiling[attempt - 1];
    EXPECT_EQ(BackoffDelay(policy, attempt, 0.0), milliseconds(0)) << attempt;
    EXPECT_EQ(BackoffDelay(policy, attempt, 0.5), ceiling / 2) << attempt;
    EXPECT_LT(BackoffDelay(policy, attempt, 0.999999), ceiling + milliseconds(1)) << attempt;
    EXPECT_GE(BackoffDelay(policy, attempt, 0.999999), ceiling - milliseconds(1)) << attempt;
  }
  // Large attempt numbers never overflow.
  EXPECT_EQ(BackoffDelay(policy, 1000, 0.5), seconds(15));
}

TEST(Retry, RandomJitterStaysInUnitInterval) {
  for (int i = 0; i < 10000; ++i) {
    const double j = RandomJitter();
    ASSERT_GE(j, 0.0);
    ASSERT_LT(j, 1.0);
  }
}

TEST(Retry, GivesUpAtMaxAttempts) {
  RetryPolicy policy;
  policy.max_attempts = 3;
  EXPECT_EQ(DecideRetry(policy, 2, Status(503), kNow, kPlenty, 0.5).verdict, RetryVerdict::kRetry);
  auto d = DecideRetry(policy, 3, Status(503), kNow, kPlenty, 0.5);
  EXPECT_EQ(d.verdict, RetryVerdict::kGiveUp);
  EXPECT_NE(d.reason.find("3 attempts"), std::string::npos);
}

TEST(Retry, GivesUpWhenTheWaitWouldPassTheDeadline) {
  auto d = DecideRetry(RetryPolicy{}, 1, Status(429, {{"retry-after", "30"}}), kNow, seconds(10), 0.5);
  EXPECT_EQ(d.verdict, RetryVerdict::kGiveUp);
  EXPECT_NE(d.reason.find("deadline"), std::string::npos);
  // Backoff against a deadline too.
  RetryPolicy policy;
  policy.base_delay = seconds(4);
  EXPECT_EQ(DecideRetry(policy, 1, Status(503), kNow, seconds(1), 0.5).verdict, RetryVerdict::kGiveUp);
  EXPECT_EQ(DecideRetry(policy, 1, Status(503), kNow, seconds(3), 0.5).verdict, RetryVerdict::kRetry);
}

}  // namespace
}  // namespace ctim::sync
