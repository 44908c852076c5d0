// UTC instants as text, ISO 8601 with a "Z": "2025-01-31T12:34:56Z", or with 3 (milliseconds) or 6
// (microseconds) fraction digits, "2025-01-31T12:34:56.789Z". The one formatter of the journal, the verify
// reports, the cloud messages and the JSON log lines. The fraction is truncated, never rounded, so a
// formatted instant never lies in the future of the real one. Pure, thread-safe.
#pragma once

#include <chrono>
#include <string>

namespace ctim {

enum class UtcPrecision { kSeconds, kMilliseconds, kMicroseconds };

[[nodiscard]] std::string FormatUtcIso8601(std::chrono::system_clock::time_point t,
                                           UtcPrecision precision = UtcPrecision::kSeconds);

}  // namespace ctim
