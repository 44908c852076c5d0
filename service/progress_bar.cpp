#include "service/progress_bar.h"

#include <fmt/format.h>

#include <algorithm>

#include "service/terminal.h"

namespace ctim::service {

std::string ProgressBar::Render(std::string_view label, std::uint64_t done, std::uint64_t total, double rate,
                                int width) {
  const double fraction = total == 0 ? 1.0 : std::min(1.0, static_cast<double>(done) / static_cast<double>(total));
  const int filled = static_cast<int>(fraction * width);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.append(static_cast<std::size_t>(width - filled), '.');
  return fmt::format("{} [{}] {}/{} {:3.0f}% {:.0f}/s", label, bar, done, total, fraction * 100.0, rate);
}

void ProgressBar::Start(std::uint64_t total, std::string label) {
  std::lock_guard lock(mutex_);
  label_ = std::move(label);
  total_ = total;
  done_ = 0;
  active_ = true;
  started_ = std::chrono::steady_clock::now();
  DrawLocked(true);
}

void ProgressBar::Advance(std::uint64_t n) {
  std::lock_guard lock(mutex_);
  done_ += n;
  DrawLocked(false);
}

void ProgressBar::Finish() {
  std::lock_guard lock(mutex_);
  if (!active_) return;
  active_ = false;
  if (enabled_) Terminal::Get().SetStatus("");
}

void ProgressBar::DrawLocked(bool force) {
  if (!enabled_ || !active_) return;
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - last_draw_ < std::chrono::milliseconds(100) && done_ < total_) return;
  last_draw_ = now;
  const double seconds = std::chrono::duration<double>(now - started_).count();
  const double rate = seconds > 0 ? static_cast<double>(done_) / seconds : 0.0;
  Terminal::Get().SetStatus(Render(label_, done_, total_, rate));
}

}  // namespace ctim::service
