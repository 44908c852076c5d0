// File-level checks: the same ExchangeGuid, target id or X500 on two rows, reported with both row numbers.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "agent/reader/identity_reader_keys.h"
#include "common/ad_compare.h"
#include "reader_test_util.h"

namespace ctim::agent {
namespace {

using testing::Col;
using testing::MakeCsv;
using testing::ReadText;
using testing::ValidRow;

TEST(IdentityReaderDuplicates, SameExchangeGuidNamesBothRows) {
  std::vector<std::string> dup = ValidRow(3);
  dup[Col("ExchangeGuid")] = "{1EC059C7-8396-4D0B-AF4E-000000000001}";  // row 2's GUID, other spelling
  const auto all = ReadText(MakeCsv({ValidRow(1), ValidRow(2), dup}));
  ASSERT_EQ(all.rows.size(), 2u);
  ASSERT_EQ(all.errors.size(), 1u);
  EXPECT_EQ(all.errors[0].row, 4u);
  ASSERT_EQ(all.errors[0].problems.size(), 1u);
  EXPECT_EQ(all.errors[0].problems[0].reason, Reason::kDuplicateExchangeGuid);
  EXPECT_EQ(all.errors[0].problems[0].other_row, 2u);
  EXPECT_EQ(
      all.ErrorLines()[0],
      "t.csv:4: column ExchangeGuid: 1ec059c7-8396-4d0b-af4e-000000000001 is also on row 2 (each source "
      "mailbox has its own ExchangeGuid)");
}

TEST(IdentityReaderDuplicates, SameTargetNamesBothRows) {
  std::vector<std::string> dup = ValidRow(2);
  dup[Col("TargetExternalDirectoryObjectId")] = ValidRow(1)[Col("TargetExternalDirectoryObjectId")];
  const auto all = ReadText(MakeCsv({ValidRow(1), dup}));
  ASSERT_EQ(all.errors.size(), 1u);
  EXPECT_EQ(all.errors[0].problems[0].reason, Reason::kDuplicateTarget);
  EXPECT_EQ(all.ErrorLines()[0],
            "t.csv:3: column TargetExternalDirectoryObjectId: 7c1e0000-8396-4d0b-af4e-000000000001 is also "
            "the target "
            "of row 2 (two source mailboxes cannot map to one target)");
}

TEST(IdentityReaderDuplicates, UnmappedRowsAreNotDuplicatesOfEachOther) {
  std::vector<std::string> a = ValidRow(1);
  std::vector<std::string> b = ValidRow(2);
  a[Col("TargetExternalDirectoryObjectId")] = "";
  b[Col("TargetExternalDirectoryObjectId")] = "";
  const auto all = ReadText(MakeCsv({a, b}));
  EXPECT_TRUE(all.errors.empty());
  EXPECT_EQ(all.summary.unmapped, 2u);
  EXPECT_EQ(all.summary.valid, 2u);
}

TEST(IdentityReaderDuplicates, SameX500InAnyCaseNamesBothRows) {
  std::vector<std::string> dup = ValidRow(5);
  dup[Col("EmailAddresses")] = "SMTP:user5@fabrikam.com;x500:/O=FIRST ORG/OU=SITE/CN=RECIPIENTS/CN=USER2";
  const auto all = ReadText(MakeCsv({ValidRow(1), ValidRow(2), ValidRow(3), dup}));
  ASSERT_EQ(all.errors.size(), 1u);
  EXPECT_EQ(all.errors[0].row, 5u);
  EXPECT_EQ(all.errors[0].problems[0].reason, Reason::kDuplicateX500);
  EXPECT_EQ(all.errors[0].problems[0].other_row, 3u);
  EXPECT_EQ(
      all.ErrorLines()[0],
      "t.csv:5: column EmailAddresses: X500 \"/O=FIRST ORG/OU=SITE/CN=RECIPIENTS/CN=USER2\" is also on row 3 "
      "(compared without regard to case)");
}

// The reader calls two X500 values the same by the rule the planner and AD use (common/ad_compare.h):
// letters outside ASCII fold too, so a value differing only in the case of "Ü" is a duplicate here as well.
TEST(IdentityReaderDuplicates, SameX500DifferingInANonAsciiLettersCaseNamesBothRows) {
  std::vector<std::string> first = ValidRow(1);
  first[Col("EmailAddresses")] = "X500:/o=First Org/ou=Site/cn=Recipients/cn=M\xC3\xBCller";
  std::vector<std::string> dup = ValidRow(2);
  dup[Col("EmailAddresses")] = "X500:/O=FIRST ORG/OU=SITE/CN=RECIPIENTS/CN=M\xC3\x9CLLER";
  const auto all = ReadText(MakeCsv({first, dup}));
  ASSERT_EQ(all.errors.size(), 1u);
  EXPECT_EQ(all.errors[0].row, 3u);
  EXPECT_EQ(all.errors[0].problems[0].reason, Reason::kDuplicateX500);
  EXPECT_EQ(all.errors[0].problems[0].other_row, 2u);
}

TEST(IdentityReaderDuplicates, LegacyExchangeDnOfOneRowAsX500OfAnother) {
  std::vector<std::string> dup = ValidRow(2);
  dup[Col("EmailAddresses")] = "X500:" + ValidRow(1)[Col("LegacyExchangeDN")];
  const auto all = ReadText(MakeCsv({ValidRow(1), dup}));
  ASSERT_EQ(all.errors.size(), 1u);
  EXPECT_EQ(all.errors[0].problems[0].reason, Reason::kDuplicateX500);
  EXPECT_EQ(all.errors[0].problems[0].column, "EmailAddresses");
  EXPECT_EQ(all.errors[0].problems[0].other_row, 2u);
}

TEST(IdentityReaderDuplicates, RepeatsWithinOneRowAreNotDuplicates) {
  std::vector<std::string> row = ValidRow(1);
  row[Col("EmailAddresses")] = "X500:" + row[Col("LegacyExchangeDN")] + ";x500:/o=a/cn=b;X500:/O=A/CN=B";
  const auto all = ReadText(MakeCsv({row}));
  EXPECT_TRUE(all.errors.empty()) << all.ErrorLines()[0];
}

TEST(IdentityReaderDuplicates, EveryDuplicateOfARowIsListed) {
  const auto all = ReadText(MakeCsv({ValidRow(1), ValidRow(1)}));
  ASSERT_EQ(all.errors.size(), 1u);
  const auto& problems = all.errors[0].problems;
  ASSERT_EQ(problems.size(), 4u);  // ExchangeGuid, target, LegacyExchangeDN, the X500 proxy
  EXPECT_EQ(problems[0].reason, Reason::kDuplicateExchangeGuid);
  EXPECT_EQ(problems[1].reason, Reason::kDuplicateTarget);
  EXPECT_EQ(problems[2].reason, Reason::kDuplicateX500);
  EXPECT_EQ(problems[2].column, "LegacyExchangeDN");
  EXPECT_EQ(problems[3].reason, Reason::kDuplicateX500);
  EXPECT_EQ(all.summary.rejected, 1u);
  EXPECT_EQ(all.summary.rejected_by_reason[static_cast<std::size_t>(Reason::kDuplicateX500)], 1u);
}

TEST(IdentityReaderDuplicates, ARejectedRowStillClaimsItsKeys) {
  std::vector<std::string> first = ValidRow(1);
  first[Col("PrimarySmtpAddress")] = "broken";
  std::vector<std::string> second = ValidRow(2);
  second[Col("ExchangeGuid")] = first[Col("ExchangeGuid")];
  const auto all = ReadText(MakeCsv({first, second}));
  ASSERT_EQ(all.errors.size(), 2u);
  EXPECT_EQ(all.errors[1].problems[0].reason, Reason::kDuplicateExchangeGuid);
  EXPECT_EQ(all.errors[1].problems[0].other_row, 2u);
}

TEST(IdentityReaderDuplicates, CanBeTurnedOff) {
  ReaderOptions options;
  options.check_duplicates = false;
  const auto all = ReadText(MakeCsv({ValidRow(1), ValidRow(1)}), options);
  EXPECT_TRUE(all.errors.empty());
  EXPECT_EQ(all.rows.size(), 2u);
}

TEST(SeenKeys, RemembersTheFirstRowAcrossGrowth) {
  SeenKeys keys;
  for (std::size_t i = 1; i <= 20000; ++i) {
    ASSERT_EQ(keys.FirstRow(FoldedKeyOf("/o=Org/cn=" + std::to_string(i)), i + 1), 0u) << i;
  }
  EXPECT_EQ(keys.size(), 20000u);
  for (std::size_t i = 1; i <= 20000; i += 997) {
    EXPECT_EQ(keys.FirstRow(FoldedKeyOf("/O=ORG/CN=" + std::to_string(i)), 999999), i + 1) << i;
  }
  EXPECT_EQ(keys.size(), 20000u);
}

TEST(SeenKeys, FoldsCaseAsAdCompares) {
  EXPECT_EQ(FoldedKeyOf("/o=Org/cn=ABCdefGHIjkl"), FoldedKeyOf("/O=ORG/CN=abcDEFghiJKL"));
  EXPECT_FALSE(FoldedKeyOf("/o=a") == FoldedKeyOf("/o=b"));
  EXPECT_FALSE(FoldedKeyOf("/o=a") == FoldedKeyOf("/o=a "));
  EXPECT_FALSE(FoldedKeyOf("") == FoldedKeyOf(std::string_view("\0", 1)));
  // '@' (0x40) and '[' (0x5B) sit next to the capitals and must not fold.
  EXPECT_FALSE(FoldedKeyOf("@@@@@@@@[[[[[[[[") == FoldedKeyOf("````````{{{{{{{{"));
  // Non-ASCII letters fold by the one AD rule the planner uses too (common/ad_compare.h): the key agrees
  // with FoldCase, so the reader and the plan-time checks call the same X500 values duplicates.
  EXPECT_EQ(FoldedKeyOf("/o=Org/cn=M\xC3\x9CLLER"), FoldedKeyOf("/O=org/CN=m\xC3\xBCller"));  // Ü, ü
  EXPECT_EQ(FoldedKeyOf("/o=\xD0\x94\xD0\xB6"), FoldedKeyOf("/o=\xD0\xB4\xD0\x96"));          // Дж, дЖ
  EXPECT_EQ(FoldedKeyOf("/o=Org/cn=abcdefgh\xC3\x84"), FoldedKeyOf(FoldCase("/o=Org/cn=ABCDEFGH\xC3\x84")));
  // Bytes outside the folded ranges are compared as they are.
  EXPECT_FALSE(FoldedKeyOf("\xE2\x82\xAC") == FoldedKeyOf("\xE2\x82\xAD"));
  EXPECT_FALSE(FoldedKeyOf("\xC3\x84") == FoldedKeyOf("\xC3\x85"));
}

}  // namespace
}  // namespace ctim::agent
