#include "common/base64.h"

#include <gtest/gtest.h>

namespace ctim {
namespace {

// RFC 4648 section 10 test vectors.
TEST(Base64, Rfc4648Vectors) {
  struct Case {
    const char* plain;
    const char* encoded;
  } cases[] = {{"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},        {"foo", "Zm9v"},
               {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (const auto& c : cases) {
    EXPECT_EQ(Base64Encode(c.plain), c.encoded) << c.plain;
    EXPECT_EQ(Base64Decode(c.encoded).value_or("<fail>"), c.plain) << c.encoded;
  }
}

TEST(Base64, UrlAlphabetHasNoPadding) {
  const std::string bytes("\xfb\xff\xbf", 3);
  EXPECT_EQ(Base64Encode(bytes), "+/+/");
  EXPECT_EQ(Base64UrlEncode(bytes), "-_-_");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlDecode("Zg").value_or("<fail>"), "f");
}

TEST(Base64, RejectsGarbage) {
  for (const char* bad : {"Zg=", "Z===", "Zm9v!", "Zh==", "Zm 9v"}) EXPECT_FALSE(Base64Decode(bad)) << bad;
  EXPECT_FALSE(Base64UrlDecode("Z"));
  EXPECT_FALSE(Base64UrlDecode("Zg=="));
}

}  // namespace
}  // namespace ctim
