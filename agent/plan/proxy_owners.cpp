#include "agent/plan/proxy_owners.h"

#include <algorithm>

#include "agent/model/text_fold.h"

namespace ctim::agent {

void ProxyOwners::Record(const std::set<std::string>& looked_up, const std::vector<ProxyOwner>& owners) {
  for (const std::string& v : looked_up) by_value_.try_emplace(FoldCase(v));
  for (const ProxyOwner& owner : owners) {
    auto& list = by_value_[FoldCase(owner.value)];
    const bool known = std::any_of(list.begin(), list.end(),
                                   [&](const ProxyOwner& o) { return o.object_guid == owner.object_guid; });
    if (!known) list.push_back(owner);
  }
}

bool ProxyOwners::Checked(std::string_view value) const { return by_value_.contains(FoldCase(value)); }

std::vector<ProxyOwner> ProxyOwners::Others(std::string_view value, const Guid& self) const {
  std::vector<ProxyOwner> others;
  const auto it = by_value_.find(FoldCase(value));
  if (it == by_value_.end()) return others;
  for (const ProxyOwner& o : it->second) {
    if (o.object_guid != self) others.push_back(o);
  }
  return others;
}

}  // namespace ctim::agent
