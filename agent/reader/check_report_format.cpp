// Printing a CheckReport. JSON schema (stable; scripts may rely on it):
// {
//   "file": "identities.csv", "passed": false,
//   "file_error": null | {"code": "invalid input", "message": "...", "hint": "..."},
//   "summary": {"encoding": "utf-8", "rows_read": 120, "valid": 117, "unmapped": 5, "rejected": 3,
//               "blank_lines": 0, "hold_requested": 1, "to_process": 100, "to_reverify": 12, "to_report": 0,
//               "rejected_by_reason": {"bad_guid": 2, ...}, "migration_status": {"Mapped": 100, ...}},
//   "warnings": [{"row": 1, "line": 1, "message": "identities.csv:1: unknown column ..."}],
//   "errors": [{"row": 42, "line": 42, "who": "bob@fabrikam.com", "column": "ExchangeGuid",
//               "reason": "bad_guid", "message": "column ExchangeGuid: ...", "other_row": null,
//               "text": "identities.csv:42: column ExchangeGuid: ..."}]
// }
#include <cstdio>
#include <nlohmann/json.hpp>

#include "agent/reader/check_report.h"

namespace ctim::agent {
namespace {

void Row(std::string& out, std::string_view label, std::string_view value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "  %-24.*s ", static_cast<int>(label.size()), label.data());
  out += buf;
  out += value;
  out += '\n';
}

std::string Rows(std::size_t n) { return std::to_string(n) + (n == 1 ? " row" : " rows"); }

std::string StatusList(const ReaderSummary& s) {
  std::string out;
  for (const auto& [status, count] : s.by_status) {
    out += (out.empty() ? "" : ", ") + (status.empty() ? std::string("(empty)") : status) + " " +
           std::to_string(count);
  }
  return out;
}

}  // namespace

std::string FormatCheckTable(const CheckReport& report) {
  std::string out;
  if (report.file_error) {
    out += report.file + ": REFUSED\n  " + report.file_error->message + "\n";
    if (!report.file_error->hint.empty()) out += "  fix: " + report.file_error->hint + "\n";
    return out;
  }
  const ReaderSummary& s = report.summary;
  if (report.Passed()) {
    out += report.file + ": OK \u2014 " + Rows(s.rows_read) + ", all valid\n";
  } else {
    out += report.file + ": FAILED \u2014 " + std::to_string(s.rejected) + " of " + Rows(s.rows_read) +
           " rejected\n";
  }
  Row(out, "encoding", s.encoding);
  Row(out, "rows read", std::to_string(s.rows_read));
  Row(out, "valid",
      std::to_string(s.valid) + "  (" + std::to_string(s.unmapped) + " unmapped; " +
          std::to_string(s.to_process) + " to process, " + std::to_string(s.to_reverify) + " to re-verify, " +
          std::to_string(s.to_report) + " to report)");
  Row(out, "rejected", std::to_string(s.rejected));
  Row(out, "blank lines", std::to_string(s.blank_lines));
  Row(out, "hold requested", std::to_string(s.hold_requested));
  if (!s.by_status.empty()) Row(out, "MigrationStatus", StatusList(s));
  if (s.rejected > 0) {
    out += "rejected by reason (a row may count under several)\n";
    for (std::size_t r = 0; r < kReasonCount; ++r) {
      if (s.rejected_by_reason[r] > 0)
        Row(out, ReasonName(static_cast<Reason>(r)), std::to_string(s.rejected_by_reason[r]));
    }
  }
  if (!report.warnings.empty()) {
    out += "warnings (" + std::to_string(report.warnings.size()) + ")\n";
    for (const ReaderWarning& w : report.warnings) out += "  " + w.message + "\n";
  }
  if (!report.errors.empty()) {
    out += "errors (" + Rows(report.errors.size()) + ")\n";
    for (const RowError& e : report.errors) {
      for (const std::string& line : e.Lines()) out += "  " + line + "\n";
    }
  }
  return out;
}

std::string FormatCheckJson(const CheckReport& report) {
  using nlohmann::json;
  json doc;
  doc["file"] = report.file;
  doc["passed"] = report.Passed();
  if (report.file_error) {
    doc["file_error"] = {{"code", std::string(ErrcName(report.file_error->code))},
                         {"message", report.file_error->message},
                         {"hint", report.file_error->hint}};
  } else {
    doc["file_error"] = nullptr;
  }
  const ReaderSummary& s = report.summary;
  json reasons = json::object();
  for (std::size_t r = 0; r < kReasonCount; ++r) {
    if (s.rejected_by_reason[r] > 0)
      reasons[std::string(ReasonName(static_cast<Reason>(r)))] = s.rejected_by_reason[r];
  }
  json statuses = json::object();
  for (const auto& [status, count] : s.by_status) statuses[status] = count;
  doc["summary"] = {{"encoding", s.encoding},
                    {"rows_read", s.rows_read},
                    {"valid", s.valid},
                    {"unmapped", s.unmapped},
                    {"rejected", s.rejected},
                    {"blank_lines", s.blank_lines},
                    {"hold_requested", s.hold_requested},
                    {"to_process", s.to_process},
                    {"to_reverify", s.to_reverify},
                    {"to_report", s.to_report},
                    {"rejected_by_reason", reasons},
                    {"migration_status", statuses}};
  json warnings = json::array();
  for (const ReaderWarning& w : report.warnings) {
    warnings.push_back({{"row", w.row}, {"line", w.line}, {"message", w.message}});
  }
  doc["warnings"] = std::move(warnings);
  json errors = json::array();
  for (const RowError& e : report.errors) {
    const std::string where = e.Where();
    for (const RowProblem& p : e.problems) {
      errors.push_back({{"row", e.row},
                        {"line", e.line},
                        {"who", e.who},
                        {"column", p.column},
                        {"reason", std::string(ReasonName(p.reason))},
                        {"message", p.message},
                        {"other_row", p.other_row == 0 ? json(nullptr) : json(p.other_row)},
                        {"text", where + ": " + p.message}});
    }
  }
  doc["errors"] = std::move(errors);
  // Invalid UTF-8 cannot reach here through the reader (it is quoted with \x escapes), but replace rather
  // than throw if it ever does.
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace ctim::agent
