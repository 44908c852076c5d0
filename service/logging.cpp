#include "service/logging.h"

#include <spdlog/sinks/base_sink.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <mutex>
#include <string>

#include "service/json_line_formatter.h"
#include "service/process_shell.h"
#include "service/terminal.h"

namespace ctim::service {
namespace {

constexpr std::array<std::string_view, 4> kLayers = {"agent", "ldap", "sync", "service"};

// Each line written and flushed at once to the process's diagnostic stream (stderr, or a Windows service's
// log file: service/process_shell.h), so that a killed process loses no line it logged.
class DiagnosticSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  DiagnosticSink() : stream_(DiagnosticStream()) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t line;
    formatter_->format(msg, line);
    std::fwrite(line.data(), 1, line.size(), stream_);
    std::fflush(stream_);
  }
  void flush_() override { std::fflush(stream_); }

 private:
  std::FILE* stream_;
};

}  // namespace

Result<LogFormat> ParseLogFormat(std::string_view text) {
  if (text == "auto") return LogFormat::kAuto;
  if (text == "text") return LogFormat::kText;
  if (text == "json") return LogFormat::kJson;
  return Fail(Errc::kInvalidInput, "--log-format " + std::string(text) + ": unknown format",
              "use auto, text or json");
}

Result<spdlog::level::level_enum> ParseLogLevel(std::string_view text) {
  const auto level = spdlog::level::from_str(std::string(text));
  // from_str returns off for unknown names; accept "off" only when it was asked for.
  if (level == spdlog::level::off && text != "off") {
    return Fail(Errc::kInvalidInput, "log level " + std::string(text) + ": unknown level",
                "use trace, debug, info, warn, error or off");
  }
  return level;
}

Status InitLogging(const LogSettings& settings) {
  const bool tty = isatty(fileno(DiagnosticStream())) != 0;
  const bool json = settings.format == LogFormat::kJson || (settings.format == LogFormat::kAuto && !tty);
  spdlog::sink_ptr sink;
  if (json) {
    sink = std::make_shared<DiagnosticSink>();
    sink->set_formatter(std::make_unique<JsonLineFormatter>());
  } else if (tty) {
    sink = std::make_shared<TerminalSink>();  // shares the line with the progress bar
    sink->set_pattern("%H:%M:%S %-5l %n: %v");
  } else {
    sink = std::make_shared<DiagnosticSink>();
    sink->set_pattern("%Y-%m-%dT%H:%M:%S.%e %-5l %n: %v");
  }
  for (std::string_view name : kLayers) {
    spdlog::drop(std::string(name));
    auto logger = std::make_shared<spdlog::logger>(std::string(name), sink);
    logger->set_level(settings.level);
    spdlog::register_logger(logger);
  }
  spdlog::set_default_logger(spdlog::get("service"));

  // "ldap=debug,sync=warn": raise or lower one layer.
  std::string_view rest = settings.layer_levels;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos) {
      return Fail(Errc::kInvalidInput, "--log-layers " + std::string(item) + ": expected layer=level",
                  "e.g. --log-layers ldap=debug,sync=warn");
    }
    auto logger = spdlog::get(std::string(item.substr(0, eq)));
    if (!logger) {
      return Fail(Errc::kInvalidInput, "--log-layers: unknown layer " + std::string(item.substr(0, eq)),
                  "layers are agent, ldap, sync, service");
    }
    auto level = ParseLogLevel(item.substr(eq + 1));
    if (!level) return std::unexpected(std::move(level.error()));
    logger->set_level(*level);
  }
  return {};
}

std::shared_ptr<spdlog::logger> Logger(std::string_view layer) {
  auto logger = spdlog::get(std::string(layer));
  return logger ? logger : spdlog::default_logger();
}

}  // namespace ctim::service
