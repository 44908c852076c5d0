// The terminal's stderr, shared by log lines and the progress bar so that neither splits the other:
// a log line first erases the bar, prints itself whole, then the bar is redrawn below it.
// Thread-safe. Used only when stderr is a terminal.
#pragma once

#include <spdlog/sinks/base_sink.h>

#include <mutex>
#include <string>
#include <string_view>

namespace ctim::service {

class Terminal {
 public:
  static Terminal& Get();

  void WriteLine(std::string_view text);  // text ends with '\n'
  void SetStatus(std::string status);     // the bar line; empty erases it

 private:
  void EraseStatusLocked();
  void DrawStatusLocked();

  std::mutex mutex_;
  std::string status_;
};

// spdlog sink that writes through Terminal.
class TerminalSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override {}
};

}  // namespace ctim::service
