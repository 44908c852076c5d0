// The header row: matching, #TYPE, delimiters, missing/unknown/duplicate columns, encodings of the file.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "reader_test_util.h"

namespace ctim::agent {
namespace {

using testing::MakeCsv;
using testing::ReadText;
using testing::StdHeader;
using testing::ValidRow;

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

TEST(IdentityReaderHeader, MatchesNamesWithoutRegardToCase) {
  std::vector<std::string> header = StdHeader();
  for (auto& name : header) {
    // Swap the case of every letter: "ExchangeGuid" -> "eXCHANGEgUID".
    for (char& c : name) {
      if (c >= 'a' && c <= 'z') {
        c = static_cast<char>(c - 'a' + 'A');
      } else if (c >= 'A' && c <= 'Z') {
        c = static_cast<char>(c - 'A' + 'a');
      }
    }
  }
  const auto all = ReadText(MakeCsv({ValidRow(1)}, header));
  ASSERT_FALSE(all.open_error) << all.open_error->message;
  ASSERT_EQ(all.rows.size(), 1u);
  EXPECT_EQ(all.rows[0].primary_smtp, "user1@fabrikam.com");
  EXPECT_TRUE(all.warnings.empty());
}

TEST(IdentityReaderHeader, ColumnOrderDoesNotMatter) {
  std::vector<std::string> header = StdHeader();
  std::vector<std::string> row = ValidRow(7);
  std::reverse(header.begin(), header.end());
  std::reverse(row.begin(), row.end());
  const auto all = ReadText(MakeCsv({row}, header));
  ASSERT_EQ(all.rows.size(), 1u);
  EXPECT_EQ(all.rows[0].exchange_guid.ToString(), "1ec059c7-8396-4d0b-af4e-000000000007");
  EXPECT_EQ(all.rows[0].source_upn, "user7@fabrikam.com");
}

TEST(IdentityReaderHeader, AcceptsAliases) {
  std::vector<std::string> header = StdHeader();
  header[testing::Col("EmailAddresses")] = "ProxyAddresses";
  header[testing::Col("TargetExternalDirectoryObjectId")] = "targetobjectid";
  const auto all = ReadText(MakeCsv({ValidRow(1)}, header));
  ASSERT_FALSE(all.open_error) << all.open_error->message;
  ASSERT_EQ(all.rows.size(), 1u);
  EXPECT_TRUE(all.rows[0].target_object_id.has_value());
  EXPECT_EQ(all.rows[0].x500_proxies.size(), 1u);
}

TEST(IdentityReaderHeader, TypeLineIsSkippedAndRowNumbersStartAfterTheHeader) {
  const std::string text =
      "#TYPE System.Management.Automation.PSCustomObject\r\n" + MakeCsv({ValidRow(1), ValidRow(2)});
  const auto all = ReadText(text);
  ASSERT_FALSE(all.open_error) << all.open_error->message;
  ASSERT_EQ(all.rows.size(), 2u);
  EXPECT_EQ(all.rows[0].row, 2u);   // header = row 1
  EXPECT_EQ(all.rows[0].line, 3u);  // #TYPE is line 1, header line 2
  EXPECT_EQ(all.rows[1].row, 3u);
}

TEST(IdentityReaderHeader, RowAndLineBothShownWhenTheyDiffer) {
  std::vector<std::string> bad = ValidRow(2);
  bad[testing::Col("ExchangeGuid")] = "1ec0";
  const auto all = ReadText("#TYPE Foo\n" + MakeCsv({ValidRow(1), bad}));
  ASSERT_EQ(all.ErrorLines().size(), 1u);
  EXPECT_EQ(all.ErrorLines()[0],
            "t.csv:3 (line 4): column ExchangeGuid: \"1ec0\" is not a GUID (expected 8-4-4-4-12 hex)");
}

TEST(IdentityReaderHeader, UnknownColumnsAreReportedOnceAndIgnored) {
  std::vector<std::string> header = StdHeader();
  header.push_back("Notes");
  header.push_back("");
  std::vector<std::vector<std::string>> rows;
  for (int i = 1; i <= 5; ++i) {
    rows.push_back(ValidRow(i));
    rows.back().push_back("free, \"text\"\nwith a line break");
    rows.back().push_back("");
  }
  const auto all = ReadText(MakeCsv(rows, header));
  ASSERT_FALSE(all.open_error);
  EXPECT_EQ(all.rows.size(), 5u);
  ASSERT_EQ(all.warnings.size(), 2u);
  EXPECT_EQ(all.warnings[0].message, "t.csv:1: unknown column \"Notes\" (column 10) ignored");
  EXPECT_EQ(all.warnings[1].message, "t.csv:1: column 11 has no name; ignored");
}

struct RefusedHeader {
  const char* name;
  std::string text;
  const char* message_part;
  const char* hint_part;
};

TEST(IdentityReaderHeader, RefusesFilesItCannotReadWithTheFix) {
  const std::string semicolon_header =
      "SourceExternalDirectoryObjectId;SourceUserPrincipalName;PrimarySmtpAddress;ExchangeGuid;ArchiveGuid;"
      "LegacyExchangeDN;EmailAddresses;TargetExternalDirectoryObjectId;MigrationStatus\r\n";
  std::string tab_header;
  for (const auto& h : StdHeader()) tab_header += (tab_header.empty() ? "" : "\t") + h;
  std::vector<std::string> duplicated = StdHeader();
  duplicated.push_back("EXCHANGEGUID");
  std::vector<std::string> missing = StdHeader();
  missing.erase(missing.begin() + static_cast<long>(testing::Col("ExchangeGuid")));
  missing.erase(missing.begin() + static_cast<long>(testing::Col("TargetExternalDirectoryObjectId")) - 1);
  const std::vector<RefusedHeader> cases = {
      {"semicolon", semicolon_header + "a;b;c\r\n",
       "t.csv:1: the header is semicolon (;)-delimited, not comma-delimited", "re-save with comma delimiter"},
      {"tab", tab_header + "\r\n", "t.csv:1: the header is tab-delimited", "re-save with comma delimiter"},
      {"missing", testing::CsvLine(missing),
       "t.csv:1: the header lacks required columns ExchangeGuid, TargetExternalDirectoryObjectId (header: ",
       "Download-CtimCopiedIdentities"},
      {"missing, semicolons inside", "ExchangeGuid;LegacyExchangeDN,PrimarySmtpAddress\r\n",
       "lacks required columns", "re-save with comma delimiter"},
      {"duplicate", testing::CsvLine(duplicated),
       "columns 4 (ExchangeGuid) and 10 (EXCHANGEGUID) both name ExchangeGuid", "keep one"},
      {"empty", "", "t.csv: no header row (the file is empty)", ""},
      {"blank first line", "\r\n" + MakeCsv({}), "no header row", ""},
      {"excel sep=;", "sep=;\r\n" + MakeCsv({}), "declares \"sep=;\"", "re-save with comma delimiter"},
      {"CR-only line ends", MakeCsv({testing::ValidRow(1)}, StdHeader(), "\r"), "CR only", "CRLF or LF"},
      {"UTF-16 without BOM", std::string("E\0x\0c\0h\0,\0L\0", 12) + "\r\n", "NUL bytes", "UTF8"},
      {"Latin-1 header", "Exchange\xE9Guid\r\n", "header column 1: invalid UTF-8 at character 9", "UTF-8"},
      {"broken quotes", "\"Exchange\"Guid,LegacyExchangeDN\r\n", "not valid CSV", "quotes"},
      {"UTF-32", std::string("\xFF\xFE\x00\x00", 4) + "E\0\0\0", "t.csv: the file is UTF-32", "UTF8"},
  };
  for (const auto& c : cases) {
    const auto all = ReadText(c.text);
    ASSERT_TRUE(all.open_error) << c.name;
    EXPECT_EQ(all.open_error->code, Errc::kInvalidInput) << c.name;
    EXPECT_TRUE(Contains(all.open_error->message, c.message_part))
        << c.name << ": " << all.open_error->message;
    EXPECT_TRUE(Contains(all.open_error->hint, c.hint_part)) << c.name << ": " << all.open_error->hint;
  }
}

TEST(IdentityReaderHeader, ExcelSepCommaLineIsSkipped) {
  const auto all = ReadText("sep=,\r\n" + MakeCsv({ValidRow(1)}));
  ASSERT_FALSE(all.open_error) << all.open_error->message;
  EXPECT_EQ(all.rows.size(), 1u);
}

TEST(IdentityReaderHeader, HeaderOnlyFileHasNoRowsAndNoErrors) {
  const auto all = ReadText(MakeCsv({}));
  ASSERT_FALSE(all.open_error);
  EXPECT_EQ(all.summary.rows_read, 0u);
  EXPECT_TRUE(all.errors.empty());
}

TEST(IdentityReaderHeader, OptionalColumnsMayBeAbsent) {
  const std::vector<std::string> header = {"ExchangeGuid", "LegacyExchangeDN", "PrimarySmtpAddress",
                                           "TargetExternalDirectoryObjectId"};
  const std::vector<std::string> row = {"1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8", "/o=Org/cn=Recipients/cn=a",
                                        "a@contoso.com", ""};
  const auto all = ReadText(MakeCsv({row}, header));
  ASSERT_EQ(all.rows.size(), 1u);
  EXPECT_FALSE(all.rows[0].archive_guid);
  EXPECT_FALSE(all.rows[0].target_object_id);
  EXPECT_EQ(all.summary.unmapped, 1u);
}

// Found by reader_fuzz: an unknown column whose name holds a line break (legal inside quotes) was echoed
// raw into a structural error on that column, so the message spanned two lines.
TEST(IdentityReaderHeader, ColumnNameWithControlCharactersIsEscapedInMessages) {
  std::vector<std::string> header = StdHeader();
  header.push_back("Extra\nColumn");
  std::vector<std::string> row = ValidRow(1);
  row.push_back("x");
  std::string text = MakeCsv({row}, header);
  // Break the extra cell's quoting: text after its closing quote.
  const std::size_t cell = text.rfind(",x");
  ASSERT_NE(cell, std::string::npos);
  text.replace(cell, 2, ",\"x\"y");
  const auto all = ReadText(text);
  ASSERT_FALSE(all.open_error) << all.open_error->message;
  const std::vector<std::string> lines = all.ErrorLines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].find('\n'), std::string::npos) << lines[0];
  EXPECT_TRUE(Contains(lines[0], "column \"Extra\\nColumn\"")) << lines[0];
}

}  // namespace
}  // namespace ctim::agent
