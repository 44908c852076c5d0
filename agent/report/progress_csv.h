// The progress CSV (like CTIM's -ProgressOutputCsvFilePath): a header, then one record per ProgressRow,
// RFC 4180 with CRLF (agent/reader/csv_writer.h), every cell neutralised for spreadsheets
// (agent/report/spreadsheet_csv.h). The columns are stable; README "Progress CSV" documents them:
//   Run,Row,SourceExternalDirectoryObjectId,TargetExternalDirectoryObjectId,TargetDN,Attribute,Action,
//   OldValue,NewValue,Status,Reason,Fix,Timestamp
// The same text goes to stdout for `verify --format csv` and `show RUN --format csv`.
#pragma once

#include <span>
#include <string>

#include "agent/report/progress.h"
#include "common/result.h"

namespace ctim::agent::report {

[[nodiscard]] std::string FormatProgressCsv(std::span<const ProgressRow> rows);

// Writes `content` to `path` so that no reader ever sees a partial file: into a new temporary file in the
// same directory, flushed and closed, then renamed over `path`. On error the temporary file is removed and
// `path` is left as it was. Errors name the path.
[[nodiscard]] Status WriteFileAtomically(const std::string& path, std::string_view content);

// FormatProgressCsv + WriteFileAtomically: what `write --progress-csv`, `verify --progress-csv` and a
// service's outbox call.
[[nodiscard]] Status WriteProgressCsv(const std::string& path, std::span<const ProgressRow> rows);

}  // namespace ctim::agent::report
