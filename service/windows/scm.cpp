#include "service/windows/scm.h"

#include <mutex>

namespace ctim::service::windows {
namespace {

struct ScmState {
  std::mutex mutex;
  SERVICE_STATUS_HANDLE handle = nullptr;
  SERVICE_STATUS status{};
};

ScmState& State() {
  static ScmState state;
  return state;
}

}  // namespace

void ScmAttach(SERVICE_STATUS_HANDLE handle) {
  ScmState& s = State();
  const std::lock_guard lock(s.mutex);
  s.handle = handle;
  s.status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
}

bool UnderScm() {
  ScmState& s = State();
  const std::lock_guard lock(s.mutex);
  return s.handle != nullptr;
}

bool ScmReport(DWORD state, std::chrono::milliseconds wait_hint, int exit_code) {
  ScmState& s = State();
  const std::lock_guard lock(s.mutex);
  if (s.handle == nullptr) return false;
  // Once stopping, a late READY=1 must not announce RUNNING again.
  if (s.status.dwCurrentState == SERVICE_STOP_PENDING && state == SERVICE_RUNNING) return true;
  const bool pending = state == SERVICE_START_PENDING || state == SERVICE_STOP_PENDING;
  s.status.dwCheckPoint =
      pending && s.status.dwCurrentState == state ? s.status.dwCheckPoint + 1 : (pending ? 1 : 0);
  s.status.dwCurrentState = state;
  s.status.dwWaitHint = pending ? static_cast<DWORD>(wait_hint.count()) : 0;
  // Stop and pre-shutdown are accepted while running; nothing while starting or stopping. With
  // PRESHUTDOWN accepted, Windows sends it instead of SHUTDOWN and waits the preshutdown timeout.
  s.status.dwControlsAccepted =
      state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_PRESHUTDOWN : 0;
  s.status.dwWin32ExitCode =
      state == SERVICE_STOPPED && exit_code != 0 ? ERROR_SERVICE_SPECIFIC_ERROR : NO_ERROR;
  s.status.dwServiceSpecificExitCode = state == SERVICE_STOPPED ? static_cast<DWORD>(exit_code) : 0;
  return SetServiceStatus(s.handle, &s.status) != 0;
}

}  // namespace ctim::service::windows
