// The service manager's readiness protocol, in systemd's words (sd_notify(3)): "READY=1", "STATUS=...",
// "STOPPING=1", "WATCHDOG=1". POSIX: one datagram to $NOTIFY_SOCKET, without libsystemd; a no-op when not
// started by systemd. Windows: READY=1 and STOPPING=1 become SERVICE_RUNNING and SERVICE_STOP_PENDING for
// the Service Control Manager (service/windows/scm.cpp); a no-op in console mode.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace ctim::service {

// Sends `state` (newline-separated assignments). Returns false when there is no socket or the send failed.
bool SdNotify(std::string_view state);

// Half the interval systemd expects WATCHDOG=1 in ($WATCHDOG_USEC, when $WATCHDOG_PID is ours or unset).
std::optional<std::chrono::milliseconds> SdWatchdogInterval();

}  // namespace ctim::service
