// Hold flags from the ELC side file (agent/plan/elc_side_file.h): the Get-Mailbox export as PowerShell 7 and
// Windows PowerShell 5.1 write it, matching by ExchangeGuid then PrimarySmtpAddress, the OR into the rows'
// HoldRequest, [agent] elc_default, and the errors that name file, row and column.
#include "agent/plan/elc_side_file.h"

#include <gtest/gtest.h>

#include <fstream>

#include "agent/plan/elc_flags.h"
#include "agent/plan/identity_file.h"
#include "temp_journal.h"

namespace ctim::agent {
namespace {

const std::string kData = CTIM_TEST_DATA_DIR;

std::vector<SourceIdentity> SmallRows() {
  auto file = ReadIdentityFile(kData + "/ctim/valid_small.csv", ReaderOptions{});
  EXPECT_TRUE(file) << file.error().ToString();
  return file ? file->rows : std::vector<SourceIdentity>{};
}

const SourceIdentity& Row(const std::vector<SourceIdentity>& rows, std::string_view smtp) {
  for (const SourceIdentity& r : rows) {
    if (EqualsAscii(r.primary_smtp, smtp)) return r;
  }
  ADD_FAILURE() << "no row " << smtp;
  return rows.front();
}

std::string WriteText(testing::TempDir& dir, const std::string& text) {
  const std::string path = dir.File("side.csv");
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TEST(ElcSideFile, BothPowerShellExportsReadTheSame) {
  for (const char* name : {"mailboxes_elc.csv", "mailboxes_elc_ps51.csv"}) {
    auto side = ReadElcSideFile(kData + "/elc/" + name);
    ASSERT_TRUE(side) << name << ": " << side.error().ToString();
    ASSERT_EQ(side->rows.size(), 4u) << name;
    EXPECT_EQ(side->rows[0].row, 2u);
    EXPECT_EQ(side->rows[0].primary_smtp, "Lara@fabrikam.com");
    EXPECT_EQ(side->rows[0].exchange_guid, Guid::Parse("1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8"));
    EXPECT_FALSE(side->rows[0].litigation_hold);
    EXPECT_TRUE(side->rows[0].single_item_recovery);
    EXPECT_TRUE(side->rows[1].litigation_hold);
  }
}

TEST(ElcSideFile, MatchesByGuidThenBySmtpInAnyCaseAndReportsUnmatchedRows) {
  auto side = ReadElcSideFile(kData + "/elc/mailboxes_elc.csv");
  ASSERT_TRUE(side) << side.error().ToString();
  std::vector<SourceIdentity> rows = SmallRows();
  const ElcApplication applied = ApplyElcFlags(&*side, ElcDefault{}, rows);
  EXPECT_TRUE(applied.refusals.empty());
  EXPECT_EQ(RequestedElcBits(Row(rows, "Lara@fabrikam.com").hold), kElcSingleItemRecovery);  // by GUID
  EXPECT_EQ(RequestedElcBits(Row(rows, "bob.smith@fabrikam.com").hold), kElcLitigationHold);  // by SMTP
  EXPECT_EQ(RequestedElcBits(Row(rows, "dave@fabrikam.com").hold), 0);  // matched, both False
  EXPECT_EQ(RequestedElcBits(Row(rows, "carol@fabrikam.com").hold), 0);  // not in the side file
  ASSERT_EQ(applied.notes.size(), 2u);
  EXPECT_NE(applied.notes[0].message.find("3 of 5 row(s) matched (2 by ExchangeGuid, 1 by PrimarySmtpAddress)"),
            std::string::npos)
      << applied.notes[0].message;
  EXPECT_NE(applied.notes[1].message.find("1 row(s) of the ELC side file"), std::string::npos);
  EXPECT_NE(applied.notes[1].message.find("row 5 (erin@fabrikam.com)"), std::string::npos) << applied.notes[1].message;
}

TEST(ElcSideFile, FlagsAreOredNeverCleared) {
  auto side = ReadElcSideFile(kData + "/elc/mailboxes_elc.csv");
  ASSERT_TRUE(side);
  std::vector<SourceIdentity> rows = SmallRows();
  for (SourceIdentity& r : rows) r.hold.litigation_hold = true;  // e.g. from a hold column of the CTIM file
  (void)ApplyElcFlags(&*side, ElcDefault{}, rows);
  EXPECT_EQ(RequestedElcBits(Row(rows, "Lara@fabrikam.com").hold), kElcLitigationHold | kElcSingleItemRecovery);
  EXPECT_EQ(RequestedElcBits(Row(rows, "dave@fabrikam.com").hold), kElcLitigationHold);
}

TEST(ElcSideFile, TheDefaultAppliesToRowsTheSideFileDoesNotMatch) {
  auto side = ReadElcSideFile(kData + "/elc/mailboxes_elc.csv");
  ASSERT_TRUE(side);
  auto defaults = ParseElcDefault({"single-item-recovery"}, "[agent] elc_default");
  ASSERT_TRUE(defaults);
  std::vector<SourceIdentity> rows = SmallRows();
  const ElcApplication applied = ApplyElcFlags(&*side, *defaults, rows);
  EXPECT_EQ(RequestedElcBits(Row(rows, "carol@fabrikam.com").hold), kElcSingleItemRecovery);
  EXPECT_EQ(RequestedElcBits(Row(rows, "dave@fabrikam.com").hold), 0);  // the side file says False
  EXPECT_NE(applied.notes.back().message.find("elc_default"), std::string::npos);

  std::vector<SourceIdentity> all = SmallRows();
  (void)ApplyElcFlags(nullptr, ElcDefault{true, true}, all);  // no side file: every row
  for (const SourceIdentity& r : all) EXPECT_EQ(RequestedElcBits(r.hold), kElcLitigationHold | kElcSingleItemRecovery);
}

TEST(ElcSideFile, AnUnknownDefaultNamesTheKey) {
  auto bad = ParseElcDefault({"single-item-recovery", "retention-hold"}, "[agent] elc_default");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("[agent] elc_default"), std::string::npos);
  EXPECT_NE(bad.error().message.find("retention-hold"), std::string::npos);
}

TEST(ElcSideFile, GuidAndSmtpOnTwoDifferentSideRowsRefuseTheRow) {
  testing::TempDir dir;
  const std::string path = WriteText(dir,
                                     "PrimarySmtpAddress,ExchangeGuid,LitigationHoldEnabled,SingleItemRecoveryEnabled\n"
                                     "someone@fabrikam.com,1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8,True,True\n"
                                     "lara@FABRIKAM.com,00000000-1111-4222-8333-444444444444,False,False\n");
  auto side = ReadElcSideFile(path);
  ASSERT_TRUE(side) << side.error().ToString();
  std::vector<SourceIdentity> rows = SmallRows();
  const ElcApplication applied = ApplyElcFlags(&*side, ElcDefault{}, rows);
  ASSERT_EQ(applied.refusals.size(), 1u);
  EXPECT_EQ(rows[applied.refusals[0].first].primary_smtp, "Lara@fabrikam.com");
  EXPECT_EQ(applied.refusals[0].second.severity, Severity::kRefusal);
  EXPECT_NE(applied.refusals[0].second.message.find("its row 2"), std::string::npos);
  EXPECT_NE(applied.refusals[0].second.message.find("its row 3"), std::string::npos);
  EXPECT_EQ(RequestedElcBits(Row(rows, "Lara@fabrikam.com").hold), 0);  // left as it was

  Plan plan;
  RowPlan r;
  r.source_index = applied.refusals[0].first;
  r.change_set.changes = {{"msExchMailboxGuid", ChangeKind::kSet, {}, {"x"}}};
  plan.rows.push_back(r);
  AddElcFindings(applied, plan);
  EXPECT_EQ(plan.rows[0].status(), RowStatus::kRefused);
  EXPECT_TRUE(plan.rows[0].change_set.changes.empty());
}

TEST(ElcSideFile, MalformedRowsNameFileRowAndColumn) {
  testing::TempDir dir;
  const std::string path = WriteText(dir,
                                     "\"PrimarySmtpAddress\",\"ExchangeGuid\",\"LitigationHoldEnabled\","
                                     "\"SingleItemRecoveryEnabled\"\n"
                                     "\"a@fabrikam.com\",\"not-a-guid\",\"False\",\"True\"\n"
                                     "\"b@fabrikam.com\",\"1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8\",\"False\",\"True\"\n"
                                     "\"e@fabrikam.com\",\"\",\"Yes\",\"True\"\n"
                                     "\"c@fabrikam.com\",\"1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8\",\"False\",\"False\"\n"
                                     "\"\",\"\",\"False\",\"True\"\n"
                                     "\"d@fabrikam.com\",\"False\"\n");
  auto side = ReadElcSideFile(path);
  ASSERT_FALSE(side);
  const std::string& m = side.error().message;
  EXPECT_NE(m.find(path + ":2: column ExchangeGuid: \"not-a-guid\" is not a GUID"), std::string::npos) << m;
  EXPECT_NE(m.find(path + ":4: column LitigationHoldEnabled: \"Yes\" is not True or False"), std::string::npos) << m;
  EXPECT_NE(m.find(path + ":5: column ExchangeGuid: 1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8 is also on row 3"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find(path + ":6: neither ExchangeGuid nor PrimarySmtpAddress"), std::string::npos) << m;
  EXPECT_NE(m.find(path + ":7: 2 fields, the header has 4"), std::string::npos) << m;
}

TEST(ElcSideFile, AHeaderWithoutKeyOrFlagIsRefused) {
  testing::TempDir dir;
  auto side = ReadElcSideFile(WriteText(dir, "DisplayName,LitigationHoldEnabled\nx,True\n"));
  ASSERT_FALSE(side);
  EXPECT_NE(side.error().message.find("the header needs ExchangeGuid or PrimarySmtpAddress"), std::string::npos);
  EXPECT_FALSE(ReadElcSideFile(dir.File("missing.csv")));
}

}  // namespace
}  // namespace ctim::agent
