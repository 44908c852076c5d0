// Wall-clock instants of the verify rule. Parsing and formatting are common/iso8601.h's (the journal and the
// cloud write the same ISO 8601 UTC forms).
#pragma once

#include <chrono>

#include "common/iso8601.h"

namespace ctim::agent {

using TimePoint = std::chrono::system_clock::time_point;

}  // namespace ctim::agent
