#include "ldap/escape.h"

#include <gtest/gtest.h>

#include <string>

namespace ctim::ldap {
namespace {

using namespace std::string_literals;

struct Case {
  const char* name;
  std::string in;
  std::string out;
};

TEST(EscapeFilterValue, Rfc4515ExamplesAndHostileValues) {
  const Case cases[] = {
      // RFC 4515 section 4 examples
      {"rfc: parens and star", "Parens R Us (for all your parenthetical needs)",
       "Parens R Us \\28for all your parenthetical needs\\29"},
      {"rfc: lone star", "*", "\\2a"},
      {"rfc: backslashes", "C:\\MyFile", "C:\\5cMyFile"},
      {"rfc: binary with NUL", "\x00\x00\x00\x04"s, "\\00\\00\\00\\04"},
      {"rfc: utf-8 Lu\xc4\x8di\xc4\x87", "Lu\xc4\x8di\xc4\x87", "Lu\\c4\\8di\\c4\\87"},
      {"plain", "alice@contoso.example", "alice@contoso.example"},
      {"empty", "", ""},
      {"injection attempt", "*)(objectClass=*", "\\2a\\29\\28objectClass=\\2a"},
      {"x500 proxy", "X500:/o=Org/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients",
       "X500:/o=Org/ou=Exchange Administrative Group \\28FYDIBOHF23SPDLT\\29/cn=Recipients"},
      {"NUL in the middle", "a\0b"s, "a\\00b"},
      {"control bytes", "a\nb\x7f", "a\\0ab\\7f"},
      {"0xff byte", "\xff", "\\ff"},
      {"DN specials are fine in a filter", ",+\"<>;=#", ",+\"<>;=#"},
  };
  for (const Case& c : cases) EXPECT_EQ(EscapeFilterValue(c.in), c.out) << c.name;
}

TEST(EscapeFilterBytes, EveryByteAsHex) {
  const std::string guid = "\x3c\x2d\x1e\x6f\x5a\x4b\x78\x49\x8a\x6b\x5c\x4d\x3e\x2f\x1a\x0b";
  EXPECT_EQ(EscapeFilterBytes(guid), "\\3c\\2d\\1e\\6f\\5a\\4b\\78\\49\\8a\\6b\\5c\\4d\\3e\\2f\\1a\\0b");
  EXPECT_EQ(EscapeFilterBytes("\x00\xff"s), "\\00\\ff");
  EXPECT_EQ(EscapeFilterBytes(""), "");
}

TEST(FilterEquals, WrapsAndEscapes) {
  EXPECT_EQ(FilterEquals("mail", "bob*@x"), "(mail=bob\\2a@x)");
  EXPECT_EQ(FilterEquals("proxyAddresses", "smtp:a(b)"), "(proxyAddresses=smtp:a\\28b\\29)");
}

TEST(EscapeDnValue, Rfc4514ExamplesAndHostileValues) {
  const Case cases[] = {
      // RFC 4514 section 4 examples (values only)
      {"rfc: comma", "Sales, Inc.", "Sales\\, Inc."},
      {"rfc: plus and quote-less", "Steve Kille", "Steve Kille"},
      {"rfc: leading hash", "#Hash", "\\#Hash"},
      {"rfc: semicolon", "Before;After", "Before\\;After"},
      {"rfc: leading and trailing space", " both ", "\\ both\\ "},
      {"rfc: utf-8 kept", "Lu\xc4\x8di\xc4\x87", "Lu\xc4\x8di\xc4\x87"},
      {"all specials", "\"+,;<>=\\", "\\\"\\+\\,\\;\\<\\>\\=\\\\"},
      {"hash not leading", "a#b", "a#b"},
      {"inner spaces kept", "a  b", "a  b"},
      {"single space", " ", "\\ "},
      {"two spaces", "  ", "\\ \\ "},
      {"NUL", "a\0b"s, "a\\00b"},
      {"newline", "a\nb", "a\\0ab"},
      {"star and parens are fine in a DN", "*()", "*()"},
      {"binary bytes", "\xff\xfe\x80", "\\ff\\fe\\80"},
      {"truncated utf-8", "a\xc3", "a\\c3"},
      {"overlong utf-8 slash", "\xc0\xaf", "\\c0\\af"},
      {"surrogate", "\xed\xa0\x80", "\\ed\\a0\\80"},
      {"4-byte utf-8 kept", "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"},
      {"empty", "", ""},
  };
  for (const Case& c : cases) EXPECT_EQ(EscapeDnValue(c.in), c.out) << c.name;
}

TEST(Rdn, BuildsTypeEqualsEscapedValue) {
  EXPECT_EQ(Rdn("OU", "t-a,b"), "OU=t-a\\,b");
  EXPECT_EQ(Rdn("CN", "#x "), "CN=\\#x\\ ");
}

}  // namespace
}  // namespace ctim::ldap
