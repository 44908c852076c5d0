#include "service/posix/signals.h"

#include <pthread.h>

#include <cstring>

#include "service/logging.h"

namespace ctim::service {

SignalWatcher::SignalWatcher(std::stop_source stop) {
  sigemptyset(&set_);
  for (int sig : {SIGTERM, SIGINT}) sigaddset(&set_, sig);
  pthread_sigmask(SIG_BLOCK, &set_, nullptr);
  thread_ = std::jthread([this, stop](std::stop_token self) mutable {
    const timespec tick{0, 200'000'000};
    while (!self.stop_requested()) {  // ends with the process even if no signal came
      if (const int sig = sigtimedwait(&set_, nullptr, &tick); sig > 0) {
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
  if (thread_.joinable()) thread_.join();
}

}  // namespace ctim::service
