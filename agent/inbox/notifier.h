// How the inbox tells a person about what they must act on (a file held for approval, failed, finished with
// refusals or WRONG users, fully DONE): one line of text. agent/adapters/webhook_notifier.h sends it to an
// HTTPS webhook; without one, nothing is sent. Notify() must never block the pipeline for long.
#pragma once

#include <string>

namespace ctim::agent::inbox {

class Notifier {
 public:
  virtual ~Notifier() = default;
  // Queues `text` for delivery and returns at once; delivery failures are the notifier's to log.
  virtual void Notify(std::string text) = 0;
};

class NullNotifier final : public Notifier {
 public:
  void Notify(std::string) override {}
};

}  // namespace ctim::agent::inbox
