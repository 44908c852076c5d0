#include "ldap/ranged_read.h"

#include <iterator>
#include <optional>

#include "common/ascii.h"
#include "ldap/ranged_attribute.h"

namespace ctim::ldap {
namespace {

constexpr std::size_t kMaxRangeRequests = 100'000;  // 150 million values at AD's 1500 per range
constexpr int kRangedReadTimeouts = 10;  // a ranged attribute's total deadline, in operation timeouts

bool SameAttribute(const std::string& a, const std::string& b) {
  return !CaseInsensitiveLess{}(a, b) && !CaseInsensitiveLess{}(b, a);
}

}  // namespace

Status FollowRanges(Entry& entry, std::chrono::milliseconds operation_timeout, const BaseRead& read) {
  using Clock = RangeFollower::Clock;
  std::vector<std::string> ranged;
  for (const auto& [name, values] : entry.attrs) {
    if (ParseRangedAttribute(name)) ranged.push_back(name);
  }
  for (const std::string& key : ranged) {
    RangeFollower range(*ParseRangedAttribute(key), kMaxRangeRequests,
                        Clock::now() + kRangedReadTimeouts * operation_timeout);
    Values all = std::move(entry.attrs[key]);
    entry.attrs.erase(key);
    while (!range.done()) {
      auto request = range.NextRequest(Clock::now());
      if (!request) return std::unexpected(std::move(request.error()).With(entry.dn));
      auto next = read(entry.dn, {*request});
      if (!next) return std::unexpected(std::move(next.error()).With("ranged read of " + range.name()));
      std::optional<RangedAttribute> chunk;
      for (auto& [name, values] : next->attrs) {
        auto parsed = ParseRangedAttribute(name);
        if (!parsed || !SameAttribute(parsed->name, range.name())) continue;
        if (Status accepted = range.Accept(parsed); !accepted) {
          return std::unexpected(std::move(accepted.error()).With(entry.dn));
        }
        all.insert(all.end(), std::make_move_iterator(values.begin()), std::make_move_iterator(values.end()));
        chunk = std::move(parsed);
        break;
      }
      if (!chunk) {
        Status none = range.Accept(std::nullopt);
        return std::unexpected(std::move(none.error()).With(entry.dn));
      }
    }
    Values& merged = entry.attrs[range.name()];
    merged.insert(merged.end(), std::make_move_iterator(all.begin()), std::make_move_iterator(all.end()));
  }
  return {};
}

}  // namespace ctim::ldap
