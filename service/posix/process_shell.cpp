#include "service/process_shell.h"

#include "service/posix/signals.h"

namespace ctim::service {

int RunProcess(int, char**, std::stop_source stop, const std::function<int()>& body) {
  SignalWatcher signals(std::move(stop));  // first, before any other thread exists
  return body();
}

std::FILE* DiagnosticStream() { return stderr; }

}  // namespace ctim::service
