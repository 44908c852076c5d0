// HTTP-date on the wire (RFC 9110 IMF-fixdate, used by Retry-After). GCC 12 has no std::chrono::parse,
// hence this small parser. Pure functions.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "common/iso8601.h"

namespace ctim::sync {

using SysTime = std::chrono::system_clock::time_point;

// The parser returns nullopt for a year outside 1678..2261 (what SysTime's nanoseconds can hold).

// "Sun, 06 Nov 1994 08:49:37 GMT". nullopt for anything else.
[[nodiscard]] std::optional<SysTime> ParseHttpDate(std::string_view text);
[[nodiscard]] std::string FormatHttpDate(SysTime t);

// The ISO 8601 UTC form ("2024-05-01T10:20:30.1234567Z", "...+02:00") is common/iso8601.h's.

}  // namespace ctim::sync
