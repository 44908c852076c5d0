// ReaderOptions: the one place for the INFERRED file layout.
#include "agent/reader/reader_options.h"

#include <gtest/gtest.h>

namespace ctim::agent {
namespace {

TEST(ReaderOptions, MatchesNamesAndAliasesWithoutRegardToCase) {
  const ReaderOptions options;
  EXPECT_EQ(options.MatchHeader("exchangeguid"), Column::kExchangeGuid);
  EXPECT_EQ(options.MatchHeader("ProxyAddresses"), Column::kEmailAddresses);
  EXPECT_EQ(options.MatchHeader("TARGETEXTERNALDIRECTORYOBJECTID"), Column::kTargetObjectId);
  EXPECT_EQ(options.MatchHeader("ExchangeGuid "), std::nullopt);  // no trimming: strict
  EXPECT_EQ(options.MatchHeader("Notes"), std::nullopt);
  for (std::size_t i = 0; i < kColumnCount; ++i) {
    EXPECT_EQ(static_cast<std::size_t>(options.columns[i].column), i)
        << "columns[] must be indexed by Column";
  }
}

TEST(ReaderOptions, RequiredColumnsAreTheDocumentedOnes) {
  const ReaderOptions options;
  std::vector<std::string> required;
  for (const ColumnSpec& spec : options.columns) {
    if (spec.required_column) required.push_back(spec.name);
  }
  EXPECT_EQ(required, (std::vector<std::string>{"PrimarySmtpAddress", "ExchangeGuid", "LegacyExchangeDN",
                                                "TargetExternalDirectoryObjectId"}));
}

TEST(ReaderOptions, MigrationStatusPolicy) {
  const ReaderOptions options;
  EXPECT_EQ(options.ActionFor("Mapped"), StatusAction::kProcess);
  EXPECT_EQ(options.ActionFor("mapped"), StatusAction::kProcess);
  EXPECT_EQ(options.ActionFor("Completed"), StatusAction::kReverify);
  EXPECT_EQ(options.ActionFor("CompletedWithWarnings"), StatusAction::kReport);
  EXPECT_EQ(options.ActionFor(""), StatusAction::kProcess);
  EXPECT_EQ(StatusActionName(StatusAction::kReverify), "reverify");
}

TEST(ReaderOptions, ConfigKeys) {
  ReaderOptions options;
  EXPECT_TRUE(ApplyReaderOption(options, "email_addresses_separator", "|"));
  EXPECT_EQ(options.proxy_separator, '|');
  EXPECT_TRUE(ApplyReaderOption(options, "email_addresses_json", "false"));
  EXPECT_FALSE(options.accept_json_array);
  EXPECT_TRUE(ApplyReaderOption(options, "utf16", "refuse"));
  EXPECT_FALSE(options.transcode_utf16);

  const Status bad_value = ApplyReaderOption(options, "email_addresses_separator", ",");
  ASSERT_FALSE(bad_value);
  EXPECT_EQ(bad_value.error().message, "reader option email_addresses_separator: \",\" is not accepted");
  EXPECT_EQ(bad_value.error().hint, "use \";\" or \"|\"");
  const Status bad_key = ApplyReaderOption(options, "separator", ";");
  ASSERT_FALSE(bad_key);
  EXPECT_EQ(bad_key.error().code, Errc::kInvalidInput);
}

}  // namespace
}  // namespace ctim::agent
