// The "sync" logger. sync/ logs only at debug, only wire facts (method, URL without query, status,
// request-id, elapsed), never a header value, body, token, assertion or key.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>

namespace ctim::sync {

// The logger registered as "sync" by the service, else spdlog's default logger.
inline std::shared_ptr<spdlog::logger> SyncLog() {
  auto logger = spdlog::get("sync");
  return logger ? logger : spdlog::default_logger();
}

}  // namespace ctim::sync
