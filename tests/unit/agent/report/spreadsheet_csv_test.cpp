#include "agent/report/spreadsheet_csv.h"

#include <gtest/gtest.h>

#include <array>

namespace ctim::agent::report {
namespace {

TEST(SpreadsheetCsv, CellsThatASpreadsheetWouldRunAsAFormulaGetAQuote) {
  EXPECT_EQ(NeutraliseCell("=1+2"), "'=1+2");
  EXPECT_EQ(NeutraliseCell("+1"), "'+1");
  EXPECT_EQ(NeutraliseCell("-2+3"), "'-2+3");
  EXPECT_EQ(NeutraliseCell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(NeutraliseCell("\t=1"), "'\t=1");
  EXPECT_EQ(NeutraliseCell("\r=1"), "'\r=1");
  EXPECT_EQ(NeutraliseCell(std::string_view("\0=1", 3)), std::string("'\0=1", 4));
}

TEST(SpreadsheetCsv, OtherCellsAreUnchanged) {
  EXPECT_EQ(NeutraliseCell(""), "");
  EXPECT_EQ(NeutraliseCell("X500:/o=Fabrikam"), "X500:/o=Fabrikam");
  EXPECT_EQ(NeutraliseCell("1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8"), "1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8");
  EXPECT_EQ(NeutraliseCell("a=b"), "a=b");
  EXPECT_EQ(NeutraliseCell("'already"), "'already");
}

TEST(SpreadsheetCsv, RecordsAreNeutralisedThenQuoted) {
  std::string out;
  const std::array<std::string_view, 4> fields = {"plain", "=HYPERLINK(\"http://x\",\"y\")", "a,b", "-1"};
  AppendSafeCsvRecord(out, fields);
  EXPECT_EQ(out, "plain,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",\"a,b\",'-1\r\n");
}

}  // namespace
}  // namespace ctim::agent::report
