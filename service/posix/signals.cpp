#include "service/posix/signals.h"

#include <pthread.h>

#include <cstring>

#include "service/logging.h"

namespace ctim::service {
namespace {

// Sent by the destructor to the watcher thread only, so the process does not wait up to one tick on exit.
// Its default action is "ignore", so it can never end the process.
constexpr int kWakeSignal = SIGURG;

}  // namespace

SignalWatcher::SignalWatcher(std::stop_source stop) {
  sigemptyset(&set_);
  for (int sig : {SIGTERM, SIGINT, kWakeSignal}) sigaddset(&set_, sig);
  pthread_sigmask(SIG_BLOCK, &set_, nullptr);
  thread_ = std::jthread([this, stop](std::stop_token self) mutable {
    const timespec tick{0, 200'000'000};
    while (!self.stop_requested()) {  // ends with the process even if no signal came
      if (const int sig = sigtimedwait(&set_, nullptr, &tick); sig == kWakeSignal) {
        continue;  // the destructor asks the loop to look at its stop token
      } else if (sig > 0) {
        received_ = sig;
        Logger("service")->warn("{} received, stopping after the current step", strsignal(sig));
        stop.request_stop();
        return;
      }
    }
  });
}

SignalWatcher::~SignalWatcher() {
  thread_.request_stop();
  if (thread_.joinable()) {
    pthread_kill(thread_.native_handle(), kWakeSignal);
    thread_.join();
  }
}

}  // namespace ctim::service
