// Plain values that cross the ldap/ boundary: an entry read from the directory, one modification, and
// the search scope. No libldap, lber or SASL type appears here, so a second implementation (Wldap32)
// can produce and consume the same values.
#pragma once

#include <algorithm>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/ascii.h"

namespace ctim::ldap {

// Attribute names compare case-insensitively (ASCII), as LDAP attribute descriptions do: the server
// may answer "mail" for a request of "Mail". Transparent, so lookups take a std::string_view.
using CaseInsensitiveLess = AsciiCaseLess;

// Values are binary-safe: an AD GUID value is 16 raw bytes, which may include 0x00 and 0xff.
using Values = std::vector<std::string>;
using Attributes = std::map<std::string, Values, CaseInsensitiveLess>;

struct Entry {
  std::string dn;
  Attributes attrs;

  // The values of one attribute, or nullptr if the entry has none (absent or not readable).
  [[nodiscard]] const Values* Find(std::string_view attribute) const {
    auto it = attrs.find(attribute);
    return it == attrs.end() ? nullptr : &it->second;
  }
  // The first value of an attribute, or an empty view if absent.
  [[nodiscard]] std::string_view First(std::string_view attribute) const {
    const Values* values = Find(attribute);
    return (values == nullptr || values->empty()) ? std::string_view() : std::string_view(values->front());
  }
};

// One modification of one attribute (RFC 4511 ModifyRequest change). kDelete with no values deletes
// the whole attribute; kReplace with no values removes all values; otherwise per value.
struct Mod {
  enum Op { kAdd, kDelete, kReplace };
  Op op = kReplace;
  std::string attr;
  Values values;
};

enum class Scope { kBase, kOneLevel, kSubtree };

}  // namespace ctim::ldap
