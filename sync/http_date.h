// Timestamps on the wire: HTTP-date (RFC 9110 IMF-fixdate, used by Retry-After) and the ISO 8601 UTC
// form Graph and Entra use ("2024-05-01T10:20:30Z", optionally with fractional seconds or +00:00).
// GCC 12 has no std::chrono::parse, hence these small parsers. Pure functions.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace ctim::sync {

using SysTime = std::chrono::system_clock::time_point;

// Both parsers return nullopt for a year outside 1678..2261 (what SysTime's nanoseconds can hold).

// "Sun, 06 Nov 1994 08:49:37 GMT". nullopt for anything else.
[[nodiscard]] std::optional<SysTime> ParseHttpDate(std::string_view text);
[[nodiscard]] std::string FormatHttpDate(SysTime t);

// "2024-05-01T10:20:30Z", "2024-05-01T10:20:30.1234567Z", "2024-05-01T10:20:30+02:00". nullopt otherwise.
[[nodiscard]] std::optional<SysTime> ParseIso8601(std::string_view text);
// "2024-05-01T10:20:30Z" (whole seconds).
[[nodiscard]] std::string FormatIso8601(SysTime t);

}  // namespace ctim::sync
