#include "common/csv.h"

#include <gtest/gtest.h>

#include <string>

namespace ctim {
namespace {

TEST(Csv, PlainFieldsAreWrittenAsTheyAre) {
  EXPECT_EQ(CsvField(""), "");
  EXPECT_EQ(CsvField("X500:/o=Org/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=a"),
            "X500:/o=Org/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=a");
  EXPECT_EQ(CsvField("a;b|c"), "a;b|c");
  EXPECT_EQ(CsvField("trailing "), "trailing ");
}

TEST(Csv, Rfc4180SpecialCharactersAreQuotedAndQuotesDoubled) {
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("line\nbreak"), "\"line\nbreak\"");
  EXPECT_EQ(CsvField("cr\rhere"), "\"cr\rhere\"");
  EXPECT_EQ(CsvField("\""), "\"\"\"\"");
}

TEST(Csv, ALeadingSpaceOrHashIsQuoted) {
  EXPECT_EQ(CsvField(" lead"), "\" lead\"");
  EXPECT_EQ(CsvField("#TYPE x"), "\"#TYPE x\"");
  EXPECT_EQ(CsvField("a#b"), "a#b");
}

TEST(Csv, AppendAppends) {
  std::string out = "x,";
  AppendCsvField(out, "a,b");
  EXPECT_EQ(out, "x,\"a,b\"");
}

}  // namespace
}  // namespace ctim
