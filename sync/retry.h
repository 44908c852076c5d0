// When to try a cloud call again, and how long to wait first. A pure function of (policy, attempt,
// outcome, clock readings, a random number), so every rule is unit-tested without a network or a clock.
//
// Retried: transport errors of code kUnavailable (timeouts, refused/reset connections), HTTP 408, 429,
// 500, 502, 503, 504, and any error body carrying Exchange Online's "You have reached the maximum number of
// concurrent requests per tenant" [EXOH]. Not retried whatever the status: an Exchange Online body naming
// ManagementObjectNotFoundException or ManagementObjectAmbiguousException (EXO sends these as HTTP 500 too,
// doc/cloud-api.md). A Retry-After header (seconds, fractional seconds or HTTP-date) sets the wait;
// otherwise capped exponential backoff with full jitter: uniform(0, min(max_delay, base_delay * 2^(n-1))).
// Bounded twice: by max_attempts and by the time left before the caller's deadline.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "sync/http_client.h"
#include "sync/http_date.h"

namespace ctim::sync {

struct RetryPolicy {
  int max_attempts = 8;                                           // attempts in all, the first included
  std::chrono::milliseconds base_delay{500};                      // first backoff ceiling
  std::chrono::milliseconds max_delay{std::chrono::seconds(30)};  // backoff ceiling cap
  // A longer Retry-After than this is shortened to it (a misbehaving server cannot park us for hours).
  std::chrono::milliseconds max_retry_after{std::chrono::minutes(5)};
};

enum class RetryVerdict {
  kAccept,  // the outcome is final: hand it to the caller (success or a non-retryable error status)
  kRetry,   // wait `wait`, then send again
  kGiveUp,  // retryable, but no attempts or time left: report the last outcome as unavailable
};

struct RetryDecision {
  RetryVerdict verdict = RetryVerdict::kAccept;
  std::chrono::milliseconds wait{0};
  std::string reason;  // why it was retried or given up, for the error message and the debug log
};

// REQUIRES: attempt >= 1 (attempts made so far, this one included); 0 <= jitter < 1.
// `now` reads the wall clock (an HTTP-date Retry-After is absolute); `remaining` is the time left before
// the operation's deadline.
[[nodiscard]] RetryDecision DecideRetry(const RetryPolicy& policy, int attempt,
                                        const Result<HttpResponse>& outcome, SysTime now,
                                        std::chrono::milliseconds remaining, double jitter);

// Does this HTTP status (or error body) ask for a retry? Exposed for Graph $batch sub-responses.
[[nodiscard]] bool IsRetryableStatus(int status);
[[nodiscard]] bool IsExoConcurrencyLimit(std::string_view body);
// Does this Exchange Online error body name a cmdlet's definitive "not found" or "ambiguous" answer?
[[nodiscard]] bool IsExoObjectLookupAnswer(std::string_view body);
// Retry-After as a delay from `now`: delta-seconds ("7", or fractional "2.128", rounded up to the ms) or an
// HTTP-date (a past date is 0). nullopt if malformed.
[[nodiscard]] std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value, SysTime now);
// The full-jitter backoff for `attempt` (>= 1).
[[nodiscard]] std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, int attempt, double jitter);
// A uniform number in [0, 1) from a per-thread generator: the `jitter` the live callers pass.
[[nodiscard]] double RandomJitter();

}  // namespace ctim::sync
