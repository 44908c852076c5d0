// StateLock on Windows: LockFileEx on one byte far past the end of "<state>/serve.lock". Windows locks
// are mandatory for the locked range, so the range is not where the holder's pid is written: the second
// process can still read who holds the lock.
#include "service/state_lock.h"

#include <windows.h>

#include <string>

#include "common/windows/utf16.h"

namespace ctim::service {

Result<StateLock> StateLock::Acquire(const std::filesystem::path& lock_file) {
  HANDLE h = CreateFileW(lock_file.wstring().c_str(), GENERIC_READ | GENERIC_WRITE,
                         FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr, OPEN_ALWAYS,
                         FILE_ATTRIBUTE_NORMAL, nullptr);
  if (h == INVALID_HANDLE_VALUE) {
    return Fail(Errc::kUnavailable,
                "cannot open " + lock_file.string() + ": " + ctim::windows::SystemMessage(GetLastError()),
                "the service account needs write access to the state directory");
  }
  StateLock lock(reinterpret_cast<std::intptr_t>(h));
  OVERLAPPED at{};
  at.OffsetHigh = 1;  // byte 4 GiB: never part of the pid text
  if (!LockFileEx(h, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &at)) {
    const DWORD err = GetLastError();
    std::string holder(32, '\0');
    DWORD n = 0;
    OVERLAPPED start{};
    if (!ReadFile(h, holder.data(), static_cast<DWORD>(holder.size() - 1), &n, &start)) n = 0;
    holder.resize(n);
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == '\r' || holder.back() == ' ')) {
      holder.pop_back();
    }
    if (err == ERROR_LOCK_VIOLATION || err == ERROR_IO_PENDING) {
      return Fail(Errc::kUnavailable,
                  "another ctim-agent serve" + (holder.empty() ? std::string() : " (pid " + holder + ")") +
                      " is running on the state directory " + lock_file.parent_path().string(),
                  "stop it first (sc stop ctim-agent), or give this one another [service] inbox");
    }
    return Fail(Errc::kUnavailable,
                "cannot lock " + lock_file.string() + ": " + ctim::windows::SystemMessage(err));
  }
  const std::string pid = std::to_string(GetCurrentProcessId()) + "\n";
  if (SetFilePointer(h, 0, nullptr, FILE_BEGIN) == 0 && SetEndOfFile(h)) {
    DWORD written = 0;
    WriteFile(h, pid.data(), static_cast<DWORD>(pid.size()), &written, nullptr);
  }
  return lock;
}

StateLock::~StateLock() {
  if (native_ != -1) CloseHandle(reinterpret_cast<HANDLE>(native_));  // also releases the lock
}

}  // namespace ctim::service
