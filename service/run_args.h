// Small helpers the commands share: the RUN argument, and the one parser of --format and of --batch-size.
#pragma once

#include <cxxopts.hpp>

#include <cstddef>
#include <initializer_list>
#include <string_view>

#include "agent/reader/check_report.h"
#include "agent/journal/journal.h"
#include "agent/report/plan_format.h"
#include "common/result.h"

namespace ctim::service {

// The positional RUN as a run id (a positive integer). kInvalidInput otherwise, with `usage` as the hint.
[[nodiscard]] Result<agent::RunId> ReadRunId(const cxxopts::ParseResult& parsed, std::string_view usage);
// --format, for every command: `allowed` are the formats the command prints (table first). The names
// compare ASCII-case-insensitively; anything else is kInvalidInput naming the value and the allowed names.
[[nodiscard]] Result<agent::OutputFormat> ReadFormat(const cxxopts::ParseResult& parsed,
                                                     std::initializer_list<agent::OutputFormat> allowed);
// --format table|json (the journal views, check, verify, doctor).
[[nodiscard]] Result<agent::OutputFormat> ReadTableOrJson(const cxxopts::ParseResult& parsed);
// The same choice as the check and verify reports spell it.
[[nodiscard]] agent::ReportFormat ToReportFormat(agent::OutputFormat format);

// --batch-size (write, rollback): objects per batch, 1..100000.
[[nodiscard]] Result<std::size_t> ReadBatchSize(const cxxopts::ParseResult& parsed);
// --format table|json|csv (runs, show, verify).
[[nodiscard]] Result<agent::OutputFormat> ReadOutputFormat(const cxxopts::ParseResult& parsed);

}  // namespace ctim::service
