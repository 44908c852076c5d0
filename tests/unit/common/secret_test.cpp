#include "common/secret.h"

#include <gtest/gtest.h>

#include <string>

namespace ctim {
namespace {

// True when the `n` bytes at `p` are all zero.
bool Zeroed(const char* p, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    if (p[i] != 0) return false;
  }
  return true;
}

TEST(Secret, FormatsAsStarsAndRevealsTheValue) {
  const Secret s(std::string("hunter2"));
  EXPECT_EQ(fmt::format("{}", s), "***");
  EXPECT_EQ(s.Reveal(), "hunter2");
}

TEST(Secret, AShortValueMovedOutLeavesNoCopyInTheSource) {
  // A short string lives inside the object (small-string buffer): a move copies it and would leave the
  // bytes behind in the moved-from Secret.
  Secret source(std::string("pw-short"));
  const char* buffer = source.Reveal().data();
  const std::size_t capacity = source.Reveal().capacity();
  Secret target(std::move(source));
  EXPECT_EQ(target.Reveal(), "pw-short");
  ASSERT_EQ(source.Reveal().data(), buffer);  // the source still owns its inline buffer
  EXPECT_TRUE(Zeroed(buffer, capacity));
  Secret assigned;
  assigned = std::move(target);
  EXPECT_EQ(assigned.Reveal(), "pw-short");
  EXPECT_TRUE(target.empty());
}

TEST(Secret, AReplacedValueIsWipedAcrossItsWholeBuffer) {
  Secret s(std::string(100, 'x'));
  const char* buffer = s.Reveal().data();
  const std::size_t capacity = s.Reveal().capacity();
  s = Secret(std::string("y"));  // short: the string keeps its heap buffer and copies "y" into it
  ASSERT_EQ(s.Reveal().data(), buffer);
  EXPECT_EQ(s.Reveal(), "y");
  EXPECT_TRUE(Zeroed(buffer + 1, capacity - 1)) << "the old tail past the new length is wiped too";
  const Secret other(std::string("z"));
  s = other;  // copy-assignment wipes first as well
  ASSERT_EQ(s.Reveal().data(), buffer);
  EXPECT_EQ(s.Reveal(), "z");
  EXPECT_TRUE(Zeroed(buffer + 1, capacity - 1));
}

}  // namespace
}  // namespace ctim
