// What every command shares: the global options (--config, --log-level, --log-format, --log-layers,
// --no-progress, --help), parsing without exceptions, config loading, and turning an Error into a
// message on stderr plus the documented exit code.
#pragma once

#include <cxxopts.hpp>

#include <expected>
#include <optional>
#include <string>

#include "common/result.h"
#include "service/command.h"
#include "service/config.h"

namespace ctim::service {

enum class ConfigNeed { kOptional, kRequired };

struct Common {
  std::optional<Config> config;  // set when a config was found (always, for kRequired)
  bool progress = true;          // progress bar allowed (stderr is a terminal and not --no-progress)
  bool help = false;             // --help was given: the caller prints options.help() and exits 0
};

// A cxxopts::Options for `ctim-agent <command>` with the global options already added.
cxxopts::Options MakeOptions(const Invocation& invocation, std::string_view description);

// Parses the command's arguments; a bad option is an Error (cxxopts throws; nothing escapes here).
Result<cxxopts::ParseResult> ParseArgs(cxxopts::Options& options, const Invocation& invocation);

// Initialises logging and loads the config file.
Result<Common> SetupCommon(const cxxopts::ParseResult& parsed, ConfigNeed need);

// What every command starts with: its arguments parsed, logging initialised, the config loaded.
struct Prepared {
  cxxopts::ParseResult parsed;
  Common common;
};

// ParseArgs + SetupCommon, and --help: the unexpected value is the exit code to return at once (0 after
// printing the options for --help; the Errc's code after reporting a bad option or config on stderr).
std::expected<Prepared, int> Prepare(cxxopts::Options& options, const Invocation& invocation, ConfigNeed need);

// Prints "ctim-agent <command>: <error> — <hint>" to stderr and returns the exit code for its Errc.
int ReportError(const Invocation& invocation, const Error& error);
int ExitCodeFor(Errc code);

}  // namespace ctim::service
