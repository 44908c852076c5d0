#include "common/ascii.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace ctim {
namespace {

TEST(Ascii, EqualsFoldsOnlyAsciiLetters) {
  EXPECT_TRUE(EqualsAscii("proxyAddresses", "PROXYADDRESSES"));
  EXPECT_TRUE(EqualsAscii("", ""));
  EXPECT_FALSE(EqualsAscii("mail", "mai"));
  EXPECT_FALSE(EqualsAscii("mail", "maik"));
  // '@' (0x40) and '[' (0x5B) sit next to the capitals and must not fold onto '`' and '{'.
  EXPECT_FALSE(EqualsAscii("@[", "`{"));
  // UTF-8 letters compare exactly: this is not the AD rule (common/ad_compare.h).
  EXPECT_FALSE(EqualsAscii("\xC3\x84", "\xC3\xA4"));
}

TEST(Ascii, StartsWith) {
  EXPECT_TRUE(StartsWithAscii("X500:/o=a", "x500:"));
  EXPECT_TRUE(StartsWithAscii("smtp:a@b", "SMTP:"));
  EXPECT_TRUE(StartsWithAscii("abc", ""));
  EXPECT_FALSE(StartsWithAscii("X50", "x500:"));
  EXPECT_FALSE(StartsWithAscii("X400:c=US", "x500:"));
}

TEST(Ascii, Contains) {
  EXPECT_TRUE(ContainsAscii("KDC reply: Clock Skew too great", "clock skew"));
  EXPECT_TRUE(ContainsAscii("anything", ""));
  EXPECT_FALSE(ContainsAscii("", "a"));
  EXPECT_FALSE(ContainsAscii("Ticket expire", "ticket expired"));
}

TEST(Ascii, LowerCopiesAndFoldsOnlyAscii) {
  EXPECT_EQ(LowerAscii("Content-Type: \xC3\x84"), "content-type: \xC3\x84");
  EXPECT_EQ(LowerAscii(""), "");
}

TEST(Ascii, CaseLessOrdersAndFindsCaseInsensitively) {
  std::map<std::string, int, AsciiCaseLess> m;
  m["objectGUID"] = 1;
  m["Mail"] = 2;
  EXPECT_EQ(m.count("OBJECTGUID"), 1u);
  EXPECT_EQ(m.find(std::string_view("mail"))->second, 2);
  m["MAIL"] = 3;  // the same key
  EXPECT_EQ(m.size(), 2u);
  EXPECT_TRUE(AsciiCaseLess{}("a", "B"));
  EXPECT_FALSE(AsciiCaseLess{}("B", "a"));
  EXPECT_TRUE(AsciiCaseLess{}("ab", "ABC"));
  // Bytes above 0x7F order after ASCII (unsigned comparison).
  EXPECT_TRUE(AsciiCaseLess{}("z", "\xC3\xA4"));
}

}  // namespace
}  // namespace ctim
