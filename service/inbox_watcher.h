// What `serve` needs from the OS to watch its inbox: wake up when something changes there, and tell which
// names were renamed into it (a rename is how a copy tool says a file is complete; agent/inbox/arrival.h).
// service/posix/inotify_watcher.cpp uses inotify; where the OS offers nothing (or it fails), the rescan
// watcher sleeps the timeout and the caller's periodic listing finds the files. Not thread-safe.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

namespace ctim::service {

class InboxWatcher {
 public:
  virtual ~InboxWatcher() = default;
  // Waits at most `timeout` (less when the inbox changes or a stop is requested). Returns the names renamed
  // into the inbox since the last call (possibly none).
  virtual std::vector<std::string> Wait(std::chrono::milliseconds timeout, std::stop_token stop) = 0;
  // "inotify" or "rescan", for the start-up log line.
  [[nodiscard]] virtual std::string_view kind() const = 0;
};

// The periodic rescan: sleeps, reports no renames.
std::unique_ptr<InboxWatcher> MakeRescanWatcher();
// The best watcher this OS offers for `inbox`, else the rescan watcher.
std::unique_ptr<InboxWatcher> MakeInboxWatcher(const std::filesystem::path& inbox);

}  // namespace ctim::service
