// The `check` command's logic: run the identities reader over a whole file and collect a report (summary,
// warnings, every row error) that prints as a table or as JSON. The caller (service/cmd_check.cpp) picks
// the format and the exit status: Passed() is false when the file was refused or any row was rejected.
// `plan` and `write` run the same check first.
#pragma once

#include <filesystem>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/reader/identity_reader_result.h"
#include "agent/reader/reader_options.h"
#include "common/result.h"

namespace ctim::agent {

struct CheckReport {
  std::string file;                     // the label used in messages
  std::optional<Error> file_error;      // the file was refused as a whole (no rows were read)
  std::vector<ReaderWarning> warnings;  // unknown columns, then per-row hold warnings in row order
  std::vector<RowError> errors;         // every rejected row, in row order
  ReaderSummary summary;

  [[nodiscard]] bool Passed() const { return !file_error && summary.rejected == 0; }
};

// Reads `in` to its end. `file_label` names the file in every message.
CheckReport CheckIdentities(std::istream& in, std::string file_label, const ReaderOptions& options = {});
// Opens `path` (binary) and checks it; a file that cannot be opened is a file_error. The label is the path
// as given.
CheckReport CheckIdentitiesFile(const std::filesystem::path& path, const ReaderOptions& options = {});

enum class ReportFormat { kTable, kJson };  // --format is parsed by service/run_args.h

// Human text: a verdict line, the summary, rejections by reason, warnings, then every error line.
std::string FormatCheckTable(const CheckReport& report);
// One JSON document (schema in check_report_format.cpp); every error problem is one entry of "errors".
std::string FormatCheckJson(const CheckReport& report);
std::string FormatCheck(const CheckReport& report, ReportFormat format);

}  // namespace ctim::agent
