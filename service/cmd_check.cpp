// `ctim-agent check FILE`: read a CTIM identities file strictly and print the summary and every problem
// with its row and column, as a table (default) or JSON (--format json). Changes nothing and needs neither
// AD nor the cloud; a config file is optional (its [agent] email_separator is honoured).
// Exit: 0 every row valid; 1 some rows rejected; 2 the file was refused or unreadable, or a bad option.
#include <cstdio>

#include "agent/reader/check_report.h"
#include "agent/reader/reader_options.h"
#include "service/cli.h"
#include "service/command.h"
#include "service/exit_codes.h"
#include "service/run_args.h"

namespace ctim::service {

int RunCheck(const Invocation& invocation) {
  auto options =
      MakeOptions(invocation,
                  "Check a CTIM identities file (from Download-CtimCopiedIdentities): every row is "
                  "validated, nothing is changed.\nExit status: 0 all rows valid, 1 some rows "
                  "rejected, 2 the file was refused or cannot be read.");
  options.add_options("check")("format", "table or json",
                               cxxopts::value<std::string>()->default_value("table"),
                               "FORMAT")("file", "the identities file", cxxopts::value<std::string>());
  options.parse_positional({"file"});
  options.positional_help("FILE");
  auto prepared = Prepare(options, invocation, ConfigNeed::kOptional);
  if (!prepared) return prepared.error();  // --help printed, or the error reported
  const cxxopts::ParseResult& parsed = prepared->parsed;
  Common& common = prepared->common;
  const auto table_or_json = ReadTableOrJson(parsed);
  if (!table_or_json) return ReportError(invocation, table_or_json.error());
  const agent::ReportFormat format = ToReportFormat(*table_or_json);
  if (parsed.count("file") == 0) {
    return ReportError(invocation, Error{Errc::kInvalidInput, "no file given",
                                         "ctim-agent check FILE [--format table|json]"});
  }

  agent::ReaderOptions reader;
  if (common.config) {
    const std::string& separator = common.config->agent.email_separator;
    if (auto set = agent::ApplyReaderOption(reader, "email_addresses_separator", separator); !set) {
      return ReportError(
          invocation, Error{Errc::kInvalidInput,
                            common.config->source.string() + ": [agent] email_separator = \"" + separator +
                                "\" is not a separator the reader knows",
                            set.error().hint});
    }
  }
  const agent::CheckReport report = agent::CheckIdentitiesFile(parsed["file"].as<std::string>(), reader);
  const std::string text = agent::FormatCheck(report, format);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  if (report.file_error) return kExitBadInput;
  return report.Passed() ? kExitOk : kExitAttention;
}

}  // namespace ctim::service
