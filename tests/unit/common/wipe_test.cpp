#include "common/wipe.h"

#include <gtest/gtest.h>

#include <string>

namespace ctim {
namespace {

bool AllZero(const char* p, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    if (p[i] != 0) return false;
  }
  return true;
}

TEST(WipeString, ZeroesTheWholeBufferAndEmptiesIt) {
  std::string s(200, 'x');
  s.resize(10);  // length 10, the buffer still holds 200 bytes of 'x'
  const char* buffer = s.data();
  const std::size_t capacity = s.capacity();
  WipeString(s);
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.data(), buffer) << "the buffer stays with the string";
  EXPECT_TRUE(AllZero(buffer, capacity));
}

TEST(WipeString, ZeroesAnInPlaceShortString) {
  std::string s("short-secret");
  WipeString(s);
  EXPECT_TRUE(AllZero(s.data(), s.capacity()));
}

TEST(AppendWiping, AppendsLikePlusEqualsAcrossGrowth) {
  std::string s;
  std::string expected;
  for (int i = 0; i < 1000; ++i) {
    const std::string piece = "piece-" + std::to_string(i) + ";";
    AppendWiping(s, piece);
    expected += piece;
  }
  EXPECT_EQ(s, expected);
}

TEST(AppendWiping, GrowsGeometrically) {
  std::string s;
  int moves = 0;
  const char* last = s.data();
  for (int i = 0; i < 100'000; ++i) {
    AppendWiping(s, "0123456789");
    if (s.data() != last) ++moves;
    last = s.data();
  }
  EXPECT_LT(moves, 40) << "a new buffer per doubling, not per append";
}

}  // namespace
}  // namespace ctim
