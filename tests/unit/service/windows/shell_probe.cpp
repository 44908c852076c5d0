// service_shell_probe.exe: service/windows/'s process shell (RunProcess, SCM status, Event Log, log file)
// around a body that only waits for the stop token, so service_shell_scm.sh can run the real shell under
// Wine's Service Control Manager and in a console without a directory or a cloud.
//   service_shell_probe serve         reports READY, waits for a stop (at most 120 s), exits 0
//   service_shell_probe serve fail    exits 3 at once (the failure path)
#include <windows.h>

#include <chrono>
#include <cstdio>
#include <string_view>

#include "service/process_shell.h"
#include "service/sd_notify.h"

int main(int argc, char** argv) {
  std::stop_source stop;
  return ctim::service::RunProcess(argc, argv, stop, [&]() -> int {
    if (argc >= 3 && std::string_view(argv[2]) == "fail") {
      std::fputs("probe: failing on purpose\n", ctim::service::DiagnosticStream());
      return 3;
    }
    ctim::service::SdNotify("READY=1");
    std::fputs("probe: running\n", ctim::service::DiagnosticStream());
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (!stop.stop_requested() && std::chrono::steady_clock::now() < until) Sleep(50);
    ctim::service::SdNotify("STOPPING=1");
    std::fputs(stop.stop_requested() ? "probe: stopped by request\n" : "probe: gave up waiting\n",
               ctim::service::DiagnosticStream());
    return stop.stop_requested() ? 0 : 1;
  });
}
