#include "sync/retry.h"

#include <algorithm>
#include <charconv>
#include <random>

namespace ctim::sync {
namespace {

using std::chrono::milliseconds;

std::string StatusReason(int status, std::string_view body) {
  if (IsExoConcurrencyLimit(body)) return "HTTP " + std::to_string(status) + " (tenant concurrency limit)";
  return "HTTP " + std::to_string(status);
}

}  // namespace

bool IsRetryableStatus(int status) {
  switch (status) {
    case 408:
    case 429:
    case 500:
    case 502:
    case 503:
    case 504:
      return true;
    default:
      return false;
  }
}

bool IsExoConcurrencyLimit(std::string_view body) {
  // [EXOH] retries a body that *starts* with this text; it also arrives wrapped in the JSON error shape,
  // so look for it anywhere in the (bounded) body.
  constexpr std::string_view kText = "You have reached the maximum number of concurrent requests per tenant";
  return body.find(kText) != std::string_view::npos;
}

bool IsExoObjectLookupAnswer(std::string_view body) {
  // Exchange Online may wrap a cmdlet's "couldn't be found" (or "matches several objects") in an HTTP 500
  // with code InternalServerError (doc/cloud-api.md). The exception name is the definitive part: the
  // same answer comes again on every retry.
  return body.find("ManagementObjectNotFoundException") != std::string_view::npos ||
         body.find("ManagementObjectAmbiguousException") != std::string_view::npos;
}

std::optional<milliseconds> ParseRetryAfter(std::string_view value, SysTime now) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (value.front() >= '0' && value.front() <= '9') {
    // RFC 9110 allows whole delta-seconds only, but Microsoft documents throttled answers with a
    // fractional value such as "2.128" (doc/cloud-api.md): take the fraction too, rounded up to the ms.
    const char* const end = value.data() + value.size();
    std::int64_t seconds = 0;
    const auto [after_int, ec] = std::from_chars(value.data(), end, seconds);
    if (ec == std::errc::result_out_of_range) return milliseconds::max();
    if (ec != std::errc()) return std::nullopt;
    std::int64_t fraction_ms = 0;
    const char* p = after_int;
    if (p != end && *p == '.') {
      ++p;
      const char* const first = p;
      bool rest_nonzero = false;
      for (int taken = 0; p != end && *p >= '0' && *p <= '9'; ++p, ++taken) {
        if (taken < 3) {
          fraction_ms = fraction_ms * 10 + (*p - '0');
        } else if (*p != '0') {
          rest_nonzero = true;
        }
      }
      if (p == first) return std::nullopt;
      const auto digits = std::min<std::ptrdiff_t>(p - first, 3);
      for (auto i = digits; i < 3; ++i) fraction_ms *= 10;
      if (rest_nonzero) ++fraction_ms;
    }
    if (p != end) return std::nullopt;
    // Clamp before converting so a huge value cannot overflow milliseconds.
    constexpr std::int64_t kMaxSeconds = std::int64_t{1} << 40;
    return std::chrono::seconds(std::min(seconds, kMaxSeconds)) + milliseconds(fraction_ms);
  }
  const auto when = ParseHttpDate(value);
  if (!when) return std::nullopt;
  if (*when <= now) return milliseconds(0);
  return std::chrono::ceil<milliseconds>(*when - now);
}

milliseconds BackoffDelay(const RetryPolicy& policy, int attempt, double jitter) {
  milliseconds ceiling = policy.base_delay;
  for (int i = 1; i < attempt && ceiling < policy.max_delay; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, policy.max_delay);
  jitter = std::clamp(jitter, 0.0, 1.0);
  return milliseconds(static_cast<milliseconds::rep>(static_cast<double>(ceiling.count()) * jitter));
}

RetryDecision DecideRetry(const RetryPolicy& policy, int attempt, const Result<HttpResponse>& outcome,
                          SysTime now, milliseconds remaining, double jitter) {
  std::string reason;
  std::optional<milliseconds> server_wait;
  if (outcome) {
    const bool concurrency = outcome->status >= 400 && IsExoConcurrencyLimit(outcome->body);
    if (!IsRetryableStatus(outcome->status) && !concurrency)
      return {RetryVerdict::kAccept, milliseconds(0), {}};
    if (!concurrency && outcome->status >= 400 && IsExoObjectLookupAnswer(outcome->body))
      return {RetryVerdict::kAccept, milliseconds(0), {}};
    reason = StatusReason(outcome->status, outcome->body);
    if (const auto header = outcome->Header("retry-after")) server_wait = ParseRetryAfter(*header, now);
  } else {
    if (outcome.error().code != Errc::kUnavailable) return {RetryVerdict::kAccept, milliseconds(0), {}};
    reason = outcome.error().message;
  }

  if (attempt >= policy.max_attempts) {
    return {RetryVerdict::kGiveUp, milliseconds(0),
            reason + ", gave up after " + std::to_string(attempt) + " attempts"};
  }
  milliseconds wait =
      server_wait ? std::min(*server_wait, policy.max_retry_after) : BackoffDelay(policy, attempt, jitter);
  if (server_wait) reason += ", Retry-After " + std::to_string(wait.count()) + " ms";
  if (wait >= remaining) {
    return {
        RetryVerdict::kGiveUp, milliseconds(0),
        reason + ", no time left before the deadline (" + std::to_string(remaining.count()) + " ms left)"};
  }
  return {RetryVerdict::kRetry, wait, reason};
}

double RandomJitter() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

}  // namespace ctim::sync
