#include "common/result.h"

#include <gtest/gtest.h>

#include "common/secret.h"

namespace ctim {
namespace {

Result<int> Half(int v) {
  if (v % 2 != 0) return Fail(Errc::kInvalidInput, "value " + std::to_string(v) + " is odd", "pass an even number");
  return v / 2;
}

TEST(Result, CarriesValueOrError) {
  auto ok = Half(4);
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, 2);
  auto bad = Half(3);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::kInvalidInput);
  EXPECT_EQ(bad.error().ToString(), "value 3 is odd \u2014 pass an even number");
}

TEST(Result, WithPrependsContext) {
  Error e = std::move(Half(5).error()).With("row 17");
  EXPECT_EQ(e.message, "row 17: value 5 is odd");
}

TEST(Secret, NeverFormatsItsValue) {
  Secret s("hunter2");
  EXPECT_EQ(fmt::format("password={}", s), "password=***");
  EXPECT_EQ(s.Reveal(), "hunter2");
}

}  // namespace
}  // namespace ctim
