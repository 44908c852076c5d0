#include "agent/inbox/arrival.h"

#include <algorithm>

namespace ctim::agent::inbox {

bool IsInputName(std::string_view name) {
  if (name.empty() || name.front() == '.') return false;
  for (std::string_view suffix : {".tmp", ".part", ".approve"}) {
    if (name.size() >= suffix.size()) {
      std::string tail(name.substr(name.size() - suffix.size()));
      for (char& c : tail) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      if (tail == suffix) return false;
    }
  }
  return true;
}

std::string ApprovedName(std::string_view name) {
  constexpr std::string_view kSuffix = ".approve";
  if (name.size() <= kSuffix.size() || !name.ends_with(kSuffix) || name.front() == '.') return {};
  return std::string(name.substr(0, name.size() - kSuffix.size()));
}

void ArrivalTracker::MarkRenamedIn(const std::string& name) {
  if (IsInputName(name)) renamed_in_.insert(name);
}

std::vector<std::string> ArrivalTracker::Update(std::span<const DirEntry> listing, Clock::time_point now) {
  std::vector<std::string> ready;
  std::map<std::string, Seen> still;
  for (const DirEntry& e : listing) {
    if (!IsInputName(e.name)) continue;
    if (renamed_in_.contains(e.name)) {
      ready.push_back(e.name);
      continue;
    }
    auto it = seen_.find(e.name);
    Seen s{e.size, e.mtime_ns, now};
    if (it != seen_.end() && it->second.size == e.size && it->second.mtime_ns == e.mtime_ns) {
      s.stable_since = it->second.stable_since;
    }
    if (now - s.stable_since >= settle_) {
      ready.push_back(e.name);
    } else {
      still.emplace(e.name, s);
    }
  }
  // The caller lists the inbox after reading the watcher's events, so a rename not in this listing was
  // followed by a move out again: forget it.
  seen_ = std::move(still);
  renamed_in_.clear();
  std::sort(ready.begin(), ready.end());
  return ready;
}

}  // namespace ctim::agent::inbox
