// The "agent" logger: decisions and outcomes, one line per state change per user, each naming its subject.
// service/ registers it with its sinks; until then (and in tests) the default logger is used.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>

namespace ctim::agent {

inline std::shared_ptr<spdlog::logger> Log() {
  auto logger = spdlog::get("agent");
  return logger ? logger : spdlog::default_logger();
}

}  // namespace ctim::agent
