// `runs --format csv`: one record per run, spreadsheet-safe (agent/report/spreadsheet_csv.h). Columns:
//   Run,Kind,State,StartedAt,FinishedAt,File,FileSha256,RollbackOf,Summary
// (Run means what it means in the progress CSV, agent/report/progress_csv.h.)
#pragma once

#include <span>
#include <string>

#include "agent/journal/journal.h"

namespace ctim::agent::report {

[[nodiscard]] std::string FormatRunsCsv(std::span<const RunRecord> runs);

}  // namespace ctim::agent::report
