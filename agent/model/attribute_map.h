// Attribute name -> values of one directory object. Names compare case-insensitively, as LDAP's do
// ("proxyaddresses" finds "proxyAddresses").
// A vector sorted by name rather than a std::map: an object carries a couple of dozen attributes at most, so
// there is no node (and no allocation) per attribute — about 40 bytes less each, which over the candidate
// users of a large OU is most of what an object costs beyond its values — and a lookup is a binary search
// over contiguous memory. Inserting or erasing moves the entries after it: a reference into the map is
// valid until the next insertion or erasure. A name is not stored per object: every entry views the one
// process-wide copy of its spelling (names repeat on every object of a search; a copy each cost 32 bytes,
// plus a heap block for the many names longer than 15 characters).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/ascii.h"

namespace ctim::agent {

using AttributeValues = std::vector<std::string>;

class AttributeMap {
 public:
  using value_type = std::pair<std::string_view, AttributeValues>;  // the name views a lasting copy
  using iterator = std::vector<value_type>::iterator;
  using const_iterator = std::vector<value_type>::const_iterator;

  [[nodiscard]] iterator begin() { return entries_.begin(); }
  [[nodiscard]] iterator end() { return entries_.end(); }
  [[nodiscard]] const_iterator begin() const { return entries_.begin(); }
  [[nodiscard]] const_iterator end() const { return entries_.end(); }
  [[nodiscard]] bool empty() const { return entries_.empty(); }
  [[nodiscard]] std::size_t size() const { return entries_.size(); }
  void reserve(std::size_t n) { entries_.reserve(n); }
  void shrink_to_fit() { entries_.shrink_to_fit(); }

  [[nodiscard]] iterator find(std::string_view name);
  [[nodiscard]] const_iterator find(std::string_view name) const;
  [[nodiscard]] bool contains(std::string_view name) const { return find(name) != end(); }
  // The values of `name`, inserted empty when absent (as std::map::operator[]).
  AttributeValues& operator[](std::string_view name);
  // Inserts unless `name` is present (as std::map::emplace); the bool says whether it inserted.
  std::pair<iterator, bool> emplace(std::string_view name, AttributeValues values);
  std::size_t erase(std::string_view name);

  friend bool operator==(const AttributeMap&, const AttributeMap&) = default;

 private:
  [[nodiscard]] const_iterator LowerBound(std::string_view name) const;

  std::vector<value_type> entries_;  // sorted by name, AsciiCaseLess; names unique under it
};

}  // namespace ctim::agent
