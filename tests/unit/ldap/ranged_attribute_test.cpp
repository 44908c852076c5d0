#include "ldap/ranged_attribute.h"

#include <gtest/gtest.h>

namespace ctim::ldap {
namespace {

TEST(ParseRangedAttribute, AdForms) {
  auto first = ParseRangedAttribute("member;range=0-1499");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->name, "member");
  EXPECT_EQ(first->low, 0u);
  ASSERT_TRUE(first->high);
  EXPECT_EQ(*first->high, 1499u);
  EXPECT_EQ(NextRangeRequest(*first), "member;range=1500-*");

  auto last = ParseRangedAttribute("member;range=1500-*");
  ASSERT_TRUE(last);
  EXPECT_EQ(last->low, 1500u);
  EXPECT_FALSE(last->high);

  auto upper = ParseRangedAttribute("Member;Range=3000-4499");
  ASSERT_TRUE(upper);
  EXPECT_EQ(upper->name, "Member");

  auto with_option = ParseRangedAttribute("member;binary;range=0-9");
  ASSERT_TRUE(with_option);
  EXPECT_EQ(with_option->name, "member;binary");
}

TEST(ParseRangedAttribute, NotRanged) {
  for (const char* s :
       {"member", "member;binary", "range=0-1", "member;range=", "member;range=a-b", "member;range=5-4",
        "member;range=0-1;range=2-3", ";range=0-1", "member;range=0", "member;range=-1-*"}) {
    EXPECT_FALSE(ParseRangedAttribute(s)) << s;
  }
}

}  // namespace
}  // namespace ctim::ldap
