// ctim-agent: one binary, one command per invocation. main() only translates the outside world
// (argv, signals or the Service Control Manager) into an Invocation and a stop token; the commands live in
// service/cmd_*.cpp.
#include <cstdio>
#include <exception>
#include <filesystem>
#include <string_view>

#include "service/command.h"
#include "service/exit_codes.h"
#include "service/file_access.h"
#include "service/kerberos_env.h"
#include "service/process_shell.h"
#include "service/usage.h"

namespace {

int Run(int argc, char** argv, const std::stop_source& stop) {
  using namespace ctim::service;
  MakeNewFilesPrivate();  // the journal and its -wal, -shm and .lock files: this user's only
  try {
    Invocation invocation;
    invocation.program = "ctim-agent";
    invocation.stop = stop.get_token();
    if (argc < 2) {
      std::fputs(Usage().c_str(), stderr);
      return kExitBadInput;
    }
    const std::string_view first = argv[1];
    if (first == "-h" || first == "--help" || first == "help") {
      std::fputs(Usage().c_str(), stdout);
      return kExitOk;
    }
    if (first == "--version" || first == "version") {
      std::printf("ctim-agent %s\n", CTIM_VERSION);
      return kExitOk;
    }
    for (const CommandSpec& command : Commands()) {
      if (command.name == first) {
        invocation.name = std::string(first);
        invocation.args.assign(argv + 2, argv + argc);
        const int code = command.run(invocation);
        return stop.stop_requested() && code == kExitOk && !command.daemon ? kExitInterrupted : code;
      }
    }
    std::fprintf(stderr, "ctim-agent: unknown command \"%s\" — see ctim-agent --help\n", argv[1]);
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ctim-agent: internal error: %s — please report this with the log\n", e.what());
    return kExitInternal;
  } catch (...) {
    std::fprintf(stderr,
                 "ctim-agent: internal error (unknown exception) — please report this with the log\n");
    return kExitInternal;
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ctim::service;
  PrepareKerberosEnvironment(argc, argv);  // while the process is single-threaded (kerberos_env.h)
  std::stop_source stop;
  return RunProcess(argc, argv, stop, [&]() -> int { return Run(argc, argv, stop); });
}
