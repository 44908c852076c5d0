// Whether `serve` may write a planned file without an admin: `[service] write` and the guardrails that hold a
// file for approval even in auto mode (doc/inbox.md). Pure: the caller supplies the plan and the clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "agent/plan/plan.h"

namespace ctim::agent::inbox {

struct Policy {
  bool auto_write = false;  // write = "auto"
  std::int64_t max_changes = 1000;
  int max_refused_percent = 10;
  std::chrono::seconds max_file_age{7 * 86400};
};

// Every reason to hold the file, each one sentence naming the figure and the limit; empty = write it.
// In approve mode the first reason is always that the policy asks for approval.
[[nodiscard]] std::vector<std::string> HoldReasons(const Policy& policy, const Plan& plan,
                                                   std::chrono::system_clock::time_point file_mtime,
                                                   std::chrono::system_clock::time_point now);

}  // namespace ctim::agent::inbox
