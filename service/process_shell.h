// How this OS runs the agent's process and asks it to stop. main() hands its whole body to RunProcess;
// the stop_source is the one every command's stop token comes from.
//   POSIX (service/posix/process_shell.cpp): SIGINT/SIGTERM -> stop (service/posix/signals.h), body runs
//     on the main thread.
//   Windows (service/windows/process_shell.cpp): `serve` started by the Service Control Manager runs under
//     it (STOP, SHUTDOWN, PRESHUTDOWN -> stop; status reported to the SCM; events in the Event Log; logs to
//     %ProgramData%\ctim-agent\logs); anything else, or `serve` from a console, runs in console mode with
//     Ctrl+C, Ctrl+Break and console close -> stop.
#pragma once

#include <cstdio>
#include <functional>
#include <stop_token>

namespace ctim::service {

// REQUIRES: called once, from main(), before any other thread exists. Returns body's exit code.
int RunProcess(int argc, char** argv, std::stop_source stop, const std::function<int()>& body);

// Where log lines and error messages go: stderr; on Windows, in `serve` started by the SCM, the service's
// log file (a service has no console, and its C runtime may have no stderr to reopen: Wine's has none).
[[nodiscard]] std::FILE* DiagnosticStream();

}  // namespace ctim::service
