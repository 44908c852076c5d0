// A progress bar on stderr for long CLI work (write, verify): "label [#####.....] 1234/2000 61% 812/s".
// Redrawn at most every 100 ms; drawn only when enabled (stderr is a terminal and not --no-progress);
// log lines print above it whole (service/terminal.h). Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "agent/model/progress.h"

namespace ctim::service {

class ProgressBar {
 public:
  explicit ProgressBar(bool enabled) : enabled_(enabled) {}
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;
  ~ProgressBar() { Finish(); }

  void Start(std::uint64_t total, std::string label);
  void Advance(std::uint64_t n = 1);
  void Finish();

  // The bar text for a state (pure; unit-tested).
  static std::string Render(std::string_view label, std::uint64_t done, std::uint64_t total, double rate,
                            int width = 30);

 private:
  void DrawLocked(bool force);

  bool enabled_;
  std::mutex mutex_;
  std::string label_;
  std::uint64_t total_ = 0;
  std::uint64_t done_ = 0;
  bool active_ = false;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_draw_;
};

// agent::Progress drawn as a ProgressBar (only when enabled: a terminal, no --no-progress).
class BarProgress final : public agent::Progress {
 public:
  explicit BarProgress(bool enabled) : bar_(enabled) {}
  void Start(std::size_t total, std::string_view label) override { bar_.Start(total, std::string(label)); }
  void Advance(std::size_t n) override { bar_.Advance(n); }
  void Finish() override { bar_.Finish(); }

 private:
  ProgressBar bar_;
};

}  // namespace ctim::service
