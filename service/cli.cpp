#include "service/cli.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

#include "service/default_paths.h"
#include "service/exit_codes.h"
#include "service/logging.h"
#include "service/process_shell.h"

namespace ctim::service {

cxxopts::Options MakeOptions(const Invocation& invocation, std::string_view description) {
  cxxopts::Options options(fmt::format("{} {}", invocation.program, invocation.name), std::string(description));
  options.add_options("global")
      ("config", "configuration file (default: $CTIM_AGENT_CONFIG, then " + Defaults().config_file + ")",
       cxxopts::value<std::string>()->default_value(""), "FILE")
      ("log-level", "trace, debug, info, warn, error or off", cxxopts::value<std::string>()->default_value("info"),
       "LEVEL")
      ("log-format", "auto (text on a terminal, JSON lines otherwise), text or json",
       cxxopts::value<std::string>()->default_value("auto"), "FORMAT")
      ("log-layers", "per-layer levels, e.g. ldap=debug,sync=warn", cxxopts::value<std::string>()->default_value(""),
       "LIST")
      ("no-progress", "never draw a progress bar")
      ("h,help", "show this help");
  return options;
}

Result<cxxopts::ParseResult> ParseArgs(cxxopts::Options& options, const Invocation& invocation) {
  std::vector<char*> argv;
  std::string name = invocation.program + " " + invocation.name;
  argv.push_back(name.data());
  std::vector<std::string> args = invocation.args;  // cxxopts wants mutable char*
  for (std::string& a : args) argv.push_back(a.data());
  try {
    return options.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const cxxopts::exceptions::exception& e) {
    return Fail(Errc::kInvalidInput, e.what(), fmt::format("see {} {} --help", invocation.program, invocation.name));
  }
}

Result<Common> SetupCommon(const cxxopts::ParseResult& parsed, ConfigNeed need) {
  Common common;
  common.help = parsed.count("help") > 0;
  LogSettings log;
  auto level = ParseLogLevel(parsed["log-level"].as<std::string>());
  if (!level) return std::unexpected(std::move(level.error()));
  log.level = *level;
  auto format = ParseLogFormat(parsed["log-format"].as<std::string>());
  if (!format) return std::unexpected(std::move(format.error()));
  log.format = *format;
  log.layer_levels = parsed["log-layers"].as<std::string>();
  if (auto status = InitLogging(log); !status) return std::unexpected(std::move(status.error()));
  common.progress = parsed.count("no-progress") == 0 && isatty(STDERR_FILENO) != 0;
  if (common.help) return common;

  const auto path = ConfigPath(parsed["config"].as<std::string>());
  if (!path) {
    if (need == ConfigNeed::kRequired) {
      return Fail(Errc::kInvalidInput, "no configuration file",
                  "pass --config FILE or set CTIM_AGENT_CONFIG (see README.md, Configuration)");
    }
    return common;
  }
  auto config = LoadConfig(*path);
  if (!config) return std::unexpected(std::move(config.error()));
  common.config = std::move(*config);
  return common;
}

int ExitCodeFor(Errc code) {
  switch (code) {
    case Errc::kInvalidInput:
      return kExitBadInput;
    case Errc::kUnavailable:
    case Errc::kUnauthenticated:
    case Errc::kPermissionDenied:
      return kExitUnavailable;
    case Errc::kInternal:
      return kExitInternal;
    default:
      return kExitAttention;
  }
}

std::expected<Prepared, int> Prepare(cxxopts::Options& options, const Invocation& invocation, ConfigNeed need) {
  auto parsed = ParseArgs(options, invocation);
  if (!parsed) return std::unexpected(ReportError(invocation, parsed.error()));
  auto common = SetupCommon(*parsed, need);
  if (!common) return std::unexpected(ReportError(invocation, common.error()));
  if (common->help) {
    std::printf("%s", options.help().c_str());
    return std::unexpected(kExitOk);
  }
  return Prepared{std::move(*parsed), std::move(*common)};
}

int ReportError(const Invocation& invocation, const Error& error) {
  std::fprintf(DiagnosticStream(), "%s %s: %s\n", invocation.program.c_str(), invocation.name.c_str(),
               error.ToString().c_str());
  return ExitCodeFor(error.code);
}

}  // namespace ctim::service
