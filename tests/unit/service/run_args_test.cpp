// The one parser of --format and of --batch-size every command uses (service/run_args.h).
#include "service/run_args.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ctim::service {
namespace {

// Parses `args` (after the program name) with the two options the commands declare.
cxxopts::ParseResult Parse(std::vector<std::string> args) {
  cxxopts::Options options("ctim-agent test");
  options.add_options()("format", "", cxxopts::value<std::string>()->default_value("table"))(
      "batch-size", "", cxxopts::value<int>()->default_value("500"));
  args.insert(args.begin(), "ctim-agent");
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  return options.parse(static_cast<int>(argv.size()), argv.data());
}

using agent::OutputFormat;

TEST(ReadFormat, AcceptsTheAllowedNamesInAnyCase) {
  EXPECT_EQ(ReadTableOrJson(Parse({})), OutputFormat::kTable);
  EXPECT_EQ(ReadTableOrJson(Parse({"--format", "json"})), OutputFormat::kJson);
  EXPECT_EQ(ReadTableOrJson(Parse({"--format", "JSON"})), OutputFormat::kJson);
  EXPECT_EQ(
      ReadFormat(Parse({"--format", "csv"}), {OutputFormat::kTable, OutputFormat::kJson, OutputFormat::kCsv}),
      OutputFormat::kCsv);
}

TEST(ReadFormat, RefusesOthersNamingWhatIsAllowed) {
  const auto csv = ReadTableOrJson(Parse({"--format", "csv"}));
  ASSERT_FALSE(csv);
  EXPECT_EQ(csv.error().code, Errc::kInvalidInput);
  EXPECT_EQ(csv.error().message, "--format \"csv\" is not table or json");
  EXPECT_EQ(csv.error().hint, "use --format table or json");
  const auto xml =
      ReadFormat(Parse({"--format", "xml"}), {OutputFormat::kTable, OutputFormat::kJson, OutputFormat::kCsv});
  ASSERT_FALSE(xml);
  EXPECT_EQ(xml.error().message, "--format \"xml\" is not table, json or csv");
}

TEST(ReadFormat, MapsToTheReportSpelling) {
  EXPECT_EQ(ToReportFormat(OutputFormat::kTable), agent::ReportFormat::kTable);
  EXPECT_EQ(ToReportFormat(OutputFormat::kJson), agent::ReportFormat::kJson);
}

TEST(ReadBatchSize, AcceptsOneToOneHundredThousand) {
  EXPECT_EQ(ReadBatchSize(Parse({})), 500u);
  EXPECT_EQ(ReadBatchSize(Parse({"--batch-size", "1"})), 1u);
  EXPECT_EQ(ReadBatchSize(Parse({"--batch-size", "100000"})), 100000u);
  for (const char* bad : {"0", "100001"}) {
    const auto r = ReadBatchSize(Parse({"--batch-size", bad}));
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, Errc::kInvalidInput);
    EXPECT_NE(r.error().message.find("between 1 and 100000"), std::string::npos) << r.error().message;
  }
}

}  // namespace
}  // namespace ctim::service
