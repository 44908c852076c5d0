// systemd's readiness protocol (sd_notify(3)) without libsystemd: one datagram to $NOTIFY_SOCKET
// ("READY=1", "STATUS=...", "STOPPING=1", "WATCHDOG=1"). A no-op when not started by systemd.
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
