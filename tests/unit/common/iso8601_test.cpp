#include "common/iso8601.h"

#include <gtest/gtest.h>

#include <chrono>

namespace ctim {
namespace {

using namespace std::chrono;

TEST(Iso8601, FormatsUtcWithTheAskedPrecision) {
  const sys_time<microseconds> t =
      sys_days{year{2025} / January / 31} + hours{12} + minutes{34} + seconds{56} + microseconds{789123};
  const auto tp = time_point_cast<system_clock::duration>(t);
  EXPECT_EQ(FormatUtcIso8601(tp), "2025-01-31T12:34:56Z");
  EXPECT_EQ(FormatUtcIso8601(tp, UtcPrecision::kMilliseconds), "2025-01-31T12:34:56.789Z");
  EXPECT_EQ(FormatUtcIso8601(tp, UtcPrecision::kMicroseconds), "2025-01-31T12:34:56.789123Z");
}

TEST(Iso8601, TruncatesAndPadsTheFraction) {
  const auto tp = time_point_cast<system_clock::duration>(sys_days{year{2024} / February / 29} + seconds{59} +
                                                          microseconds{999999});
  EXPECT_EQ(FormatUtcIso8601(tp), "2024-02-29T00:00:59Z");
  EXPECT_EQ(FormatUtcIso8601(tp, UtcPrecision::kMilliseconds), "2024-02-29T00:00:59.999Z");
  const auto epoch = system_clock::time_point{} + microseconds{5};
  EXPECT_EQ(FormatUtcIso8601(epoch, UtcPrecision::kMicroseconds), "1970-01-01T00:00:00.000005Z");
  EXPECT_EQ(FormatUtcIso8601(epoch, UtcPrecision::kMilliseconds), "1970-01-01T00:00:00.000Z");
}

}  // namespace
}  // namespace ctim
