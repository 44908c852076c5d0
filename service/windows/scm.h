// The service's status toward the Service Control Manager, shared by the process shell
// (process_shell.cpp: START_PENDING, STOP_PENDING, STOPPED) and SdNotify (sd_notify.cpp: READY=1 ->
// RUNNING, STOPPING=1 -> STOP_PENDING). Every call is a no-op unless the process runs under the SCM.
// Thread-safe.
#pragma once

#include <windows.h>

#include <chrono>

namespace ctim::service::windows {

// REQUIRES: from ServiceMain, once, before any Report call.
void ScmAttach(SERVICE_STATUS_HANDLE handle);
[[nodiscard]] bool UnderScm();
// SetServiceStatus with `state`; a pending state counts its checkpoint up and carries `wait_hint`.
// STOPPED carries `exit_code` (non-zero as a service-specific error).
bool ScmReport(DWORD state, std::chrono::milliseconds wait_hint = {}, int exit_code = 0);

}  // namespace ctim::service::windows
