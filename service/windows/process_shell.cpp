// RunProcess on Windows (service/process_shell.h): the Service Control Manager's service, or a console
// program. The stop token is the same in both: SERVICE_CONTROL_STOP / SHUTDOWN / PRESHUTDOWN, or Ctrl+C,
// Ctrl+Break and console close, request the stop that SIGTERM and SIGINT request on Linux.
#include "service/process_shell.h"

#include <windows.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>

#include "common/windows/utf16.h"
#include "service/default_paths.h"
#include "service/exit_codes.h"
#include "service/windows/event_log.h"
#include "service/windows/scm.h"

namespace ctim::service {
namespace {

using windows::EventSeverity;
using windows::ScmReport;

// How long the SCM should wait between our STOP_PENDING reports: serve stops "after the current step",
// which can be one LDAP modify or one Graph batch, each bounded by its own timeout.
constexpr auto kStopWaitHint = std::chrono::seconds(30);

struct Shell {
  std::stop_source stop;
  const std::function<int()>* body = nullptr;
  int exit_code = kExitInternal;
};
Shell* g_shell = nullptr;  // set once by RunProcess before any callback can run

BOOL WINAPI OnConsoleControl(DWORD type) {
  switch (type) {
    case CTRL_C_EVENT:
    case CTRL_BREAK_EVENT:
    case CTRL_CLOSE_EVENT:
    case CTRL_SHUTDOWN_EVENT:
      std::fputs("ctim-agent: stop requested from the console, stopping after the current step\n", stderr);
      g_shell->stop.request_stop();
      return TRUE;
    default:
      return FALSE;
  }
}

DWORD WINAPI OnServiceControl(DWORD control, DWORD, void*, void*) {
  switch (control) {
    case SERVICE_CONTROL_STOP:
    case SERVICE_CONTROL_SHUTDOWN:
    case SERVICE_CONTROL_PRESHUTDOWN:
      ScmReport(SERVICE_STOP_PENDING, kStopWaitHint);
      std::fprintf(stderr,
                   "{\"level\":\"warning\",\"logger\":\"service\",\"msg\":\"%s from the Service Control "
                   "Manager, stopping after the current step\"}\n",
                   control == SERVICE_CONTROL_STOP ? "stop" : "shutdown");
      g_shell->stop.request_stop();
      return NO_ERROR;
    case SERVICE_CONTROL_INTERROGATE:
      return NO_ERROR;
    default:
      return ERROR_CALL_NOT_IMPLEMENTED;
  }
}

// A service has no console: stderr (the log sink's stream, JSON lines since it is not a terminal) goes to
// %ProgramData%\ctim-agent\logs\ctim-agent.log, appended to.
std::string RedirectLogs() {
  const std::filesystem::path dir = Defaults().log_dir;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::filesystem::path file = dir / "ctim-agent.log";
  if (_wfreopen(file.wstring().c_str(), L"a", stderr) == nullptr) return "";
  std::setvbuf(stderr, nullptr, _IONBF, 0);
  _wfreopen(L"NUL", L"w", stdout);
  return file.string();
}

void ShellLine(const char* level, const std::string& text) {
  std::string escaped;
  for (char c : text) {
    if (c == '"' || c == '\\') escaped.push_back('\\');
    if (static_cast<unsigned char>(c) >= 0x20) escaped.push_back(c);
  }
  std::fprintf(stderr, "{\"level\":\"%s\",\"logger\":\"service\",\"msg\":\"%s\"}\n", level, escaped.c_str());
}

void ReportAndLog(EventSeverity severity, const std::string& text) {
  const bool reported = windows::ReportEvent(severity, text);
  ShellLine(severity == EventSeverity::kError ? "error" : "info", text);
  // Wine's event log accepts the call and stores nothing; on Windows the event is in the Application log.
  ShellLine(reported ? "info" : "warning",
            reported ? "event log: ReportEventW succeeded"
                     : "event log: ReportEventW failed: " + ctim::windows::SystemMessage(GetLastError()));
}

void WINAPI ServiceMain(DWORD argc, wchar_t** argv) {
  const std::wstring name = argc > 0 && argv[0] != nullptr ? argv[0] : L"ctim-agent";
  SERVICE_STATUS_HANDLE handle = RegisterServiceCtrlHandlerExW(name.c_str(), &OnServiceControl, nullptr);
  if (handle == nullptr) return;  // nothing to report to; StartServiceCtrlDispatcherW returns
  windows::ScmAttach(handle);
  ScmReport(SERVICE_START_PENDING, std::chrono::seconds(30));
  const std::string log_file = RedirectLogs();
  ReportAndLog(EventSeverity::kInfo, "ctim-agent serve started by the Service Control Manager as service " +
                                         ctim::windows::Utf8(name) + ", logging to " + log_file);

  // While the body winds down after a stop request, the SCM is told every few seconds that we progress.
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
  std::jthread heartbeat([&](std::stop_token self) {
    std::unique_lock lock(mutex);
    for (int beats = 0; beats < 120 && !done; ++beats) {  // at most 10 minutes
      done_cv.wait_for(lock, std::chrono::seconds(5), [&] { return done || self.stop_requested(); });
      if (!done && g_shell->stop.stop_requested()) ScmReport(SERVICE_STOP_PENDING, kStopWaitHint);
    }
  });
  g_shell->exit_code = (*g_shell->body)();
  {
    const std::lock_guard lock(mutex);
    done = true;
  }
  done_cv.notify_all();
  heartbeat.join();

  const int code = g_shell->exit_code;
  if (code == kExitOk) {
    ReportAndLog(EventSeverity::kInfo, "ctim-agent serve stopped");
  } else {
    ReportAndLog(EventSeverity::kError, "ctim-agent serve ended with exit code " + std::to_string(code) +
                                            "; the lines before this one in " + log_file + " say why");
  }
  std::fflush(stderr);
  ScmReport(SERVICE_STOPPED, {}, code);
}

}  // namespace

int RunProcess(int argc, char** argv, std::stop_source stop, const std::function<int()>& body) {
  static Shell shell;
  shell.stop = std::move(stop);
  shell.body = &body;
  g_shell = &shell;
  // Only `serve` is ever a service (packaging/windows/ registers "ctim-agent.exe serve"). The dispatcher
  // returns ERROR_FAILED_SERVICE_CONTROLLER_CONNECT at once when the SCM did not start this process.
  if (argc >= 2 && std::string_view(argv[1]) == "serve") {
    SERVICE_TABLE_ENTRYW table[] = {{const_cast<wchar_t*>(L"ctim-agent"), &ServiceMain}, {nullptr, nullptr}};
    if (StartServiceCtrlDispatcherW(table)) return shell.exit_code;
    if (const DWORD err = GetLastError(); err != ERROR_FAILED_SERVICE_CONTROLLER_CONNECT) {
      std::fprintf(stderr, "ctim-agent: the Service Control Manager dispatcher failed: %s\n",
                   ctim::windows::SystemMessage(err).c_str());
      return kExitInternal;
    }
  }
  SetConsoleCtrlHandler(&OnConsoleControl, TRUE);
  return body();
}

}  // namespace ctim::service
