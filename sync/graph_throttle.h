// Microsoft Graph's throttling headers and how ctim-agent slows down before a 429 (doc/cloud-api.md,
// "Throttling headers and pacing"). Pure functions, unit-tested without a network or a clock.
//
// Every directory response carries x-ms-resource-unit (what the request cost). From 80% of the app+tenant
// budget (resource units per 10 s) responses also carry x-ms-throttle-limit-percentage, a fraction from
// 0.8 to 1.8 (1.0 = the whole budget used; above it requests are throttled). A throttled response names
// the limit in x-ms-throttle-scope and the reason in x-ms-throttle-information.
//
// Policy: below `start` no pause; from `start` to `full` a pause growing linearly from 0 to `max_pause`;
// at or above `full`, `max_pause`. The budget is a sliding window, so waiting lets spent units expire:
// the closer to the limit, the longer the wait, and never longer than one window by default.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "sync/http_client.h"

namespace ctim::sync {

struct ThrottleSignal {
  std::optional<double> limit_fraction;         // x-ms-throttle-limit-percentage (0.8 .. 1.8)
  std::optional<std::uint64_t> resource_units;  // x-ms-resource-unit
  std::string scope;        // x-ms-throttle-scope, e.g. "Tenant_Application/Read/<app>/<tenant>"
  std::string information;  // x-ms-throttle-information, e.g. "ResourceUnitLimitExceeded"
};

// The four headers of one response (or of one $batch item). A malformed number is left unset.
[[nodiscard]] ThrottleSignal ReadThrottleSignal(const HttpResponse& response);

struct PacingPolicy {
  double start = 0.8;  // the fraction at which Graph starts sending the percentage header
  double full = 1.0;   // the budget is used up
  std::chrono::milliseconds max_pause{std::chrono::seconds(10)};  // Graph's budget window
};

// The pause before the next Graph request after a response reporting `limit_fraction`.
[[nodiscard]] std::chrono::milliseconds PauseFor(const PacingPolicy& policy, double limit_fraction);

// The priority header for background work (Graph throttles low-priority requests first; the limits stay).
inline constexpr const char* kThrottlePriorityHeader = "x-ms-throttle-priority";

}  // namespace ctim::sync
