// RFC 4180 records and input decoding (agent/reader/csv_parser.h, agent/reader/csv_input.h).
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "agent/reader/csv_input.h"
#include "agent/reader/csv_parser.h"

namespace ctim::agent {
namespace {

struct Parsed {
  std::vector<std::string> fields;
  std::size_t first_line = 0;
  std::size_t last_line = 0;
  bool blank = false;
  CsvDefect defect = CsvDefect::kNone;
  std::size_t defect_line = 0;
  std::size_t defect_field = 0;
};

std::vector<Parsed> ParseAll(const std::string& text, std::size_t chunk = CsvInput::kDefaultChunkBytes,
                             std::size_t max_record = 1 << 20) {
  std::istringstream in(text, std::ios::binary);
  CsvInput input(in, chunk);
  EXPECT_TRUE(input.Start(true));
  CsvParser parser(input, max_record);
  std::vector<Parsed> out;
  CsvRecord record;
  for (std::size_t guard = 0; guard <= text.size() + 1 && parser.Next(record); ++guard) {
    Parsed p;
    p.fields.assign(record.fields.begin(), record.fields.end());
    p.first_line = record.first_line;
    p.last_line = record.last_line;
    p.blank = record.blank;
    p.defect = record.defect;
    p.defect_line = record.defect_line;
    p.defect_field = record.defect_field;
    out.push_back(std::move(p));
  }
  return out;
}

using Fields = std::vector<std::string>;

TEST(CsvParser, SplitsRecordsOnLfAndCrlf) {
  const auto records = ParseAll("a,b\r\nc,d\ne,f\r\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].fields, (Fields{"a", "b"}));
  EXPECT_EQ(records[1].fields, (Fields{"c", "d"}));
  EXPECT_EQ(records[2].fields, (Fields{"e", "f"}));
  EXPECT_EQ(records[2].first_line, 3u);
}

TEST(CsvParser, LastLineWithoutLineEndIsARecord) {
  const auto records = ParseAll("a,b\nc,d");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].fields, (Fields{"c", "d"}));
  EXPECT_EQ(records[1].defect, CsvDefect::kNone);
}

TEST(CsvParser, FinalLineEndDoesNotMakeAnEmptyRecord) {
  EXPECT_EQ(ParseAll("a,b\n").size(), 1u);
  EXPECT_EQ(ParseAll("a,b\r\n").size(), 1u);
  EXPECT_TRUE(ParseAll("").empty());
}

TEST(CsvParser, QuotedFieldsHoldCommasQuotesAndLineBreaks) {
  const auto records = ParseAll("\"a,1\",\"say \"\"hi\"\"\",\"two\r\nlines\",\"lf\nonly\"\r\nnext,row\r\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].fields, (Fields{"a,1", "say \"hi\"", "two\r\nlines", "lf\nonly"}));
  EXPECT_EQ(records[0].first_line, 1u);
  EXPECT_EQ(records[0].last_line, 3u);
  EXPECT_EQ(records[1].first_line, 4u);
  EXPECT_EQ(records[1].fields, (Fields{"next", "row"}));
}

TEST(CsvParser, EmptyFieldsAndQuotedEmptyField) {
  const auto records = ParseAll(",\"\",x,\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].fields, (Fields{"", "", "x", ""}));
}

TEST(CsvParser, BlankLineIsMarkedBlank) {
  const auto records = ParseAll("a\n\r\n\nb\n");
  ASSERT_EQ(records.size(), 4u);
  EXPECT_FALSE(records[0].blank);
  EXPECT_TRUE(records[1].blank);
  EXPECT_TRUE(records[2].blank);
  EXPECT_EQ(records[3].fields, (Fields{"b"}));
  EXPECT_EQ(records[3].first_line, 4u);
}

TEST(CsvParser, LoneCrIsData) {
  const auto records = ParseAll("a\rb,c\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].fields, (Fields{"a\rb", "c"}));
}

TEST(CsvParser, StrayQuoteIsMarkedAndParsingResumesAtNextRecord) {
  const auto records = ParseAll("ok,1\nab\"c,2\nnext,3\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].defect, CsvDefect::kStrayQuote);
  EXPECT_EQ(records[1].defect_line, 2u);
  EXPECT_EQ(records[1].defect_field, 0u);
  EXPECT_EQ(records[1].fields, (Fields{"ab\"c", "2"}));
  EXPECT_EQ(records[2].defect, CsvDefect::kNone);
  EXPECT_EQ(records[2].fields, (Fields{"next", "3"}));
}

TEST(CsvParser, TextAfterClosingQuoteIsMarked) {
  const auto records = ParseAll("x,\"abc\"def,y\nnext\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].defect, CsvDefect::kTextAfterQuote);
  EXPECT_EQ(records[0].defect_field, 1u);
  EXPECT_EQ(records[0].fields, (Fields{"x", "abcdef", "y"}));
  EXPECT_EQ(records[1].fields, (Fields{"next"}));
}

TEST(CsvParser, UnterminatedQuoteAtEndOfInput) {
  const auto records = ParseAll("a,b\nc,\"open\nmore\nlines");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].defect, CsvDefect::kUnterminatedQuote);
  EXPECT_EQ(records[1].defect_line, 2u);
  EXPECT_EQ(records[1].defect_field, 1u);
  EXPECT_EQ(records[1].last_line, 4u);
}

TEST(CsvParser, OverlongRecordIsDroppedAndTheNextOneRead) {
  const std::string big(100, 'x');
  const auto records = ParseAll("a,b\n" + big + "," + big + "\nc,d\n", CsvInput::kDefaultChunkBytes, 64);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].defect, CsvDefect::kTooLong);
  EXPECT_TRUE(records[1].fields.empty());
  EXPECT_EQ(records[2].fields, (Fields{"c", "d"}));
}

TEST(CsvParser, ManyTinyFieldsCountAgainstTheRecordLimit) {
  std::string commas(200, ',');
  const auto records = ParseAll(commas + "\nok\n", CsvInput::kDefaultChunkBytes, 64);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].defect, CsvDefect::kTooLong);
  EXPECT_EQ(records[1].fields, (Fields{"ok"}));
}

// Every chunk size must give the same records: boundaries may fall inside "", CRLF, or a UTF-16 unit.
TEST(CsvParser, ChunkBoundariesDoNotChangeTheResult) {
  const std::string text =
      "h1,h2,h3\r\n\"a\"\"b\",\"c\r\nd\",e\r\n\r\nx\ry,\"\",\"q,\"\"\"\"\"\r\nab\"c,\"z\"z,last";
  const auto expected = ParseAll(text);
  for (std::size_t chunk = 1; chunk <= 9; ++chunk) {
    const auto got = ParseAll(text, chunk);
    ASSERT_EQ(got.size(), expected.size()) << "chunk " << chunk;
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].fields, expected[i].fields) << "chunk " << chunk << " record " << i;
      EXPECT_EQ(got[i].first_line, expected[i].first_line) << "chunk " << chunk << " record " << i;
      EXPECT_EQ(got[i].defect, expected[i].defect) << "chunk " << chunk << " record " << i;
      EXPECT_EQ(got[i].blank, expected[i].blank) << "chunk " << chunk << " record " << i;
    }
  }
}

std::string Utf16(std::u16string_view text, bool little, bool bom = true) {
  std::string out;
  if (bom) out += little ? "\xFF\xFE" : "\xFE\xFF";
  for (const char16_t u : text) {
    const char lo = static_cast<char>(u & 0xFF);
    const char hi = static_cast<char>(u >> 8);
    out.push_back(little ? lo : hi);
    out.push_back(little ? hi : lo);
  }
  return out;
}

std::string DecodeAll(const std::string& bytes, std::size_t chunk, TextEncoding* encoding = nullptr) {
  std::istringstream in(bytes, std::ios::binary);
  CsvInput input(in, chunk);
  EXPECT_TRUE(input.Start(true));
  if (encoding != nullptr) *encoding = input.encoding();
  std::string out;
  for (std::size_t guard = 0; guard <= bytes.size() + 1; ++guard) {
    const std::string_view part = input.Read();
    if (part.empty()) break;
    out += part;
  }
  return out;
}

TEST(CsvInput, Utf8BomIsDropped) {
  TextEncoding enc{};
  EXPECT_EQ(DecodeAll("\xEF\xBB\xBF"
                      "a,b\n",
                      64, &enc),
            "a,b\n");
  EXPECT_EQ(enc, TextEncoding::kUtf8Bom);
  EXPECT_EQ(DecodeAll("a,b\n", 64, &enc), "a,b\n");
  EXPECT_EQ(enc, TextEncoding::kUtf8);
  EXPECT_EQ(DecodeAll("ab", 1, &enc), "ab");  // shorter than a BOM
}

TEST(CsvInput, Utf16BothByteOrdersAreTranscodedAtAnyChunkSize) {
  // "Jürgen,😀\r\n": a 2-byte UTF-8 character and a surrogate pair.
  const std::u16string text = u"J\u00FCrgen,\U0001F600\r\n";
  const std::string utf8 = "J\xC3\xBCrgen,\xF0\x9F\x98\x80\r\n";
  for (const bool little : {true, false}) {
    for (std::size_t chunk = 1; chunk <= 5; ++chunk) {
      TextEncoding enc{};
      EXPECT_EQ(DecodeAll(Utf16(text, little), chunk, &enc), utf8) << little << " chunk " << chunk;
      EXPECT_EQ(enc, little ? TextEncoding::kUtf16Le : TextEncoding::kUtf16Be);
    }
  }
}

TEST(CsvInput, BrokenUtf16BecomesAnInvalidUtf8Byte) {
  // Lone high surrogate, lone low surrogate, and a trailing odd byte.
  const std::string lone_high = Utf16(
      u"a\xD800"
      u"b",
      true);
  EXPECT_EQ(DecodeAll(lone_high, 3),
            "a\xFF"
            "b");
  const std::string lone_low = Utf16(u"a\xDC00", false);
  EXPECT_EQ(DecodeAll(lone_low, 2), "a\xFF");
  EXPECT_EQ(DecodeAll(Utf16(u"ab", true) + "x", 1), "ab\xFF");
}

TEST(CsvInput, Utf32IsRefused) {
  for (const std::string& bom : {std::string("\xFF\xFE\x00\x00", 4), std::string("\x00\x00\xFE\xFF", 4)}) {
    std::istringstream in(bom + "abcd", std::ios::binary);
    CsvInput input(in);
    const Status started = input.Start(true);
    ASSERT_FALSE(started);
    EXPECT_NE(started.error().message.find("UTF-32"), std::string::npos) << started.error().message;
  }
}

TEST(CsvInput, Utf16IsRefusedWhenConfigured) {
  std::istringstream in(Utf16(u"a,b\r\n", true), std::ios::binary);
  CsvInput input(in);
  const Status started = input.Start(false);
  ASSERT_FALSE(started);
  EXPECT_NE(started.error().message.find("utf-16le"), std::string::npos) << started.error().message;
  EXPECT_NE(started.error().hint.find("UTF8"), std::string::npos);
}

}  // namespace
}  // namespace ctim::agent
