// Small helpers the journal commands (rollback, runs, show) share: the RUN argument and --format.
#pragma once

#include <cxxopts.hpp>
#include <string_view>

#include "agent/journal.h"
#include "agent/plan_format.h"
#include "common/result.h"

namespace ctim::service {

// The positional RUN as a run id (a positive integer). kInvalidInput otherwise, with `usage` as the hint.
[[nodiscard]] Result<agent::RunId> ReadRunId(const cxxopts::ParseResult& parsed, std::string_view usage);
// --format table|json (rollback).
[[nodiscard]] Result<agent::OutputFormat> ReadTableOrJson(const cxxopts::ParseResult& parsed);
// --format table|json|csv (runs, show).
[[nodiscard]] Result<agent::OutputFormat> ReadOutputFormat(const cxxopts::ParseResult& parsed);

}  // namespace ctim::service
