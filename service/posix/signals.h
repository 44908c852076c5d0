// Turns SIGINT/SIGTERM into a stop request. Construct it before any other thread starts, so every
// thread inherits the blocked signal mask and only this watcher's sigtimedwait sees the signals.
// No code runs in a signal handler: there is none.
#pragma once

#include <signal.h>

#include <stop_token>
#include <thread>

namespace ctim::service {

class SignalWatcher {
 public:
  explicit SignalWatcher(std::stop_source stop);
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;
  ~SignalWatcher();

  // The signal that requested the stop, or 0.
  [[nodiscard]] int received() const { return received_; }

 private:
  sigset_t set_{};
  std::atomic<int> received_{0};
  std::jthread thread_;
};

}  // namespace ctim::service
