// SdNotify on Windows: the readiness words become Service Control Manager states (service/sd_notify.h).
// STATUS= and WATCHDOG=1 have no SCM counterpart: the SCM has no watchdog, its recovery actions act on
// a process that exits (packaging/windows/).
#include "service/sd_notify.h"

#include "service/windows/scm.h"

namespace ctim::service {

bool SdNotify(std::string_view state) {
  if (!windows::UnderScm()) return false;
  bool sent = false;
  std::size_t start = 0;
  while (start <= state.size()) {
    std::size_t end = state.find('\n', start);
    if (end == std::string_view::npos) end = state.size();
    const std::string_view line = state.substr(start, end - start);
    if (line == "READY=1") sent = windows::ScmReport(SERVICE_RUNNING) || sent;
    if (line == "STOPPING=1")
      sent = windows::ScmReport(SERVICE_STOP_PENDING, std::chrono::seconds(30)) || sent;
    start = end + 1;
  }
  return sent;
}

std::optional<std::chrono::milliseconds> SdWatchdogInterval() { return std::nullopt; }

}  // namespace ctim::service
