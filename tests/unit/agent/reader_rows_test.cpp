// Rows as a stream: structural errors, one bad row never stops the others, row/line numbers, summary,
// encodings of whole files.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "reader_test_util.h"

namespace ctim::agent {
namespace {

using testing::Col;
using testing::CsvLine;
using testing::MakeCsv;
using testing::ReadText;
using testing::StdHeader;
using testing::ValidRow;

TEST(IdentityReaderRows, WrongFieldCountRejectsOnlyThatRow) {
  std::vector<std::string> shorter = ValidRow(2);
  shorter.pop_back();
  std::vector<std::string> longer = ValidRow(3);
  longer.push_back("extra");
  const auto all = ReadText(MakeCsv({ValidRow(1), shorter, longer, ValidRow(4)}));
  ASSERT_EQ(all.rows.size(), 2u);
  EXPECT_EQ(all.rows[0].row, 2u);
  EXPECT_EQ(all.rows[1].row, 5u);
  const auto lines = all.ErrorLines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "t.csv:3: has 8 fields, the header has 9");
  EXPECT_EQ(lines[1],
            "t.csv:4: has 10 fields, the header has 9 (a value with a comma must be in double quotes)");
  EXPECT_EQ(all.errors[0].problems[0].reason, Reason::kFieldCount);
}

TEST(IdentityReaderRows, BrokenQuotesRejectTheRowAndReadingGoesOn) {
  const std::string text = MakeCsv({ValidRow(1)}) + "x,y,Bob \"The Boss\"@fabrikam.com,a,b,c,d,e,f\r\n" +
                           CsvLine(ValidRow(3)) + "x,y,\"bob\"@fabrikam.com,a,b,c,d,e,f\r\n" +
                           CsvLine(ValidRow(5));
  const auto all = ReadText(text);
  ASSERT_EQ(all.rows.size(), 3u);
  const auto lines = all.ErrorLines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(
      lines[0],
      "t.csv:3: column PrimarySmtpAddress: a double quote inside an unquoted value (line 3); quote the whole "
      "value and double the quote (\"\")");
  EXPECT_EQ(
      lines[1],
      "t.csv:5: column PrimarySmtpAddress: text after the closing double quote (line 5); a quote inside a "
      "quoted value must be doubled (\"\")");
  EXPECT_EQ(all.errors[0].problems[0].reason, Reason::kBrokenQuotes);
}

TEST(IdentityReaderRows, UnterminatedQuoteAtEndOfFile) {
  const std::string text = MakeCsv({ValidRow(1)}) + "a,b,\"never closed,d\r\ne,f\r\n";
  const auto all = ReadText(text);
  ASSERT_EQ(all.rows.size(), 1u);
  ASSERT_EQ(all.ErrorLines().size(), 1u);
  EXPECT_EQ(all.ErrorLines()[0],
            "t.csv:3: column PrimarySmtpAddress: the double quote opened on line 3 is never closed; the rest "
            "of the "
            "file (to line 4) was read as this one value");
  EXPECT_EQ(all.errors[0].problems[0].reason, Reason::kUnterminatedQuote);
  EXPECT_EQ(all.summary.rows_read, 2u);
}

TEST(IdentityReaderRows, QuotedLineBreaksMakeRowAndLineDiffer) {
  std::vector<std::string> two_lines = ValidRow(2);
  two_lines[Col("MigrationStatus")] = "Mapped\r\n(see ticket 42)";
  std::vector<std::string> bad = ValidRow(3);
  bad[Col("ArchiveGuid")] = "zz";
  const auto all = ReadText(MakeCsv({ValidRow(1), two_lines, bad}));
  ASSERT_EQ(all.rows.size(), 2u);
  EXPECT_EQ(all.rows[1].row, 3u);
  EXPECT_EQ(all.rows[1].line, 3u);
  EXPECT_EQ(all.rows[1].migration_status, "Mapped\r\n(see ticket 42)");
  ASSERT_EQ(all.errors.size(), 1u);
  EXPECT_EQ(all.errors[0].row, 4u);
  EXPECT_EQ(all.errors[0].line, 5u);
  EXPECT_EQ(all.ErrorLines()[0],
            "t.csv:4 (line 5): column ArchiveGuid: \"zz\" is not a GUID (expected 8-4-4-4-12 hex)");
}

TEST(IdentityReaderRows, QuotedCommasAndQuotesInValues) {
  std::vector<std::string> row = ValidRow(1);
  row[Col("LegacyExchangeDN")] = "/o=Org/ou=A, B/cn=Recipients/cn=O\"Brien, \"Jr\"";
  const std::string text = MakeCsv({row});
  ASSERT_NE(text.find("\"/o=Org/ou=A, B/cn=Recipients/cn=O\"\"Brien, \"\"Jr\"\"\""), std::string::npos);
  const auto all = ReadText(text);
  ASSERT_EQ(all.rows.size(), 1u);
  EXPECT_EQ(all.rows[0].legacy_exchange_dn, row[Col("LegacyExchangeDN")]);
}

TEST(IdentityReaderRows, CrlfLfAndNoFinalLineEndReadTheSame) {
  const std::vector<std::vector<std::string>> rows = {ValidRow(1), ValidRow(2), ValidRow(3)};
  const std::string crlf = MakeCsv(rows);
  const std::string lf = MakeCsv(rows, StdHeader(), "\n");
  for (const std::string& text : {crlf, lf, crlf.substr(0, crlf.size() - 2), lf.substr(0, lf.size() - 1)}) {
    const auto all = ReadText(text);
    ASSERT_EQ(all.rows.size(), 3u);
    EXPECT_TRUE(all.errors.empty());
    EXPECT_EQ(all.rows[2].migration_status, "Mapped");  // no stray CR kept in the last field
    EXPECT_EQ(all.rows[2].row, 4u);
  }
}

TEST(IdentityReaderRows, BlankLinesAreSkippedButKeepRowNumbersAlignedWithTheFile) {
  const std::string text =
      CsvLine(StdHeader()) + CsvLine(ValidRow(1)) + "\r\n" + CsvLine(ValidRow(2)) + "\r\n";
  const auto all = ReadText(text);
  ASSERT_EQ(all.rows.size(), 2u);
  EXPECT_EQ(all.rows[1].row, 4u);
  EXPECT_EQ(all.summary.blank_lines, 2u);
  EXPECT_EQ(all.summary.rows_read, 2u);
}

TEST(IdentityReaderRows, SummaryCountsEveryKindOfRow) {
  std::vector<std::string> unmapped = ValidRow(2);
  unmapped[Col("TargetExternalDirectoryObjectId")] = "";
  unmapped[Col("MigrationStatus")] = "NotMapped";
  std::vector<std::string> completed = ValidRow(3);
  completed[Col("MigrationStatus")] = "Completed";
  std::vector<std::string> warned = ValidRow(4);
  warned[Col("MigrationStatus")] = "CompletedWithWarnings";
  std::vector<std::string> bad_guid = ValidRow(5);
  bad_guid[Col("ExchangeGuid")] = "x";
  std::vector<std::string> bad_both = ValidRow(6);
  bad_both[Col("ExchangeGuid")] = "y";
  bad_both[Col("LegacyExchangeDN")] = "z";
  const auto all = ReadText(MakeCsv({ValidRow(1), unmapped, completed, warned, bad_guid, bad_both}));
  const ReaderSummary& s = all.summary;
  EXPECT_EQ(s.encoding, "utf-8");
  EXPECT_EQ(s.rows_read, 6u);
  EXPECT_EQ(s.valid, 4u);
  EXPECT_EQ(s.unmapped, 1u);
  EXPECT_EQ(s.rejected, 2u);
  EXPECT_EQ(s.to_process, 1u);
  EXPECT_EQ(s.to_reverify, 1u);
  EXPECT_EQ(s.to_report, 1u);
  EXPECT_EQ(s.rejected_by_reason[static_cast<std::size_t>(Reason::kBadGuid)], 2u);
  EXPECT_EQ(s.rejected_by_reason[static_cast<std::size_t>(Reason::kBadLegacyDn)], 1u);
  EXPECT_EQ(s.by_status.at("Mapped"), 1u);
  EXPECT_EQ(s.by_status.at("NotMapped"), 1u);
  EXPECT_EQ(s.by_status.at("CompletedWithWarnings"), 1u);
}

TEST(IdentityReaderRows, EndOfFileRepeats) {
  std::istringstream in(MakeCsv({ValidRow(1)}));
  auto reader = IdentityReader::Open(in, "t.csv");
  ASSERT_TRUE(reader);
  EXPECT_TRUE(std::holds_alternative<SourceIdentity>(reader->Next()));
  EXPECT_TRUE(std::holds_alternative<EndOfFile>(reader->Next()));
  EXPECT_TRUE(std::holds_alternative<EndOfFile>(reader->Next()));
}

TEST(IdentityReaderRows, OverlongRowIsSkippedInBoundedMemory) {
  ReaderOptions options;
  options.max_record_bytes = 4096;
  std::vector<std::string> huge = ValidRow(2);
  huge[Col("EmailAddresses")] = "X500:/" + std::string(10000, 'a');
  const auto all = ReadText(MakeCsv({ValidRow(1), huge, ValidRow(3)}), options);
  ASSERT_EQ(all.rows.size(), 2u);
  ASSERT_EQ(all.ErrorLines().size(), 1u);
  EXPECT_EQ(all.ErrorLines()[0], "t.csv:3: the row is longer than 4096 bytes (lines 3-3); skipped");
}

TEST(IdentityReaderRows, RowNumbersSurviveSmallChunks) {
  std::vector<std::string> multi = ValidRow(2);
  multi[Col("MigrationStatus")] = "a\nb\nc";
  std::vector<std::string> bad = ValidRow(3);
  bad[Col("ExchangeGuid")] = "bad";
  const std::string text = "#TYPE x\r\n" + MakeCsv({ValidRow(1), multi, bad});
  const auto reference = ReadText(text);
  for (std::size_t chunk = 1; chunk <= 7; ++chunk) {
    const auto all = ReadText(text, {}, chunk);
    ASSERT_EQ(all.rows.size(), reference.rows.size()) << chunk;
    EXPECT_EQ(all.ErrorLines(), reference.ErrorLines()) << chunk;
  }
  EXPECT_EQ(reference.ErrorLines()[0],
            "t.csv:4 (line 7): column ExchangeGuid: \"bad\" is not a GUID (expected 8-4-4-4-12 hex)");
}

std::string ToUtf16(const std::string& utf8, bool little) {
  // Test-only UTF-8 -> UTF-16 with BOM (handles 1-4 byte sequences).
  std::string out = little ? "\xFF\xFE" : "\xFE\xFF";
  const auto put = [&](unsigned unit) {
    const char lo = static_cast<char>(unit & 0xFF);
    const char hi = static_cast<char>(unit >> 8);
    out.push_back(little ? lo : hi);
    out.push_back(little ? hi : lo);
  };
  for (std::size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    unsigned cp = 0;
    std::size_t n = 1;
    if (c < 0x80) {
      cp = c;
    } else if (c < 0xE0) {
      cp = c & 0x1F;
      n = 2;
    } else if (c < 0xF0) {
      cp = c & 0x0F;
      n = 3;
    } else {
      cp = c & 0x07;
      n = 4;
    }
    for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
    i += n;
    if (cp >= 0x10000) {
      put(0xD800 + ((cp - 0x10000) >> 10));
      put(0xDC00 + ((cp - 0x10000) & 0x3FF));
    } else {
      put(cp);
    }
  }
  return out;
}

TEST(IdentityReaderEncoding, Utf8BomAndUtf16FilesReadLikeUtf8) {
  std::vector<std::string> row = ValidRow(1);
  row[Col("LegacyExchangeDN")] = "/o=Org/cn=Recipients/cn=J\xC3\xBCrgen \xF0\x9F\x98\x80";
  const std::string utf8 = MakeCsv({row, ValidRow(2)});
  const auto reference = ReadText(utf8);
  ASSERT_EQ(reference.rows.size(), 2u);
  const std::vector<std::pair<std::string, std::string>> files = {{"\xEF\xBB\xBF" + utf8, "utf-8 (BOM)"},
                                                                  {ToUtf16(utf8, true), "utf-16le"},
                                                                  {ToUtf16(utf8, false), "utf-16be"}};
  for (const auto& [bytes, encoding] : files) {
    for (const std::size_t chunk : {std::size_t{0}, std::size_t{3}}) {
      const auto all = ReadText(bytes, {}, chunk);
      ASSERT_FALSE(all.open_error) << encoding << ": " << all.open_error->message;
      EXPECT_EQ(all.summary.encoding, encoding);
      ASSERT_EQ(all.rows.size(), 2u) << encoding;
      EXPECT_EQ(all.rows[0].legacy_exchange_dn, row[Col("LegacyExchangeDN")]) << encoding;
      EXPECT_EQ(all.rows[1].exchange_guid, reference.rows[1].exchange_guid);
    }
  }
}

TEST(IdentityReaderEncoding, Utf16RefusedWhenConfigured) {
  ReaderOptions options;
  ASSERT_TRUE(ApplyReaderOption(options, "utf16", "refuse"));
  const auto all = ReadText(ToUtf16(MakeCsv({ValidRow(1)}), true), options);
  ASSERT_TRUE(all.open_error);
  EXPECT_EQ(all.open_error->message,
            "t.csv: the file is utf-16le (byte-order mark); the reader is configured to refuse UTF-16 (utf16 "
            "= refuse)");
}

TEST(IdentityReaderEncoding, InvalidUtf8NamesRowAndColumn) {
  std::vector<std::string> row = ValidRow(2);
  row[Col("SourceUserPrincipalName")] = "j\xFCrgen@fabrikam.com";  // Windows-1252 "ü"
  const auto all = ReadText(MakeCsv({ValidRow(1), row, ValidRow(3)}));
  EXPECT_EQ(all.rows.size(), 2u);
  ASSERT_EQ(all.ErrorLines().size(), 1u);
  EXPECT_EQ(
      all.ErrorLines()[0],
      "t.csv:3: column SourceUserPrincipalName: invalid UTF-8 at character 2 (byte 0xFC); the file is not "
      "UTF-8: re-save it as \"CSV UTF-8\" or Export-Csv -Encoding UTF8");
  EXPECT_EQ(all.errors[0].problems[0].reason, Reason::kInvalidEncoding);
}

TEST(IdentityReaderEncoding, InvalidUtf8InAnUnknownColumnIsStillAnError) {
  std::vector<std::string> header = StdHeader();
  header.push_back("Notes");
  std::vector<std::string> row = ValidRow(1);
  row.push_back("caf\xE9");
  const auto all = ReadText(MakeCsv({row}, header));
  ASSERT_EQ(all.errors.size(), 1u);
  EXPECT_EQ(all.errors[0].problems[0].column, "Notes");
}

TEST(IdentityReaderEncoding, OverlongAndSurrogateUtf8AreInvalid) {
  for (const std::string bad : {"\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82"}) {
    std::vector<std::string> row = ValidRow(1);
    row[Col("MigrationStatus")] = "x" + bad;
    const auto all = ReadText(MakeCsv({row}));
    ASSERT_EQ(all.errors.size(), 1u);
    EXPECT_EQ(all.errors[0].problems[0].reason, Reason::kInvalidEncoding);
  }
}

TEST(IdentityReaderEncoding, UnpairedSurrogateInUtf16NamesRowAndColumn) {
  std::string utf16 = ToUtf16(MakeCsv({ValidRow(1)}), true);
  // Replace the "M" of "Mapped" (the last field) with a lone high surrogate D800.
  const std::string m_le("M\0a\0p\0p\0e\0d\0", 12);
  const std::size_t at = utf16.rfind(m_le);
  ASSERT_NE(at, std::string::npos);
  utf16[at] = '\x00';
  utf16[at + 1] = '\xD8';
  const auto all = ReadText(utf16);
  ASSERT_EQ(all.ErrorLines().size(), 1u);
  EXPECT_EQ(all.ErrorLines()[0],
            "t.csv:2: column MigrationStatus: invalid UTF-16 at character 1 (an unpaired surrogate, or the "
            "file ends "
            "in the middle of a character)");
}

}  // namespace
}  // namespace ctim::agent
