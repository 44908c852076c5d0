// RunProcess on Windows (service/process_shell.h): the Service Control Manager's service, or a console
// program. The stop token is the same in both: SERVICE_CONTROL_STOP / SHUTDOWN / PRESHUTDOWN, or Ctrl+C,
// Ctrl+Break and console close, request the stop that SIGTERM and SIGINT request on Linux.
#include "service/process_shell.h"

// clang-format off
#include <windows.h>
#include <share.h>
#include <tlhelp32.h>
// clang-format on

#include <atomic>
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
      std::fprintf(DiagnosticStream(),
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

// A service has no console: log lines (JSON lines, since the stream is not a terminal) and error messages
// go to %ProgramData%\ctim-agent\logs\ctim-agent.log, appended to, opened as a stream of our own rather
// than by reopening stderr: a service's C runtime may have no stderr stream at all (Wine's _wfreopen then
// fails), and other programs may read the file while the service writes it.
std::atomic<std::FILE*> g_log_file{nullptr};  // set once by ServiceMain; read by the control handler too

std::string RedirectLogs() {
  const std::filesystem::path dir = Defaults().log_dir;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::filesystem::path file = dir / "ctim-agent.log";
  std::FILE* stream = _wfsopen(file.wstring().c_str(), L"a", _SH_DENYNO);
  if (stream == nullptr) return "";
  std::setvbuf(stream, nullptr, _IONBF, 0);
  g_log_file = stream;
  return file.string();
}

void ShellLine(const char* level, const std::string& text) {
  std::string escaped;
  for (char c : text) {
    if (c == '"' || c == '\\') escaped.push_back('\\');
    if (static_cast<unsigned char>(c) >= 0x20) escaped.push_back(c);
  }
  std::fprintf(DiagnosticStream(), "{\"level\":\"%s\",\"logger\":\"service\",\"msg\":\"%s\"}\n", level,
               escaped.c_str());
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
  std::fflush(DiagnosticStream());
  ScmReport(SERVICE_STOPPED, {}, code);
}

// True when this process's parent is services.exe, i.e. the Service Control Manager started it (the test
// .NET's WindowsServiceHelpers.IsWindowsService makes). Asked before StartServiceCtrlDispatcherW, so that
// `serve` in a console does not depend on how the dispatcher fails outside the SCM (Windows documents
// ERROR_FAILED_SERVICE_CONTROLLER_CONNECT; Wine 8's connects to the SCM first).
bool StartedByServiceControlManager() {
  const DWORD self = GetCurrentProcessId();
  HANDLE snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
  if (snapshot == INVALID_HANDLE_VALUE) return false;
  PROCESSENTRY32W entry{};
  entry.dwSize = sizeof(entry);
  DWORD parent = 0;
  bool found = false;
  for (BOOL more = Process32FirstW(snapshot, &entry); more && !found;
       more = Process32NextW(snapshot, &entry)) {
    if (entry.th32ProcessID == self) {
      parent = entry.th32ParentProcessID;
      found = true;
    }
  }
  bool by_scm = false;
  if (found) {
    entry.dwSize = sizeof(entry);
    for (BOOL more = Process32FirstW(snapshot, &entry); more; more = Process32NextW(snapshot, &entry)) {
      if (entry.th32ProcessID == parent) {
        by_scm = _wcsicmp(entry.szExeFile, L"services.exe") == 0;
        break;
      }
    }
  }
  CloseHandle(snapshot);
  return by_scm;
}

}  // namespace

std::FILE* DiagnosticStream() {
  std::FILE* log = g_log_file.load();
  return log != nullptr ? log : stderr;
}

int RunProcess(int argc, char** argv, std::stop_source stop, const std::function<int()>& body) {
  static Shell shell;
  shell.stop = std::move(stop);
  shell.body = &body;
  g_shell = &shell;
  // Only `serve` is ever a service (packaging/windows/ registers "ctim-agent.exe serve"), and only when
  // services.exe started it; `serve` typed in a console runs in the console.
  if (argc >= 2 && std::string_view(argv[1]) == "serve" && StartedByServiceControlManager()) {
    SERVICE_TABLE_ENTRYW table[] = {{const_cast<wchar_t*>(L"ctim-agent"), &ServiceMain}, {nullptr, nullptr}};
    if (StartServiceCtrlDispatcherW(table)) return shell.exit_code;
    if (const DWORD err = GetLastError(); err != ERROR_FAILED_SERVICE_CONTROLLER_CONNECT) {
      std::fprintf(stderr, "ctim-agent: the Service Control Manager dispatcher failed: %s\n",
                   ctim::windows::SystemMessage(err).c_str());
      return kExitInternal;
    }
    // Started by services.exe but not as a service (e.g. a helper it spawned): run in the console.
  }
  // C says stderr is not fully buffered; msvcrt buffers it when it is a file or a pipe, so a line would
  // sit in the buffer until exit. Unbuffered, as on Linux.
  std::setvbuf(stderr, nullptr, _IONBF, 0);
  SetConsoleCtrlHandler(&OnConsoleControl, TRUE);
  return body();
}

}  // namespace ctim::service
