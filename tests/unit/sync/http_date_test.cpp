#include "sync/http_date.h"

#include <gtest/gtest.h>

#include "sync/retry.h"

namespace ctim::sync {
namespace {

using std::chrono::seconds;

SysTime At(int y, unsigned m, unsigned d, int hh, int mm, int ss) {
  return std::chrono::sys_days(std::chrono::year(y) / std::chrono::month(m) / std::chrono::day(d)) +
         std::chrono::hours(hh) + std::chrono::minutes(mm) + seconds(ss);
}

TEST(HttpDate, ParsesRfc9110Example) {
  auto t = ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT");
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, At(1994, 11, 6, 8, 49, 37));
  EXPECT_EQ(FormatHttpDate(*t), "Sun, 06 Nov 1994 08:49:37 GMT");
}

TEST(HttpDate, RejectsOtherForms) {
  for (std::string_view bad : {"", "120", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
                               "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 31 Feb 1994 08:49:37 GMT",
                               "Xyz, 06 Nov 1994 08:49:37 GMT", "Sun, 06 Nox 1994 08:49:37 GMT"}) {
    EXPECT_FALSE(ParseHttpDate(bad)) << bad;
  }
}

TEST(Iso8601, ParsesGraphForms) {
  const SysTime base = At(2024, 5, 1, 10, 20, 30);
  struct Case {
    std::string_view text;
    SysTime expected;
  };
  const Case cases[] = {
      {"2024-05-01T10:20:30Z", base},
      {"2024-05-01T10:20:30.5Z", base + std::chrono::milliseconds(500)},
      {"2024-05-01T10:20:30.1234567Z", base + std::chrono::microseconds(123456)},
      {"2024-05-01T12:20:30+02:00", base},
      {"2024-05-01T08:20:30-02:00", base},
      // Seven decimals with an offset, as .NET's DateTimeOffset "o" format writes them.
      {"2024-05-01T10:20:30.1234567+00:00", base + std::chrono::microseconds(123456)},
      {"2024-05-01T15:50:30.1234567+05:30", base + std::chrono::microseconds(123456)},
      {"2024-05-01T10:20:30.0000000-00:00", base},
  };
  for (const Case& c : cases) {
    auto t = ParseUtcIso8601(c.text);
    ASSERT_TRUE(t) << c.text;
    EXPECT_EQ(*t, c.expected) << c.text;
  }
  EXPECT_EQ(FormatUtcIso8601(base), "2024-05-01T10:20:30Z");
  for (std::string_view bad : {"", "2024-05-01", "2024-05-01T10:20:30", "2024-13-01T10:20:30Z",
                               "2024-05-01T10:20:30.Z", "2024-05-01T10:20:30+0200"}) {
    EXPECT_FALSE(ParseUtcIso8601(bad)) << bad;
  }
}

TEST(HttpDate, YearsSysTimeCannotHoldAreRefusedNotOverflowed) {
  // Found by time_fuzz: "2994-05-01T10:20:30Z" overflowed the nanosecond count (UBSan).
  EXPECT_FALSE(ParseUtcIso8601("2994-05-01T10:20:30Z"));
  EXPECT_FALSE(ParseUtcIso8601("0001-01-01T00:00:00Z"));  // Graph's placeholder for "never"
  EXPECT_FALSE(ParseHttpDate("Fri, 31 Dec 9999 23:59:59 GMT"));
  EXPECT_FALSE(ParseRetryAfter("Fri, 31 Dec 9999 23:59:59 GMT", SysTime{}));
  EXPECT_TRUE(ParseUtcIso8601("2261-12-31T23:59:59Z"));
  EXPECT_TRUE(ParseUtcIso8601("1678-01-01T00:00:00Z"));
}

}  // namespace
}  // namespace ctim::sync
