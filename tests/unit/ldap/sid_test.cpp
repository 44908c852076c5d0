#include "ldap/sid.h"

#include <gtest/gtest.h>

#include <string>

namespace ctim::ldap {
namespace {

using namespace std::string_literals;

TEST(SidToString, DomainAndWellKnownSids) {
  // Administrator of the lab domain, as the rootDSE's tokenGroups returns it (base64
  // AQUAAAAAAAUVAAAAs7+zmmOMZQeDWAjB9AEAAA==)
  const std::string admin =
      "\x01\x05\x00\x00\x00\x00\x00\x05\x15\x00\x00\x00\xb3\xbf\xb3\x9a\x63\x8c\x65\x07\x83\x58\x08\xc1\xf4\x01\x00\x00"s;
  EXPECT_EQ(SidToString(admin), "S-1-5-21-2595471283-124095587-3238549635-500");
  EXPECT_EQ(SidToString("\x01\x01\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00"s), "S-1-1-0");  // Everyone
  EXPECT_EQ(SidToString("\x01\x02\x00\x00\x00\x00\x00\x05\x20\x00\x00\x00\x21\x02\x00\x00"s), "S-1-5-32-545");
}

TEST(SidToString, Malformed) {
  EXPECT_FALSE(SidToString(""));
  EXPECT_FALSE(SidToString("\x01\x01\x00\x00\x00\x00\x00\x01"s));  // count 1, no sub-authority
  EXPECT_FALSE(SidToString("\x02\x00\x00\x00\x00\x00\x00\x01"s));  // revision 2
  EXPECT_FALSE(SidToString("\x01\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00"s));  // trailing bytes
}

}  // namespace
}  // namespace ctim::ldap
