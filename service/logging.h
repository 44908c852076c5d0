// Log sinks and formats. Only service/ configures logging; layers fetch their logger by name
// ("agent", "ldap", "sync", "service") so an operator can raise one layer to debug.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace ctim::service {

enum class LogFormat { kAuto, kText, kJson };

struct LogSettings {
  spdlog::level::level_enum level = spdlog::level::info;
  LogFormat format = LogFormat::kAuto;  // kAuto: text on a terminal, JSON lines otherwise
  // Per-layer overrides, "ldap=debug,sync=warn".
  std::string layer_levels;
};

Result<LogFormat> ParseLogFormat(std::string_view text);
Result<spdlog::level::level_enum> ParseLogLevel(std::string_view text);

// Registers the layer loggers on one stderr sink with the chosen format. Safe to call more than once.
Status InitLogging(const LogSettings& settings);

// The logger of a layer; falls back to the default logger if InitLogging has not run (unit tests).
std::shared_ptr<spdlog::logger> Logger(std::string_view layer);

}  // namespace ctim::service
