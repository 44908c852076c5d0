#include "service/terminal.h"

#include <cstdio>

namespace ctim::service {

Terminal& Terminal::Get() {
  static Terminal terminal;
  return terminal;
}

void Terminal::EraseStatusLocked() {
  if (!status_.empty()) std::fputs("\r\033[2K", stderr);
}

void Terminal::DrawStatusLocked() {
  if (!status_.empty()) std::fputs(status_.c_str(), stderr);
  std::fflush(stderr);
}

void Terminal::WriteLine(std::string_view text) {
  std::lock_guard lock(mutex_);
  EraseStatusLocked();
  std::fwrite(text.data(), 1, text.size(), stderr);
  DrawStatusLocked();
}

void Terminal::SetStatus(std::string status) {
  std::lock_guard lock(mutex_);
  EraseStatusLocked();
  status_ = std::move(status);
  DrawStatusLocked();
}

void TerminalSink::sink_it_(const spdlog::details::log_msg& msg) {
  spdlog::memory_buf_t formatted;
  formatter_->format(msg, formatted);
  Terminal::Get().WriteLine(std::string_view(formatted.data(), formatted.size()));
}

}  // namespace ctim::service
