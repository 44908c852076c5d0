// The CLI's command table. Each command lives in its own service/cmd_<name>.cpp, parses its own options
// (service/cli.h adds the global ones) and returns an exit code (service/exit_codes.h).
#pragma once

#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

namespace ctim::service {

struct Invocation {
  std::string program;             // argv[0]
  std::string name;                // the command, e.g. "plan"
  std::vector<std::string> args;   // everything after the command name
  std::stop_token stop;            // requested on SIGINT/SIGTERM
};

using CommandFn = int (*)(const Invocation&);

struct CommandSpec {
  std::string_view name;
  std::string_view summary;  // one line for `ctim-agent --help`
  CommandFn run;
  // A daemon: a stop request (SIGTERM) is its normal end, not an interruption (exit 0, not 5).
  bool daemon = false;
};

std::span<const CommandSpec> Commands();

// The commands, one per file.
int RunConfig(const Invocation& invocation);
int RunCheck(const Invocation& invocation);
int RunDoctor(const Invocation& invocation);
int RunPlan(const Invocation& invocation);
int RunReport(const Invocation& invocation);
int RunWrite(const Invocation& invocation);
int RunRollback(const Invocation& invocation);
int RunRuns(const Invocation& invocation);
int RunShow(const Invocation& invocation);
int RunServe(const Invocation& invocation);
int RunVerify(const Invocation& invocation);
int RunStatus(const Invocation& invocation);
int RunApprove(const Invocation& invocation);

}  // namespace ctim::service
