// The `check` report over the sample files in tests/data/ctim: verdict, summary, every error, table/JSON.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "agent/reader/check_report.h"

namespace ctim::agent {
namespace {

std::string Data(const std::string& name) { return std::string(CTIM_TEST_DATA_DIR) + "/" + name; }

std::vector<std::string> AllErrorLines(const CheckReport& report) {
  std::vector<std::string> lines;
  for (const RowError& e : report.errors) {
    for (std::string& l : e.Lines()) lines.push_back(std::move(l));
  }
  return lines;
}

TEST(CheckReport, ValidSamplesPassInEveryEncoding) {
  for (const char* name :
       {"valid_small.csv", "valid_powershell_utf16le.csv", "valid_lf_bom_no_final_newline.csv"}) {
    const CheckReport report = CheckIdentitiesFile(Data(name));
    ASSERT_FALSE(report.file_error) << name << ": " << report.file_error->message;
    EXPECT_TRUE(report.Passed()) << name << ":\n" << FormatCheckTable(report);
    EXPECT_EQ(report.summary.rows_read, 5u) << name;
    EXPECT_EQ(report.summary.valid, 5u) << name;
    EXPECT_EQ(report.summary.unmapped, 1u) << name;
    EXPECT_EQ(report.summary.to_process, 3u) << name;
    EXPECT_EQ(report.summary.to_reverify, 1u) << name;
    EXPECT_TRUE(report.warnings.empty()) << name;
  }
  EXPECT_EQ(CheckIdentitiesFile(Data("valid_powershell_utf16le.csv")).summary.encoding, "utf-16le");
}

TEST(CheckReport, BrokenRowsAreEachReportedWithRowAndReason) {
  const std::string file = Data("broken_rows.csv");
  const CheckReport report = CheckIdentitiesFile(file);
  ASSERT_FALSE(report.file_error);
  EXPECT_FALSE(report.Passed());
  EXPECT_EQ(report.summary.rows_read, 11u);
  EXPECT_EQ(report.summary.valid, 2u);
  EXPECT_EQ(report.summary.unmapped, 1u);
  EXPECT_EQ(report.summary.rejected, 9u);
  const std::vector<std::string> expected = {
      file + ":3: column ExchangeGuid: \"1ec059c7-8396-4d0b-af4e\" is not a GUID (expected 8-4-4-4-12 hex)",
      file +
          ":4: column ExchangeGuid: \"00000000-0000-0000-0000-000000000000\" is the all-zero GUID; the "
          "source "
          "has no mailbox GUID to copy",
      file +
          ":5: column LegacyExchangeDN: \"o=ExchangeLabs/cn=Recipients/cn=user4\" does not start with /o= "
          "(expected /o=<org>/ou=<group>/cn=Recipients/cn=<name>)",
      file + ":6: has 8 fields, the header has 9",
      file +
          ":7: column ExchangeGuid: 1ec059c7-8396-4d0b-af4e-000000000001 is also on row 2 (each source "
          "mailbox has its own ExchangeGuid)",
      file +
          ":8: column EmailAddresses: X500 \"/O=FABRIKAM/CN=RECIPIENTS/CN=USER1\" is also on row 2 (compared "
          "without regard to case)",
      file +
          ":9: column EmailAddresses: item 1 \"SMTP:user8@fabrikam.com\" is followed by \";FOO:\", an "
          "address "
          "of unknown type \"FOO\"; add the type to the known proxy types, or write EmailAddresses as a JSON "
          "array",
      file +
          ":10: column PrimarySmtpAddress: \"user9@fabrikam\" is not an SMTP address (the domain has no dot; "
          "expected local@domain)",
      file +
          ":12: column ExchangeGuid: the double quote opened on line 12 is never closed; the rest of the "
          "file "
          "(to line 12) was read as this one value",
  };
  EXPECT_EQ(AllErrorLines(report), expected);
}

TEST(CheckReport, Windows1252FileNamesTheRowAndColumns) {
  const std::string file = Data("broken_windows1252.csv");
  const CheckReport report = CheckIdentitiesFile(file);
  EXPECT_EQ(report.summary.valid, 4u);
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_EQ(report.errors[0].row, 6u);
  ASSERT_EQ(report.errors[0].problems.size(), 3u);
  EXPECT_EQ(report.errors[0].problems[0].column, "SourceUserPrincipalName");
  EXPECT_EQ(report.errors[0].problems[1].column, "LegacyExchangeDN");
  EXPECT_EQ(report.errors[0].problems[2].column, "EmailAddresses");
  EXPECT_EQ(
      AllErrorLines(report)[0],
      file +
          ":6: column SourceUserPrincipalName: invalid UTF-8 at character 2 (byte 0xFC); the file is not "
          "UTF-8: re-save it as \"CSV UTF-8\" or Export-Csv -Encoding UTF8");
}

TEST(CheckReport, RefusedFilesCarryTheFix) {
  const CheckReport semicolon = CheckIdentitiesFile(Data("broken_semicolon.csv"));
  ASSERT_TRUE(semicolon.file_error);
  EXPECT_FALSE(semicolon.Passed());
  EXPECT_NE(semicolon.file_error->hint.find("re-save with comma delimiter"), std::string::npos);
  const std::string table = FormatCheckTable(semicolon);
  EXPECT_NE(table.find(": REFUSED\n"), std::string::npos) << table;
  EXPECT_NE(table.find("  fix: re-save with comma delimiter"), std::string::npos) << table;

  const CheckReport missing = CheckIdentitiesFile(Data("broken_missing_column.csv"));
  ASSERT_TRUE(missing.file_error);
  EXPECT_NE(missing.file_error->message.find("lacks required column TargetExternalDirectoryObjectId"),
            std::string::npos)
      << missing.file_error->message;

  const CheckReport absent = CheckIdentitiesFile(Data("no_such_file.csv"));
  ASSERT_TRUE(absent.file_error);
  EXPECT_NE(absent.file_error->message.find("no_such_file.csv: cannot open (No such file or directory)"),
            std::string::npos)
      << absent.file_error->message;
}

TEST(CheckReport, TableShowsVerdictSummaryReasonsAndEveryError) {
  const CheckReport report = CheckIdentitiesFile(Data("broken_rows.csv"));
  const std::string table = FormatCheckTable(report);
  EXPECT_NE(table.find("broken_rows.csv: FAILED \u2014 9 of 11 rows rejected\n"), std::string::npos) << table;
  EXPECT_NE(table.find("  rows read                11\n"), std::string::npos) << table;
  EXPECT_NE(
      table.find("  valid                    2  (1 unmapped; 1 to process, 0 to re-verify, 0 to report)\n"),
      std::string::npos)
      << table;
  EXPECT_NE(table.find("  bad_guid                 1\n"), std::string::npos) << table;
  EXPECT_NE(table.find("  duplicate_exchange_guid  1\n"), std::string::npos) << table;
  EXPECT_NE(table.find("errors (9 rows)\n"), std::string::npos) << table;
  for (const std::string& line : AllErrorLines(report))
    EXPECT_NE(table.find("  " + line + "\n"), std::string::npos);

  const std::string ok = FormatCheckTable(CheckIdentitiesFile(Data("valid_small.csv")));
  EXPECT_NE(ok.find("valid_small.csv: OK \u2014 5 rows, all valid\n"), std::string::npos) << ok;
}

TEST(CheckReport, JsonCarriesEveryProblemAsOneEntry) {
  const CheckReport report = CheckIdentitiesFile(Data("broken_rows.csv"));
  const auto doc = nlohmann::json::parse(FormatCheckJson(report));
  EXPECT_EQ(doc["passed"], false);
  EXPECT_TRUE(doc["file_error"].is_null());
  EXPECT_EQ(doc["summary"]["rows_read"], 11);
  EXPECT_EQ(doc["summary"]["rejected"], 9);
  EXPECT_EQ(doc["summary"]["unmapped"], 1);
  EXPECT_EQ(doc["summary"]["rejected_by_reason"]["duplicate_x500"], 1);
  ASSERT_EQ(doc["errors"].size(), 9u);
  const auto& dup = doc["errors"][5];
  EXPECT_EQ(dup["row"], 8);
  EXPECT_EQ(dup["line"], 8);
  EXPECT_EQ(dup["who"], "user7@fabrikam.com");
  EXPECT_EQ(dup["column"], "EmailAddresses");
  EXPECT_EQ(dup["reason"], "duplicate_x500");
  EXPECT_EQ(dup["other_row"], 2);
  EXPECT_EQ(dup["text"], AllErrorLines(report)[5]);
  EXPECT_TRUE(doc["errors"][0]["other_row"].is_null());

  const auto refused = nlohmann::json::parse(
      FormatCheck(CheckIdentitiesFile(Data("broken_semicolon.csv")), ReportFormat::kJson));
  EXPECT_EQ(refused["passed"], false);
  EXPECT_EQ(refused["file_error"]["code"], "invalid input");
}

TEST(CheckReport, HoldRequestsAreWarnings) {
  std::istringstream in(
      "ExchangeGuid,LegacyExchangeDN,PrimarySmtpAddress,TargetExternalDirectoryObjectId,"
      "LitigationHoldEnabled,"
      "ElcMailboxFlags\r\n"
      "1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8,/o=Org/"
      "cn=a,a@contoso.com,7c1e3c2a-51d4-4d8e-8f63-2d8f0b6a1c11,True,24\r\n");
  const CheckReport report = CheckIdentities(in, "h.csv");
  EXPECT_TRUE(report.Passed());
  ASSERT_EQ(report.warnings.size(), 1u);
  EXPECT_EQ(report.warnings[0].message,
            "h.csv:2: a@contoso.com: hold requested (LitigationHoldEnabled, ElcMailboxFlags 24); Microsoft "
            "does not "
            "support moving mailboxes on hold across tenants");
}

}  // namespace
}  // namespace ctim::agent
