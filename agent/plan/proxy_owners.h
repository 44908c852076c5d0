// Which objects in the forest already carry a proxyAddresses value (Global Catalog answer of
// Directory::FindProxyOwners), for R6. Values compare case-insensitively, as AD does.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "agent/model/directory.h"

namespace ctim::agent {

class ProxyOwners {
 public:
  // Marks every value as looked up, then records who holds each (owners may be empty: nobody does).
  void Record(const std::set<std::string>& looked_up, const std::vector<ProxyOwner>& owners);

  // True if `value` was part of a lookup (so an empty Others() really means "nobody else").
  [[nodiscard]] bool Checked(std::string_view value) const;
  // Owners of `value` other than the object `self`.
  [[nodiscard]] std::vector<ProxyOwner> Others(std::string_view value, const Guid& self) const;

 private:
  std::unordered_map<std::string, std::vector<ProxyOwner>> by_value_;  // folded value -> owners
};

}  // namespace ctim::agent
