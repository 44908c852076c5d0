#include "ldap/ranged_attribute.h"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <vector>

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

using Clock = RangeFollower::Clock;

RangedAttribute Range(std::size_t low, std::optional<std::size_t> high) { return {"member", low, high}; }

// Drives a follower through `chunks` (nullopt: the DC returned no chunk); returns the first error, or ok.
Status Follow(RangeFollower& follower, const std::vector<std::optional<RangedAttribute>>& chunks,
              Clock::time_point now) {
  for (const auto& chunk : chunks) {
    auto request = follower.NextRequest(now);
    if (!request) return std::unexpected(request.error());
    if (Status s = follower.Accept(chunk); !s) return s;
  }
  return {};
}

TEST(RangeFollower, FollowsContiguousChunksToTheLast) {
  const auto now = Clock::now();
  RangeFollower f(Range(0, 1499), 10, now + std::chrono::seconds(60));
  EXPECT_FALSE(f.done());
  auto request = f.NextRequest(now);
  ASSERT_TRUE(request);
  EXPECT_EQ(*request, "member;range=1500-*");
  ASSERT_TRUE(f.Accept(Range(1500, 2999)));
  EXPECT_FALSE(f.done());
  request = f.NextRequest(now);
  ASSERT_TRUE(request);
  EXPECT_EQ(*request, "member;range=3000-*");
  ASSERT_TRUE(f.Accept(Range(3000, std::nullopt)));
  EXPECT_TRUE(f.done());
}

TEST(RangeFollower, EveryBoundBrokenIsAnErrorNeverATruncatedList) {
  const auto now = Clock::now();
  struct Case {
    const char* name;
    std::vector<std::optional<RangedAttribute>> chunks;
    std::size_t max_requests;
    Clock::time_point deadline;
    const char* says;  // nullptr: no error, the follower is done
  } cases[] = {
      {"contiguous to the end",
       {Range(1500, 2999), Range(3000, std::nullopt)},
       10,
       now + std::chrono::hours(1),
       nullptr},
      {"the DC repeats the same range (no progress)",
       {Range(1500, 2999), Range(1500, 2999)},
       10,
       now + std::chrono::hours(1),
       "asked for values from 3000 on, the DC returned range 1500-2999"},
      {"the DC skips values",
       {Range(1600, std::nullopt)},
       10,
       now + std::chrono::hours(1),
       "asked for values from 1500 on, the DC returned range 1600-*"},
      {"the DC returns no chunk while values remain",
       {std::nullopt},
       10,
       now + std::chrono::hours(1),
       "the DC returned no values from 1500 on"},
      {"the request cap",
       {Range(1500, 2999), Range(3000, 4499), Range(4500, std::nullopt)},
       2,
       now + std::chrono::hours(1),
       "the DC still had values after 2 requests"},
      {"the total deadline",
       {Range(1500, std::nullopt)},
       10,
       now,
       "the deadline for the whole attribute passed"},
  };
  for (const Case& c : cases) {
    RangeFollower f(Range(0, 1499), c.max_requests, c.deadline);
    const Status s = Follow(f, c.chunks, now);
    if (c.says == nullptr) {
      EXPECT_TRUE(s) << c.name << ": " << s.error().ToString();
      EXPECT_TRUE(f.done()) << c.name;
      continue;
    }
    ASSERT_FALSE(s) << c.name;
    EXPECT_EQ(s.error().code, Errc::kUnavailable) << c.name;
    EXPECT_NE(s.error().message.find(c.says), std::string::npos) << c.name << ": " << s.error().message;
    EXPECT_NE(s.error().message.find("ranged read of member"), std::string::npos) << c.name;
    EXPECT_NE(s.error().message.find("refusing a truncated value list"), std::string::npos) << c.name;
    EXPECT_FALSE(f.done()) << c.name;
  }
}

}  // namespace
}  // namespace ctim::ldap
