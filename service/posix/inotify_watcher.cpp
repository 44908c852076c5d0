// InboxWatcher over Linux inotify(7): IN_MOVED_TO reports the renames; the other events only wake the
// caller early so its listing sees new or growing files at once.
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "service/inbox_watcher.h"
#include "service/logging.h"

namespace ctim::service {
namespace {

// Owns the inotify descriptor.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_;
};

class InotifyWatcher final : public InboxWatcher {
 public:
  explicit InotifyWatcher(int fd) : fd_(fd) {}

  std::vector<std::string> Wait(std::chrono::milliseconds timeout, std::stop_token stop) override {
    std::vector<std::string> renamed;
    const auto until = std::chrono::steady_clock::now() + timeout;
    // Short polls so a stop request ends the wait within a fifth of a second.
    while (!stop.stop_requested()) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
      if (left <= std::chrono::milliseconds::zero()) break;
      pollfd p{fd_.get(), POLLIN, 0};
      const int ready = poll(&p, 1, static_cast<int>(std::min<std::int64_t>(left.count(), 200)));
      if (ready > 0) {
        Drain(renamed);
        break;
      }
    }
    return renamed;
  }
  std::string_view kind() const override { return "inotify"; }

 private:
  void Drain(std::vector<std::string>& renamed) {
    alignas(inotify_event) std::array<char, 16384> buffer;
    for (int rounds = 0; rounds < 64; ++rounds) {
      const ssize_t n = read(fd_.get(), buffer.data(), buffer.size());
      if (n <= 0) return;
      for (ssize_t at = 0; at + static_cast<ssize_t>(sizeof(inotify_event)) <= n;) {
        inotify_event event;
        std::memcpy(&event, buffer.data() + at, sizeof event);
        if ((event.mask & IN_MOVED_TO) != 0 && event.len > 0) {
          renamed.emplace_back(buffer.data() + at + sizeof(inotify_event));  // NUL-padded name
        }
        at += static_cast<ssize_t>(sizeof(inotify_event) + event.len);
      }
    }
  }

  Fd fd_;
};

}  // namespace

std::unique_ptr<InboxWatcher> MakeInboxWatcher(const std::filesystem::path& inbox) {
  const int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) {
    Logger("service")->warn("serve: inotify unavailable ({}); rescanning {} every second",
                            std::strerror(errno), inbox.string());
    return MakeRescanWatcher();
  }
  auto watcher = std::make_unique<InotifyWatcher>(fd);
  if (inotify_add_watch(fd, inbox.c_str(), IN_MOVED_TO | IN_CLOSE_WRITE | IN_CREATE | IN_MODIFY) < 0) {
    Logger("service")->warn("serve: cannot watch {} with inotify ({}); rescanning it every second",
                            inbox.string(), std::strerror(errno));
    return MakeRescanWatcher();
  }
  return watcher;
}

}  // namespace ctim::service
