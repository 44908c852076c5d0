// When a file in the inbox counts as arrived: only once it is complete. Either it was renamed into the inbox
// (the watcher saw the rename: copy tools write under a temporary name, then rename), or its size and
// modification time stayed the same for the settle time (a file copied in place under its final name).
// Dotfiles and temporary names (*.tmp, *.part) and approval markers (*.approve) are never inputs.
// OS-neutral: the caller lists the directory and reports renames (service/inbox_watcher.h). Not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ctim::agent::inbox {

struct DirEntry {
  std::string name;  // file name in the inbox, no directory part
  std::uintmax_t size = 0;
  std::int64_t mtime_ns = 0;  // modification time as the OS reports it (only compared for equality)
};

// False for dotfiles, *.tmp, *.part and *.approve: never taken as an input file.
[[nodiscard]] bool IsInputName(std::string_view name);
// "<name>.approve" -> "<name>"; empty when `name` is not an approval marker.
[[nodiscard]] std::string ApprovedName(std::string_view name);

class ArrivalTracker {
 public:
  using Clock = std::chrono::steady_clock;
  explicit ArrivalTracker(std::chrono::seconds settle) : settle_(settle) {}

  // The watcher saw `name` renamed into the inbox: complete as soon as the next listing shows it.
  void MarkRenamedIn(const std::string& name);
  // Feeds one listing of the inbox (regular files only). Returns the names complete at `now`, in name order;
  // each is returned once (the caller moves it out of the inbox; if it stays, it is tracked afresh).
  [[nodiscard]] std::vector<std::string> Update(std::span<const DirEntry> listing, Clock::time_point now);
  // Names seen but not complete yet (for a log line saying what is still being copied).
  [[nodiscard]] std::size_t waiting() const { return seen_.size(); }

 private:
  struct Seen {
    std::uintmax_t size = 0;
    std::int64_t mtime_ns = 0;
    Clock::time_point stable_since;
  };
  std::chrono::seconds settle_;
  std::map<std::string, Seen> seen_;
  std::set<std::string> renamed_in_;
};

}  // namespace ctim::agent::inbox
