#include "service/state_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace ctim::service {

Result<StateLock> StateLock::Acquire(const std::filesystem::path& lock_file) {
  const int fd = open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) {
    return Fail(Errc::kUnavailable, "cannot open " + lock_file.string() + ": " + std::strerror(errno),
                "the service account needs write access to the state directory");
  }
  StateLock lock(fd);
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    char pid[32] = {};
    const ssize_t n = pread(fd, pid, sizeof pid - 1, 0);
    std::string holder = n > 0 ? std::string(pid, static_cast<std::size_t>(n)) : "";
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
    if (err == EWOULDBLOCK) {
      return Fail(Errc::kUnavailable,
                  "another ctim-agent serve" + (holder.empty() ? std::string() : " (pid " + holder + ")") +
                      " is running on the state directory " + lock_file.parent_path().string(),
                  "stop it first (systemctl stop ctim-agent), or give this one another [service] inbox");
    }
    return Fail(Errc::kUnavailable, "cannot lock " + lock_file.string() + ": " + std::strerror(err), "");
  }
  const std::string pid = std::to_string(getpid()) + "\n";
  if (ftruncate(fd, 0) == 0) {
    [[maybe_unused]] const ssize_t written = pwrite(fd, pid.data(), pid.size(), 0);
  }
  return lock;
}

StateLock::~StateLock() {
  if (native_ >= 0) close(static_cast<int>(native_));
}

}  // namespace ctim::service
