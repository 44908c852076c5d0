// One cloud request with its retries: send, judge the outcome with DecideRetry, wait through
// ctim::SleepFor (a stop request ends the wait), try again. Bounded by the policy's attempt count and by
// the caller's deadline; each attempt's timeout is cut to the time left. Counts every attempt and logs
// each at debug (method, URL without query, status, request-id, elapsed ms).
#pragma once

#include <chrono>
#include <functional>
#include <stop_token>

#include "common/result.h"
#include "sync/call_counters.h"
#include "sync/http_client.h"
#include "sync/retry.h"

namespace ctim::sync {

using Deadline = std::chrono::steady_clock::time_point;
[[nodiscard]] inline Deadline DeadlineIn(std::chrono::milliseconds d) {
  return std::chrono::steady_clock::now() + d;
}

// Builds the request for attempt n (1-based): a fresh assertion or bearer token per attempt means a long
// retry sequence never sends an expired credential.
using RequestFactory = std::function<Result<HttpRequest>(int attempt)>;

// Thread-safe if the HttpClient is (ours is). The client and counters must outlive the caller.
class ApiCaller {
 public:
  ApiCaller(HttpClient& http, CallCounters& counters, RetryPolicy policy)
      : http_(http), counters_(counters), policy_(policy) {}

  // The accepted response (2xx, or a status the policy does not retry: the caller judges it), or
  //   kUnavailable  retries exhausted, deadline passed or stop requested (message names the last outcome)
  //   the transport error itself when it is not retryable (e.g. kInvalidInput for an untrusted certificate)
  //   the factory's error
  Result<HttpResponse> Call(Api api, const RequestFactory& make_request, Deadline deadline,
                            std::stop_token stop);
  Result<HttpResponse> Call(Api api, const HttpRequest& request, Deadline deadline, std::stop_token stop);

  [[nodiscard]] CallCounters& counters() { return counters_; }

 private:
  HttpClient& http_;
  CallCounters& counters_;
  const RetryPolicy policy_;
};

// The request-id a Microsoft service returned (request-id, else x-ms-request-id), or "-".
[[nodiscard]] std::string_view RequestIdOf(const HttpResponse& response);

}  // namespace ctim::sync
