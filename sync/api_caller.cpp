#include "sync/api_caller.h"

#include "common/stop.h"
#include "sync/sync_log.h"

namespace ctim::sync {
namespace {

using std::chrono::milliseconds;

milliseconds Remaining(Deadline deadline) {
  return std::max(milliseconds(0),
                  std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now()));
}

bool IsThrottled(const Result<HttpResponse>& outcome) {
  return outcome &&
         (outcome->status == 429 || (outcome->status >= 400 && IsExoConcurrencyLimit(outcome->body)));
}

Error Stopped(Api api, const HttpRequest& request) {
  return {Errc::kUnavailable,
          std::string(ApiName(api)) + " " + std::string(HttpMethodName(request.method)) + " " +
              UrlForLog(request.url) + ": stopped before the call completed",
          {}};
}

}  // namespace

std::string_view RequestIdOf(const HttpResponse& response) {
  if (auto id = response.Header("request-id")) return *id;
  if (auto id = response.Header("x-ms-request-id")) return *id;
  return "-";
}

Result<HttpResponse> ApiCaller::Call(Api api, const HttpRequest& request, Deadline deadline,
                                     std::stop_token stop) {
  return Call(
      api, [&request](int) -> Result<HttpRequest> { return request; }, deadline, std::move(stop));
}

Result<HttpResponse> ApiCaller::Call(Api api, const RequestFactory& make_request, Deadline deadline,
                                     std::stop_token stop) {
  auto log = SyncLog();
  const int max_attempts = std::max(1, policy_.max_attempts);
  for (int attempt = 1; attempt <= max_attempts; ++attempt) {
    auto request = make_request(attempt);
    if (!request) return std::unexpected(std::move(request.error()));
    if (stop.stop_requested()) return std::unexpected(Stopped(api, *request));
    const milliseconds remaining = Remaining(deadline);
    if (remaining <= milliseconds(0)) {
      return Fail(Errc::kUnavailable,
                  std::string(ApiName(api)) + " " + std::string(HttpMethodName(request->method)) + " " +
                      UrlForLog(request->url) + ": deadline passed before attempt " + std::to_string(attempt),
                  "the cloud is slow or throttling; try again later or raise the deadline");
    }
    request->timeout = request->timeout ? std::min(*request->timeout, remaining) : remaining;

    counters_.CountCall(api);
    if (attempt > 1) counters_.CountRetry();
    Result<HttpResponse> outcome = http_.Send(*request, stop);
    if (IsThrottled(outcome)) counters_.CountThrottled();
    if (outcome) {
      log->debug("{} {} {} -> {} request-id {} {} ms (attempt {})", ApiName(api),
                 HttpMethodName(request->method), UrlForLog(request->url), outcome->status,
                 RequestIdOf(*outcome), outcome->elapsed.count(), attempt);
    } else {
      log->debug("{} {} {} -> failed: {} (attempt {})", ApiName(api), HttpMethodName(request->method),
                 UrlForLog(request->url), outcome.error().message, attempt);
    }
    if (stop.stop_requested()) return std::unexpected(Stopped(api, *request));

    const RetryDecision decision = DecideRetry(policy_, attempt, outcome, std::chrono::system_clock::now(),
                                               Remaining(deadline), RandomJitter());
    switch (decision.verdict) {
      case RetryVerdict::kAccept:
        return outcome;
      case RetryVerdict::kGiveUp:
        // A transport error's text already names method and URL; a response's does not.
        if (!outcome) {
          return Fail(Errc::kUnavailable, std::string(ApiName(api)) + " " + decision.reason,
                      outcome.error().hint);
        }
        return Fail(Errc::kUnavailable,
                    std::string(ApiName(api)) + " " + std::string(HttpMethodName(request->method)) + " " +
                        UrlForLog(request->url) + ": " + decision.reason + " (request-id " +
                        std::string(RequestIdOf(*outcome)) + ")",
                    "the cloud is throttling or unavailable; try again later");
      case RetryVerdict::kRetry:
        log->debug("{} {} {}: retrying in {} ms: {}", ApiName(api), HttpMethodName(request->method),
                   UrlForLog(request->url), decision.wait.count(), decision.reason);
        if (!SleepFor(stop, decision.wait)) return std::unexpected(Stopped(api, *request));
        break;
    }
  }
  // DecideRetry gives up at max_attempts, so the loop always returns from inside.
  return Fail(Errc::kInternal, std::string(ApiName(api)) + ": retry loop ended without a decision");
}

}  // namespace ctim::sync
