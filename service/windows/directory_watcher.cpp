// InboxWatcher over ReadDirectoryChangesW: FILE_ACTION_RENAMED_NEW_NAME reports the renames; the other
// changes only wake the caller early so its listing sees new or growing files at once. One overlapped
// read is outstanding at a time and is cancelled (and waited for) before its buffer goes away.
#include <windows.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "common/windows/utf16.h"
#include "service/inbox_watcher.h"
#include "service/logging.h"

namespace ctim::service {
namespace {

class DirectoryWatcher final : public InboxWatcher {
 public:
  DirectoryWatcher(HANDLE dir, HANDLE event) : dir_(dir), event_(event) { overlapped_.hEvent = event_; }
  DirectoryWatcher(const DirectoryWatcher&) = delete;
  DirectoryWatcher& operator=(const DirectoryWatcher&) = delete;
  ~DirectoryWatcher() override {
    if (pending_) {
      CancelIoEx(dir_, &overlapped_);
      DWORD ignored = 0;
      GetOverlappedResult(dir_, &overlapped_, &ignored, TRUE);  // the buffer must outlive the read
    }
    CloseHandle(event_);
    CloseHandle(dir_);
  }

  // False when the directory can no longer be watched (the caller then rescans).
  bool Arm() {
    if (pending_) return true;
    ResetEvent(event_);
    constexpr DWORD kFilter =
        FILE_NOTIFY_CHANGE_FILE_NAME | FILE_NOTIFY_CHANGE_SIZE | FILE_NOTIFY_CHANGE_LAST_WRITE;
    pending_ = ReadDirectoryChangesW(dir_, buffer_.data(), static_cast<DWORD>(buffer_.size()), FALSE, kFilter,
                                     nullptr, &overlapped_, nullptr) != 0;
    return pending_;
  }

  std::vector<std::string> Wait(std::chrono::milliseconds timeout, std::stop_token stop) override {
    std::vector<std::string> renamed;
    if (!Arm()) {
      SleepSlices(timeout, stop);
      return renamed;
    }
    const auto until = std::chrono::steady_clock::now() + timeout;
    // Short waits so a stop request ends the wait within a fifth of a second.
    while (!stop.stop_requested()) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
      if (left <= std::chrono::milliseconds::zero()) break;
      const DWORD slice = static_cast<DWORD>(std::min<std::int64_t>(left.count(), 200));
      if (WaitForSingleObject(event_, slice) == WAIT_OBJECT_0) {
        Collect(renamed);
        break;
      }
    }
    return renamed;
  }
  std::string_view kind() const override { return "ReadDirectoryChangesW"; }

 private:
  static void SleepSlices(std::chrono::milliseconds timeout, const std::stop_token& stop) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (!stop.stop_requested() && std::chrono::steady_clock::now() < until) Sleep(200);
  }

  void Collect(std::vector<std::string>& renamed) {
    DWORD bytes = 0;
    const BOOL ok = GetOverlappedResult(dir_, &overlapped_, &bytes, FALSE);
    pending_ = false;
    if (!ok || bytes == 0) return;  // 0 bytes: the buffer overflowed; the caller's listing catches up
    for (DWORD at = 0; at + sizeof(FILE_NOTIFY_INFORMATION) <= bytes;) {
      FILE_NOTIFY_INFORMATION info;
      std::memcpy(&info, buffer_.data() + at, sizeof(info));
      if (info.Action == FILE_ACTION_RENAMED_NEW_NAME) {
        std::wstring name(info.FileNameLength / sizeof(wchar_t), L'\0');
        std::memcpy(name.data(), buffer_.data() + at + offsetof(FILE_NOTIFY_INFORMATION, FileName),
                    info.FileNameLength);
        renamed.push_back(ctim::windows::Utf8(name));
      }
      if (info.NextEntryOffset == 0) break;
      at += info.NextEntryOffset;
    }
  }

  HANDLE dir_;
  HANDLE event_;
  OVERLAPPED overlapped_{};
  bool pending_ = false;
  alignas(DWORD) std::array<char, 16384> buffer_{};
};

}  // namespace

std::unique_ptr<InboxWatcher> MakeInboxWatcher(const std::filesystem::path& inbox) {
  HANDLE dir = CreateFileW(inbox.wstring().c_str(), FILE_LIST_DIRECTORY,
                           FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr, OPEN_EXISTING,
                           FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OVERLAPPED, nullptr);
  if (dir == INVALID_HANDLE_VALUE) {
    Logger("service")->warn("serve: cannot watch {} ({}); rescanning it every second", inbox.string(),
                            ctim::windows::SystemMessage(GetLastError()));
    return MakeRescanWatcher();
  }
  HANDLE event = CreateEventW(nullptr, TRUE, FALSE, nullptr);
  if (event == nullptr) {
    CloseHandle(dir);
    return MakeRescanWatcher();
  }
  auto watcher = std::make_unique<DirectoryWatcher>(dir, event);
  if (!watcher->Arm()) {
    Logger("service")->warn("serve: ReadDirectoryChangesW refuses {} ({}); rescanning it every second",
                            inbox.string(), ctim::windows::SystemMessage(GetLastError()));
    return MakeRescanWatcher();
  }
  return watcher;
}

}  // namespace ctim::service
