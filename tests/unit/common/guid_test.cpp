#include "common/guid.h"

#include <gtest/gtest.h>

#include "common/base64.h"

namespace ctim {
namespace {

std::string Hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    if (!out.empty()) out.push_back(' ');
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

// The two vectors of doc/facts.md §2.3.
TEST(Guid, ExchangeGuidFromDocsHasAdByteOrder) {
  auto g = Guid::Parse("1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8");
  ASSERT_TRUE(g);
  EXPECT_EQ(Hex(g->AdBytes()), "c7 59 c0 1e 96 83 0b 4d af 4e d6 bd 4c 12 a8 d8");
  EXPECT_EQ(Base64Encode(g->AdBytes()), "x1nAHpaDC02vTta9TBKo2A==");
}

TEST(Guid, Base64AdBytesRoundTripToText) {
  auto bytes = Base64Decode("+klu7DM5yE+9tOs6MuGxsw==");
  ASSERT_TRUE(bytes);
  auto g = Guid::FromAdBytes(*bytes);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->ToString(), "ec6e49fa-3933-4fc8-bdb4-eb3a32e1b1b3");
  EXPECT_EQ(g->AdBytes(), *bytes);
}

TEST(Guid, AcceptsBracesAndAnyCase) {
  auto a = Guid::Parse("{1EC059C7-8396-4D0B-AF4E-D6BD4C12A8D8}");
  auto b = Guid::Parse("1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(a->ToString(), "1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8");
}

TEST(Guid, RejectsMalformedText) {
  const char* bad[] = {
      "",
      "1ec059c7-8396-4d0b-af4e-d6bd4c12a8d",     // short
      "1ec059c7-8396-4d0b-af4e-d6bd4c12a8d80",   // long
      "1ec059c783964d0baf4ed6bd4c12a8d8",        // no dashes
      "1ec059c7-8396-4d0b-af4e-d6bd4c12a8dg",    // not hex
      "{1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8",   // one brace
      "1ec059c7_8396-4d0b-af4e-d6bd4c12a8d8",    // wrong separator
      " 1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8",   // space
  };
  for (const char* text : bad) EXPECT_FALSE(Guid::Parse(text)) << text;
}

TEST(Guid, ZeroAndByteLength) {
  EXPECT_TRUE(Guid().IsZero());
  EXPECT_TRUE(Guid::Parse("00000000-0000-0000-0000-000000000000")->IsZero());
  EXPECT_FALSE(Guid::Parse("00000000-0000-0000-0000-000000000001")->IsZero());
  EXPECT_FALSE(Guid::FromAdBytes(std::string(15, 'x')));
  EXPECT_FALSE(Guid::FromAdBytes(std::string(17, 'x')));
}

}  // namespace
}  // namespace ctim
