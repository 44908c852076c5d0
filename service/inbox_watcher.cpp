#include "service/inbox_watcher.h"

#include "common/stop.h"

namespace ctim::service {
namespace {

class RescanWatcher final : public InboxWatcher {
 public:
  std::vector<std::string> Wait(std::chrono::milliseconds timeout, std::stop_token stop) override {
    SleepFor(stop, timeout);
    return {};
  }
  std::string_view kind() const override { return "rescan"; }
};

}  // namespace

std::unique_ptr<InboxWatcher> MakeRescanWatcher() { return std::make_unique<RescanWatcher>(); }

}  // namespace ctim::service
