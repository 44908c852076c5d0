// One `serve` per state directory: an exclusive flock(2) on "<state>/serve.lock", held while the process
// lives (the OS drops it when the process dies, so a kill -9 never blocks the next start). The file holds the
// holder's pid, for the message the second process prints.
#pragma once

#include <filesystem>

#include "common/result.h"

namespace ctim::service {

class StateLock {
 public:
  // kUnavailable "another ctim-agent serve (pid N) uses <state dir>" when held; kUnavailable naming the file
  // when it cannot be created.
  [[nodiscard]] static Result<StateLock> Acquire(const std::filesystem::path& lock_file);
  StateLock(StateLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  StateLock& operator=(StateLock&&) = delete;
  StateLock(const StateLock&) = delete;
  ~StateLock();

 private:
  explicit StateLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace ctim::service
