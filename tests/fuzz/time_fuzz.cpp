// libFuzzer target for timestamps and Retry-After (sync/http_date, sync/retry): HTTP-dates, ISO 8601 with
// fractions and offsets, Retry-After in seconds, fractional seconds or dates, and the retry decision on a
// throttled answer carrying it. Asserts, for any input: no crash or sanitizer report; a parsed HTTP-date
// round-trips through FormatHttpDate; a parsed Retry-After is never negative; the decided wait never exceeds
// the policy's cap and never reaches the time left. Built only by the 'fuzz' preset.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "sync/http_date.h"
#include "sync/retry.h"

namespace {

using namespace ctim::sync;
using std::chrono::milliseconds;

void Require(bool ok, const char* what, const std::string& detail = {}) {
  if (ok) return;
  std::fprintf(stderr, "time_fuzz: invariant broken: %s %s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const SysTime now = std::chrono::sys_days(std::chrono::year(2026) / 12 / 7) + std::chrono::hours(3);

  if (const auto date = ParseHttpDate(text)) {
    Require(ParseHttpDate(FormatHttpDate(*date)) == *date, "an HTTP-date round-trips", text);
  }
  if (const auto t = ctim::ParseUtcIso8601(text)) (void)ctim::FormatUtcIso8601(*t);

  const auto after = ParseRetryAfter(text, now);
  if (after) Require(*after >= milliseconds(0), "Retry-After is never negative", text);

  RetryPolicy policy;
  HttpResponse throttled;
  throttled.status = 429;
  throttled.headers.push_back({"retry-after", text});
  const milliseconds remaining(size > 0 ? data[0] * 1000 : 0);
  const RetryDecision d = DecideRetry(policy, 1 + static_cast<int>(size % 9), throttled, now, remaining, 0.5);
  if (d.verdict == RetryVerdict::kRetry) {
    Require(d.wait >= milliseconds(0) && d.wait <= std::max(policy.max_retry_after, policy.max_delay),
            "the wait is bounded", text);
    Require(d.wait < remaining, "a retry fits before the deadline", text);
  }
  return 0;
}
