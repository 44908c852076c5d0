// Text helpers of the reader (agent/reader/identity_reader_text.h): the 8-bytes-at-a-time fast paths must agree
// with the byte-by-byte rules at every position of a word.
#include <gtest/gtest.h>

#include <string>

#include "agent/reader/identity_reader_text.h"
#include "common/ascii.h"

namespace ctim::agent {
namespace {

TEST(ReaderText, PrintableAsciiAtEveryPositionAndBoundaryByte) {
  for (int byte = 0; byte < 256; ++byte) {
    const bool printable = byte >= 0x20 && byte <= 0x7E;
    for (std::size_t pos = 0; pos < 19; ++pos) {
      std::string text(19, 'a');
      text[pos] = static_cast<char>(byte);
      EXPECT_EQ(IsPrintableAscii(text), printable) << "byte " << byte << " at " << pos;
      const bool control = byte < 0x20 || byte == 0x7F;
      EXPECT_EQ(FindControlCharacter(text).has_value(), control) << byte;
    }
  }
  EXPECT_TRUE(IsPrintableAscii(""));
}

TEST(ReaderText, Utf8Validation) {
  struct Case {
    std::string text;
    std::optional<std::size_t> bad;
  };
  const Case cases[] = {
      {"plain ascii, long enough for words", std::nullopt},
      {"\xC3\xBC\xE2\x82\xAC\xF0\x9F\x98\x80", std::nullopt},
      {"abcdefgh\xC3", 8},             // truncated at the end
      {"ab\xC0\xAF", 2},               // overlong '/'
      {"ab\xED\xA0\x80", 2},           // UTF-16 surrogate
      {"\xF4\x90\x80\x80", 0},         // above U+10FFFF
      {"abcdefghijklmno\x80", 15},     // lone continuation after a fast-path word
      {"\xEF\xBF\xBF", std::nullopt},  // U+FFFF is a valid code point
  };
  for (const Case& c : cases) EXPECT_EQ(FindInvalidUtf8(c.text), c.bad) << QuoteForMessage(c.text);
}

TEST(ReaderText, LengthsAndPositions) {
  EXPECT_EQ(Utf16Length("abc"), 3u);
  EXPECT_EQ(Utf16Length("\xC3\xBC\xE2\x82\xAC"), 2u);
  EXPECT_EQ(Utf16Length("a\xF0\x9F\x98\x80"), 3u);  // a surrogate pair counts 2
  EXPECT_EQ(CharacterNumber("ab\xC3\xBCx", 4), 4u);
  EXPECT_EQ(CharacterNumber("x", 0), 1u);
}

TEST(ReaderText, QuoteForMessageIsOneLineAndBounded) {
  EXPECT_EQ(QuoteForMessage("a\"b\\c\r\n\t\x01\xFF"), "\"a\\\"b\\\\c\\r\\n\\t\\x01\\xFF\"");
  EXPECT_EQ(QuoteForMessage("J\xC3\xBCrgen"), "\"J\xC3\xBCrgen\"");
  EXPECT_EQ(QuoteForMessage(std::string(100, 'x'), 5), "\"xxxxx\u2026\"");
  EXPECT_EQ(QuoteForMessage("xxxxx", 5), "\"xxxxx\"");
}

TEST(ReaderText, CaseInsensitiveAsciiOnly) {
  EXPECT_TRUE(EqualsAscii("ExchangeGuid", "EXCHANGEGUID"));
  EXPECT_FALSE(EqualsAscii("\xC3\x84", "\xC3\xA4"));
  EXPECT_TRUE(StartsWithAscii("X500:/o=a", "x500:"));
  EXPECT_FALSE(StartsWithAscii("X50", "x500:"));
}

}  // namespace
}  // namespace ctim::agent
