// The only way long loops wait: sleeps for d unless stop is requested first.
// Returns true if the full time passed, false if the wait ended because a stop was requested.
#pragma once

#include <chrono>
#include <stop_token>

namespace ctim {

bool SleepFor(std::stop_token stop, std::chrono::milliseconds d);

}  // namespace ctim
