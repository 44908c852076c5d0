// Prints a plan (the `plan` dry run) or a write report (`write`) as a table for people, JSON for tools, or
// CSV with the progress columns of doc/facts.md §1.3:
//   Row, SourceExternalDirectoryObjectId, TargetExternalDirectoryObjectId, TargetDN, Attribute,
//   Action(add|replace|delete|none), OldValue, NewValue, Status, Reason, Timestamp
// Status is planned|written|skipped|refused|failed|pending (verified/wrong belong to the cloud verifier).
// One CSV line per attribute change (one per proxy value added); a row without changes gets one line with
// Action none. GUID values print as GUID text, never raw bytes.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "agent/plan/plan.h"
#include "agent/apply/writer.h"

namespace ctim::agent {

enum class OutputFormat { kTable, kJson, kCsv };
[[nodiscard]] std::optional<OutputFormat> ParseOutputFormat(std::string_view name);  // "table" | "json" | "csv"

// "300 row(s): 280 to change (1500 attribute change(s)), 5 already as planned, ..." (the table's last line).
[[nodiscard]] std::string PlanSummaryLine(const PlanCounts& counts);

// `timestamp` fills the CSV Timestamp column (UTC ISO 8601; the caller's clock, so output is testable).
void PrintPlan(const Plan& plan, OutputFormat format, std::string_view timestamp, std::ostream& out);
// `report.rows` must be parallel to `plan.rows` (as WritePlan returns it).
void PrintWriteReport(const Plan& plan, const WriteReport& report, OutputFormat format, std::string_view timestamp,
                      std::ostream& out);

}  // namespace ctim::agent
