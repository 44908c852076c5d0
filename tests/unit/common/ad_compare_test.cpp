// The one rule for "the same value" as AD compares String(Unicode) values (doc/design.md §4).
#include "common/ad_compare.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace ctim {
namespace {

TEST(AdCompare, X500AndSmtpAddressesCompareCaseInsensitively) {
  EXPECT_TRUE(EqualsFolded("X500:/o=Contoso/ou=Exchange/cn=Recipients/cn=Bob",
                           "x500:/O=CONTOSO/OU=exchange/CN=recipients/CN=bob"));
  EXPECT_TRUE(EqualsFolded("SMTP:Bob@Contoso.com", "smtp:bob@contoso.COM"));
  EXPECT_FALSE(EqualsFolded("X500:/o=a", "X500:/o=b"));
  EXPECT_FALSE(EqualsFolded("X500:/o=a", "X500:/o=a "));  // no trimming
}

TEST(AdCompare, FoldsLatinGreekAndCyrillicLetters) {
  EXPECT_TRUE(EqualsFolded("X500:/o=Contoso/cn=M\xC3\x9CLLER", "x500:/O=contoso/CN=m\xC3\xBCller"));  // Ü ü
  EXPECT_TRUE(
      EqualsFolded("\xC3\x80\xC3\x89\xC3\x8E\xC3\x95\xC3\x9C", "\xC3\xA0\xC3\xA9\xC3\xAE\xC3\xB5\xC3\xBC"));
  EXPECT_TRUE(
      EqualsFolded("\xC5\x81\xC3\xB3"
                   "d\xC5\xBA",
                   "\xC5\x82\xC3\xB3"
                   "D\xC5\xBA"));                     // Łódź (Latin Extended-A)
  EXPECT_TRUE(EqualsFolded("\xC5\xB8", "\xC3\xBF"));  // Ÿ ÿ
  EXPECT_TRUE(EqualsFolded("\xCE\x91\xCE\x92\xCE\x93", "\xCE\xB1\xCE\xB2\xCE\xB3"));  // ΑΒΓ αβγ
  EXPECT_TRUE(EqualsFolded("\xD0\x94\xD0\x96\xD0\xAF", "\xD0\xB4\xD0\xB6\xD1\x8F"));  // ДЖЯ джя
  EXPECT_TRUE(EqualsFolded("\xD0\x81", "\xD1\x91"));                                  // Ё ё
}

TEST(AdCompare, LeavesEverythingElseExact) {
  EXPECT_FALSE(EqualsFolded("\xC3\x97", "\xC3\xB7"));  // × and ÷ are not letters
  EXPECT_FALSE(EqualsFolded("\xC4\xB0", "i"));         // İ is left as is (its lower case is 'i' + a mark)
  EXPECT_FALSE(EqualsFolded("\xE2\x82\xAC", "\xE2\x82\xAD"));
  // Invalid UTF-8 compares byte for byte.
  EXPECT_FALSE(EqualsFolded(std::string("\xff\xfe", 2), std::string("\xdf\xde", 2)));
  EXPECT_EQ(FoldCase(std::string("A\xC3", 2)), std::string("a\xC3", 2));
}

TEST(AdCompare, FoldCaseKeepsTheLengthAndIsAKey) {
  const std::string value = "X500:/o=\xC3\x9C\xCE\x91\xD0\x96/cn=ABC";
  EXPECT_EQ(FoldCase(value).size(), value.size());
  EXPECT_EQ(FoldCase(value), "x500:/o=\xC3\xBC\xCE\xB1\xD0\xB6/cn=abc");
  EXPECT_EQ(FoldCase(FoldCase(value)), FoldCase(value));
}

// EqualsFolded compares without building the folded strings; it must agree with comparing them, also where
// the two values split into characters differently (a two-byte letter against single or invalid bytes).
TEST(AdCompare, EqualsFoldedAgreesWithFoldCaseOnEveryMixOfBytes) {
  const std::vector<std::string> pieces = {"a", "A", "z", "\xC3\x9C", "\xC3\xBC", "\xC3", "\x9C", "\xBC",
                                           "\xC5\xB8", "\xC3\xBF", "\xC0\x81", "\xD0\x81", "\xD1\x91",
                                           "\xE2\x82\xAC", "\xFF", "\xCE\x91", "\xCE\xB1", "\xC4\xB0"};
  std::mt19937 random(20261207);
  std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1);
  std::uniform_int_distribution<int> length(0, 5);
  int equal = 0;
  for (int n = 0; n < 200000; ++n) {
    std::string a, b;
    for (int k = length(random); k > 0; --k) a += pieces[pick(random)];
    for (int k = length(random); k > 0; --k) b += pieces[pick(random)];
    const bool expected = FoldCase(a) == FoldCase(b);
    ASSERT_EQ(EqualsFolded(a, b), expected) << "\"" << a << "\" vs \"" << b << "\"";
    equal += expected ? 1 : 0;
  }
  EXPECT_GT(equal, 100);  // the mix produced equal pairs too, not only different ones
}

}  // namespace
}  // namespace ctim
