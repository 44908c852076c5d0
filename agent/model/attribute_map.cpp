#include "agent/model/attribute_map.h"

#include <algorithm>
#include <functional>
#include <mutex>
#include <set>
#include <string>

namespace ctim::agent {
namespace {

// The lasting copy of `name`'s exact spelling. Names come from the schema, so the set stays a few dozen
// strings; its nodes never move, so the views stay valid. Lookups come from several threads (the candidate
// search, the re-read connection).
std::string_view Interned(std::string_view name) {
  static std::mutex mutex;
  static std::set<std::string, std::less<>> names;
  const std::lock_guard lock(mutex);
  auto it = names.find(name);
  if (it == names.end()) it = names.emplace(name).first;
  return *it;
}

}  // namespace

AttributeMap::const_iterator AttributeMap::LowerBound(std::string_view name) const {
  return std::lower_bound(entries_.begin(), entries_.end(), name,
                          [](const value_type& e, std::string_view n) { return AsciiCaseLess{}(e.first, n); });
}

AttributeMap::const_iterator AttributeMap::find(std::string_view name) const {
  const auto it = LowerBound(name);
  return it != entries_.end() && !AsciiCaseLess{}(name, it->first) ? it : entries_.end();
}

AttributeMap::iterator AttributeMap::find(std::string_view name) {
  return entries_.begin() + (std::as_const(*this).find(name) - entries_.cbegin());
}

AttributeValues& AttributeMap::operator[](std::string_view name) {
  return emplace(name, {}).first->second;
}

std::pair<AttributeMap::iterator, bool> AttributeMap::emplace(std::string_view name, AttributeValues values) {
  const auto at = LowerBound(name);
  const auto offset = at - entries_.cbegin();
  if (at != entries_.end() && !AsciiCaseLess{}(name, at->first)) return {entries_.begin() + offset, false};
  return {entries_.emplace(entries_.begin() + offset, Interned(name), std::move(values)), true};
}

std::size_t AttributeMap::erase(std::string_view name) {
  const auto it = find(name);
  if (it == entries_.end()) return 0;
  entries_.erase(it);
  return 1;
}

}  // namespace ctim::agent
