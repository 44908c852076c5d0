// One `serve` per state directory: an exclusive lock on "<state>/serve.lock" (flock(2) on POSIX, LockFileEx
// on Windows), held while the process lives (the OS drops it when the process dies, so a kill -9 or
// TerminateProcess never blocks the next start). The file holds the
// holder's pid, for the message the second process prints.
#pragma once

#include <cstdint>
#include <filesystem>

#include "common/result.h"

namespace ctim::service {

class StateLock {
 public:
  // kUnavailable "another ctim-agent serve (pid N) uses <state dir>" when held; kUnavailable naming the file
  // when it cannot be created.
  [[nodiscard]] static Result<StateLock> Acquire(const std::filesystem::path& lock_file);
  StateLock(StateLock&& other) noexcept : native_(other.native_) { other.native_ = -1; }
  StateLock& operator=(StateLock&&) = delete;
  StateLock(const StateLock&) = delete;
  ~StateLock();

 private:
  // The open lock file: a file descriptor (POSIX) or a HANDLE (Windows) as an integer; -1 when moved from.
  explicit StateLock(std::intptr_t native) : native_(native) {}
  std::intptr_t native_;
};

}  // namespace ctim::service
