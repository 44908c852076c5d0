#include "sync/graph_throttle.h"

#include <gtest/gtest.h>

namespace ctim::sync {
namespace {

using std::chrono::milliseconds;

HttpResponse With(std::vector<HttpHeader> headers) {
  HttpResponse r;
  r.status = 200;
  r.headers = std::move(headers);
  return r;
}

TEST(ThrottleSignal, ReadsTheFourHeaders) {
  const ThrottleSignal s =
      ReadThrottleSignal(With({{"x-ms-resource-unit", "2"},
                               {"x-ms-throttle-limit-percentage", "0.85"},
                               {"x-ms-throttle-scope",
                                " Tenant_Application/Read/9a3d526c-b3c1-4479-ba74-197b5c5751ae/"
                                "0785ef7c-2d7a-4542-b048-95bcab406e0b"},
                               {"x-ms-throttle-information", "ResourceUnitLimitExceeded"}}));
  ASSERT_TRUE(s.resource_units);
  EXPECT_EQ(*s.resource_units, 2U);
  ASSERT_TRUE(s.limit_fraction);
  EXPECT_DOUBLE_EQ(*s.limit_fraction, 0.85);
  EXPECT_EQ(
      s.scope,
      "Tenant_Application/Read/9a3d526c-b3c1-4479-ba74-197b5c5751ae/0785ef7c-2d7a-4542-b048-95bcab406e0b");
  EXPECT_EQ(s.information, "ResourceUnitLimitExceeded");
}

TEST(ThrottleSignal, AbsentOrMalformedNumbersStayUnset) {
  EXPECT_FALSE(ReadThrottleSignal(With({})).limit_fraction);
  EXPECT_FALSE(ReadThrottleSignal(With({})).resource_units);
  for (const char* bad : {"", "x", "0.8x", "-0.9", "nan", "inf"}) {
    EXPECT_FALSE(ReadThrottleSignal(With({{"x-ms-throttle-limit-percentage", bad}})).limit_fraction) << bad;
  }
  for (const char* bad : {"", "-1", "1.5", "two"}) {
    EXPECT_FALSE(ReadThrottleSignal(With({{"x-ms-resource-unit", bad}})).resource_units) << bad;
  }
  // Graph's documented range reaches 1.8 (80% of requests throttled): read as is.
  EXPECT_DOUBLE_EQ(*ReadThrottleSignal(With({{"x-ms-throttle-limit-percentage", "1.8"}})).limit_fraction,
                   1.8);
}

TEST(PauseFor, NothingBelowEightyPercentThenProportionalThenBounded) {
  const PacingPolicy p;  // 0.8 .. 1.0, at most 10 s
  EXPECT_EQ(PauseFor(p, 0.0), milliseconds(0));
  EXPECT_EQ(PauseFor(p, 0.79), milliseconds(0));
  EXPECT_EQ(PauseFor(p, 0.8), milliseconds(0));
  EXPECT_EQ(PauseFor(p, 0.85), milliseconds(2500));
  EXPECT_EQ(PauseFor(p, 0.9), milliseconds(5000));
  EXPECT_EQ(PauseFor(p, 0.95), milliseconds(7500));
  EXPECT_EQ(PauseFor(p, 1.0), milliseconds(10000));
  EXPECT_EQ(PauseFor(p, 1.8), milliseconds(10000));
  EXPECT_EQ(PauseFor(p, 1e300), milliseconds(10000));
}

TEST(PauseFor, GrowsWithTheFraction) {
  const PacingPolicy p{0.8, 1.0, milliseconds(2000)};
  milliseconds last{0};
  for (double f = 0.8; f <= 1.2; f += 0.01) {
    const milliseconds pause = PauseFor(p, f);
    EXPECT_GE(pause, last) << f;
    EXPECT_LE(pause, milliseconds(2000)) << f;
    last = pause;
  }
}

TEST(PauseFor, AZeroMaximumTurnsPacingOff) {
  EXPECT_EQ(PauseFor(PacingPolicy{0.8, 1.0, milliseconds(0)}, 1.5), milliseconds(0));
}

}  // namespace
}  // namespace ctim::sync
