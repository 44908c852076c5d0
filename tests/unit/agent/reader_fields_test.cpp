// Field validation: each bad value is rejected with its exact reason, each good one kept byte-exact.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "reader_test_util.h"

namespace ctim::agent {
namespace {

using testing::Col;
using testing::MakeCsv;
using testing::ReadText;
using testing::ValidRow;

struct BadField {
  const char* column;
  std::string value;
  Reason reason;
  std::string message;  // the complete error line for the row (row 2 of "t.csv")
};

TEST(IdentityReaderFields, EachBadValueIsRejectedWithItsReason) {
  const std::string long_dn = "/o=Org/cn=" + std::string(1119, 'x');  // 1129 chars; as X500: 1134
  const std::vector<BadField> cases = {
      {"ExchangeGuid", "1ec0", Reason::kBadGuid,
       "t.csv:2: column ExchangeGuid: \"1ec0\" is not a GUID (expected 8-4-4-4-12 hex)"},
      {"ExchangeGuid", " 1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8", Reason::kBadGuid,
       "t.csv:2: column ExchangeGuid: \" 1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8\" is not a GUID (expected "
       "8-4-4-4-12 hex; remove the spaces around it)"},
      {"ExchangeGuid", "1ec059c7-8396-4d0b-af4e-d6bd4c12a8dg", Reason::kBadGuid, ""},
      {"ExchangeGuid", "1ec059c78396-4d0b-af4e-d6bd4c12a8d8aa", Reason::kBadGuid, ""},
      {"ExchangeGuid", "00000000-0000-0000-0000-000000000000", Reason::kZeroGuid,
       "t.csv:2: column ExchangeGuid: \"00000000-0000-0000-0000-000000000000\" is the all-zero GUID; the "
       "source "
       "has no mailbox GUID to copy"},
      {"ExchangeGuid", "", Reason::kMissingValue,
       "t.csv:2: column ExchangeGuid: empty, but a value is required"},
      {"ArchiveGuid", "not-a-guid", Reason::kBadGuid, ""},
      {"SourceExternalDirectoryObjectId", "", Reason::kMissingValue, ""},
      {"SourceExternalDirectoryObjectId", "{00000000-0000-0000-0000-000000000000}", Reason::kZeroGuid, ""},
      {"TargetExternalDirectoryObjectId", "00000000-0000-0000-0000-000000000000", Reason::kZeroGuid,
       "t.csv:2: column TargetExternalDirectoryObjectId: \"00000000-0000-0000-0000-000000000000\" is the "
       "all-zero "
       "GUID; not an object id (leave the cell empty if the row is not mapped yet)"},
      {"TargetExternalDirectoryObjectId", "user@contoso.com", Reason::kBadGuid, ""},
      {"LegacyExchangeDN", "o=Org/cn=Recipients/cn=a", Reason::kBadLegacyDn,
       "t.csv:2: column LegacyExchangeDN: \"o=Org/cn=Recipients/cn=a\" does not start with /o= (expected "
       "/o=<org>/ou=<group>/cn=Recipients/cn=<name>)"},
      {"LegacyExchangeDN", "", Reason::kMissingValue, ""},
      {"LegacyExchangeDN", "/o=Org/cn=a\nb", Reason::kControlCharacter,
       "t.csv:2: column LegacyExchangeDN: \"/o=Org/cn=a\\nb\" holds a control character (U+000A) at "
       "character 12"},
      {"LegacyExchangeDN", long_dn, Reason::kValueTooLong,
       "t.csv:2: column LegacyExchangeDN: is 1129 characters; as X500:<value> it exceeds the 1123 characters "
       "AD "
       "allows per proxy address"},
      {"PrimarySmtpAddress", "", Reason::kMissingValue, ""},
      {"PrimarySmtpAddress", "bob", Reason::kBadSmtp,
       "t.csv:2: column PrimarySmtpAddress: \"bob\" is not an SMTP address (no @; expected local@domain)"},
      {"PrimarySmtpAddress", "SMTP:bob@contoso.com", Reason::kBadSmtp,
       "t.csv:2: column PrimarySmtpAddress: \"SMTP:bob@contoso.com\" is not an SMTP address (it must be the "
       "bare "
       "address, without the SMTP: prefix; expected local@domain)"},
      {"PrimarySmtpAddress", "bob@@contoso.com", Reason::kBadSmtp, ""},
      {"PrimarySmtpAddress", "bob smith@contoso.com", Reason::kBadSmtp,
       "t.csv:2: column PrimarySmtpAddress: \"bob smith@contoso.com\" is not an SMTP address (a space is not "
       "allowed before @; expected local@domain)"},
      {"PrimarySmtpAddress", ".bob@contoso.com", Reason::kBadSmtp, ""},
      {"PrimarySmtpAddress", "bob@contoso", Reason::kBadSmtp, ""},
      {"PrimarySmtpAddress", "bob@-contoso.com", Reason::kBadSmtp, ""},
      {"PrimarySmtpAddress", "bob@contoso..com", Reason::kBadSmtp, ""},
      {"PrimarySmtpAddress", "bob@contoso_x.com", Reason::kBadSmtp, ""},
      {"PrimarySmtpAddress", "@contoso.com", Reason::kBadSmtp, ""},
      {"SourceUserPrincipalName", "bob", Reason::kBadUpn,
       "t.csv:2: column SourceUserPrincipalName: \"bob\" is not a user principal name (no @; expected "
       "name@suffix)"},
      {"EmailAddresses", "FOO:bar", Reason::kUnknownProxyType, ""},
      {"MigrationStatus", "Mapped\xC3", Reason::kInvalidEncoding,
       "t.csv:2: column MigrationStatus: invalid UTF-8 at character 7 (byte 0xC3); the file is not UTF-8: "
       "re-save "
       "it as \"CSV UTF-8\" or Export-Csv -Encoding UTF8"},
  };
  for (const BadField& c : cases) {
    std::vector<std::string> row = ValidRow(1);
    row[Col(c.column)] = c.value;
    const auto all = ReadText(MakeCsv({row}));
    ASSERT_FALSE(all.open_error) << c.column;
    ASSERT_EQ(all.errors.size(), 1u) << c.column << " = " << c.value;
    ASSERT_EQ(all.errors[0].problems.size(), 1u) << all.ErrorLines()[0];
    const RowProblem& p = all.errors[0].problems[0];
    EXPECT_EQ(p.reason, c.reason) << c.column << " = " << c.value << ": " << p.message;
    EXPECT_EQ(p.column, c.column);
    if (!c.message.empty()) {
      EXPECT_EQ(all.ErrorLines()[0], c.message);
    }
    EXPECT_EQ(all.summary.rejected, 1u);
    EXPECT_EQ(all.summary.rejected_by_reason[static_cast<std::size_t>(c.reason)], 1u);
  }
}

struct GoodField {
  const char* column;
  std::string value;
};

TEST(IdentityReaderFields, GoodValuesAreAcceptedAndKeptByteExact) {
  const std::vector<GoodField> cases = {
      {"ExchangeGuid", "{1EC059C7-8396-4D0B-AF4E-D6BD4C12A8D8}"},
      {"ExchangeGuid", "1EC059C7-8396-4d0b-AF4E-d6bd4c12a8d8"},
      {"ArchiveGuid", ""},
      {"ArchiveGuid", "00000000-0000-0000-0000-000000000000"},
      {"TargetExternalDirectoryObjectId", ""},
      {"SourceUserPrincipalName", ""},
      {"LegacyExchangeDN",
       "/O=FIRST ORGANIZATION/OU=EXCHANGE ADMINISTRATIVE GROUP/CN=RECIPIENTS/CN=Bob, Jr \"B\""},
      {"LegacyExchangeDN", "/o=Org/cn=" + std::string(1108, 'x')},  // exactly 1123 as X500:<dn>
      {"PrimarySmtpAddress",
       "j\xC3\xBCrgen.o'neil+tag@b\xC3\xBC"
       "cher.example.de"},
      {"PrimarySmtpAddress", "a@b.co"},
      {"MigrationStatus", "Some\nfree, \"text\""},
      {"MigrationStatus", ""},
      {"EmailAddresses", ""},
  };
  for (const GoodField& c : cases) {
    std::vector<std::string> row = ValidRow(1);
    row[Col(c.column)] = c.value;
    const auto all = ReadText(MakeCsv({row}));
    ASSERT_TRUE(all.errors.empty()) << c.column << " = " << c.value << ": " << all.ErrorLines()[0];
    ASSERT_EQ(all.rows.size(), 1u);
    const SourceIdentity& id = all.rows[0];
    const std::string column = c.column;
    if (column == "LegacyExchangeDN") {
      EXPECT_EQ(id.legacy_exchange_dn, c.value);
    }
    if (column == "PrimarySmtpAddress") {
      EXPECT_EQ(id.primary_smtp, c.value);
    }
    if (column == "MigrationStatus") {
      EXPECT_EQ(id.migration_status, c.value);
    }
    if (column == "ExchangeGuid") {
      EXPECT_EQ(id.exchange_guid.ToString(), "1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8");
    }
    if (column == "ArchiveGuid") {
      EXPECT_FALSE(id.archive_guid.has_value());
    }
    if (column == "TargetExternalDirectoryObjectId") {
      EXPECT_FALSE(id.target_object_id.has_value());
    }
  }
}

TEST(IdentityReaderFields, ValidRowIsFullyTyped) {
  const auto all = ReadText(MakeCsv({ValidRow(3)}));
  ASSERT_EQ(all.rows.size(), 1u);
  const SourceIdentity& id = all.rows[0];
  EXPECT_EQ(id.row, 2u);
  EXPECT_EQ(id.line, 2u);
  EXPECT_EQ(id.source_object_id, "5a5a5a5a-8396-4d0b-af4e-000000000003");
  EXPECT_EQ(id.source_upn, "user3@fabrikam.com");
  EXPECT_EQ(id.primary_smtp, "user3@fabrikam.com");
  EXPECT_EQ(id.exchange_guid.ToString(), "1ec059c7-8396-4d0b-af4e-000000000003");
  ASSERT_TRUE(id.archive_guid);
  EXPECT_EQ(id.archive_guid->ToString(), "a4c41ba5-8396-4d0b-af4e-000000000003");
  EXPECT_EQ(id.legacy_exchange_dn,
            "/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=user3-f1f9");
  EXPECT_EQ(id.x500_proxies, (std::vector<std::string>{"X500:/o=First Org/ou=Site/cn=Recipients/cn=user3"}));
  EXPECT_EQ(id.other_proxies,
            (std::vector<std::string>{"SMTP:user3@fabrikam.com", "smtp:user3@fabrikam.onmicrosoft.com"}));
  ASSERT_TRUE(id.target_object_id);
  EXPECT_EQ(id.target_object_id->ToString(), "7c1e0000-8396-4d0b-af4e-000000000003");
  EXPECT_EQ(id.migration_status, "Mapped");
  EXPECT_FALSE(id.hold.Requested());
}

TEST(IdentityReaderFields, EveryProblemOfARowIsListedInColumnOrder) {
  std::vector<std::string> row = ValidRow(1);
  row[Col("PrimarySmtpAddress")] = "nope";
  row[Col("ExchangeGuid")] = "xyz";
  row[Col("LegacyExchangeDN")] = "cn=x";
  const auto all = ReadText(MakeCsv({row}));
  ASSERT_EQ(all.errors.size(), 1u);
  ASSERT_EQ(all.errors[0].problems.size(), 3u);
  EXPECT_EQ(all.errors[0].problems[0].column, "PrimarySmtpAddress");
  EXPECT_EQ(all.errors[0].problems[1].column, "ExchangeGuid");
  EXPECT_EQ(all.errors[0].problems[2].column, "LegacyExchangeDN");
  EXPECT_EQ(all.errors[0].who, "user1@fabrikam.com");  // the UPN was readable
  EXPECT_EQ(all.summary.rejected, 1u);
}

TEST(IdentityReaderFields, HoldColumns) {
  std::vector<std::string> header = testing::StdHeader();
  header.insert(header.end(), {"LitigationHoldEnabled", "SingleItemRecoveryEnabled", "ElcMailboxFlags"});
  struct Case {
    std::vector<std::string> values;
    bool valid;
    Reason reason;
    bool requested;
  };
  const std::vector<Case> cases = {
      {{"", "", ""}, true, {}, false},
      {{"False", "FALSE", "2"}, true, {}, false},
      {{"True", "", ""}, true, {}, true},
      {{"", "true", ""}, true, {}, true},
      {{"", "", "10"}, true, {}, true},  // bit 8
      {{"yes", "", ""}, false, Reason::kBadBoolean, false},
      {{"", "1", ""}, false, Reason::kBadBoolean, false},
      {{"", "", "-8"}, false, Reason::kBadInteger, false},
      {{"", "", "0x10"}, false, Reason::kBadInteger, false},
      {{"", "", "99999999999999999999"}, false, Reason::kBadInteger, false},
  };
  for (const Case& c : cases) {
    std::vector<std::string> row = ValidRow(1);
    row.insert(row.end(), c.values.begin(), c.values.end());
    const auto all = ReadText(MakeCsv({row}, header));
    if (c.valid) {
      ASSERT_EQ(all.rows.size(), 1u) << c.values[0] << c.values[1] << c.values[2];
      EXPECT_EQ(all.rows[0].hold.Requested(), c.requested);
      EXPECT_EQ(all.summary.hold_requested, c.requested ? 1u : 0u);
    } else {
      ASSERT_EQ(all.errors.size(), 1u);
      EXPECT_EQ(all.errors[0].problems[0].reason, c.reason);
    }
  }
}

}  // namespace
}  // namespace ctim::agent
