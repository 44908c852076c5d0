// UTC instants as text, ISO 8601 with a "Z": "2025-01-31T12:34:56Z", or with 3 (milliseconds) or 6
// (microseconds) fraction digits, "2025-01-31T12:34:56.789Z". The one formatter and the one parser of the
// journal, the verify reports, the cloud answers and the JSON log lines. The fraction is truncated, never
// rounded, so a formatted instant never lies in the future of the real one. Pure, thread-safe (GCC 12 has
// no std::chrono::parse).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ctim {

enum class UtcPrecision { kSeconds, kMilliseconds, kMicroseconds };

[[nodiscard]] std::string FormatUtcIso8601(std::chrono::system_clock::time_point t,
                                           UtcPrecision precision = UtcPrecision::kSeconds);

// "YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)", the separator also 't' or ' ' and the zone also 'z'; an offset
// is applied, fraction digits beyond microseconds are dropped (Graph and .NET write 7). nullopt for anything
// else, and for a year outside 1678..2261: the 64-bit nanosecond clock cannot hold it (Graph writes
// "0001-01-01T00:00:00Z" for "never").
[[nodiscard]] std::optional<std::chrono::system_clock::time_point> ParseUtcIso8601(std::string_view text);

// Exactly `width` decimal digits at text[pos], as a number; nullopt when the text is shorter or one is not a
// digit. The fixed-width fields of timestamps: ISO 8601 here, the HTTP-date in sync/http_date.cpp.
[[nodiscard]] std::optional<int> ParseFixedDigits(std::string_view text, std::size_t pos, std::size_t width);

}  // namespace ctim
