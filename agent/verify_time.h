// Wall-clock instants as the journal and the cloud write them: UTC ISO 8601, "2025-01-31T12:34:56.789Z"
// (the journal, with milliseconds) or "2025-01-31T12:34:56Z" (Graph). Pure; GCC 12 has no std::chrono::parse.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace ctim::agent {

using TimePoint = std::chrono::system_clock::time_point;

// "YYYY-MM-DDThh:mm:ss[.fraction](Z|+00:00|-00:00)"; other offsets are applied. nullopt otherwise.
[[nodiscard]] std::optional<TimePoint> ParseUtcTime(std::string_view text);
// "YYYY-MM-DDThh:mm:ssZ" (whole seconds: what people compare with the Entra portal).
[[nodiscard]] std::string FormatUtcTime(TimePoint t);

}  // namespace ctim::agent
