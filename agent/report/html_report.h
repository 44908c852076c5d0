// `report RUN -o report.html`: one self-contained HTML file for the people around a migration weekend. No
// network: inline CSS, inline SVG, a few lines of inline JavaScript for the table filter, and a Content
// Security Policy that forbids loading anything else. It shows the run, every refusal with its reason and
// fix, a per-user status table with search and a status filter, and a plot of DONE / PENDING / WRONG over the
// verify passes with the tenant's directory-sync cycles as marks. Readable printed (print CSS) and on a
// phone (viewport, the table turns into cards). Every value is HTML-escaped. Pure.
//
// The plot's points carry their data for tools and tests: each <circle> has data-series (done | pending |
// wrong), data-at (the pass's UTC time) and data-count; each sync mark has data-sync (UTC time).
#pragma once

#include <string>
#include <string_view>

#include "agent/report/run_report_data.h"

namespace ctim::agent::report {

// Escapes & < > " ' for text and attribute values.
[[nodiscard]] std::string HtmlEscape(std::string_view text);

// `generated_at`: UTC ISO 8601 of the report (the caller's clock, so the output is testable).
[[nodiscard]] std::string FormatHtmlReport(const RunReportData& data, std::string_view generated_at);

}  // namespace ctim::agent::report
