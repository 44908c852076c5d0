#include "agent/report/plan_format.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "agent/model/text_fold.h"
#include "common/csv.h"

namespace ctim::agent {
namespace {

// One row as printed, from a plan alone or from a plan plus its write report.
struct RowView {
  const RowPlan* plan = nullptr;
  std::string state;       // table/json word: change, no-change, refused, confirmed, failed, ...
  std::string csv_status;  // planned|written|skipped|refused|failed|pending
  const ChangeSet* change_set = nullptr;
  const std::vector<Finding>* findings = nullptr;         // the plan's
  const std::vector<Finding>* replan_findings = nullptr;  // a write's re-plans' (may be null)
  std::string detail;
};

// The row's findings in order: the plan's, then its re-plans'.
template <typename Visit>
void ForEachFinding(const RowView& v, Visit&& visit) {
  for (const Finding& f : *v.findings) visit(f);
  if (v.replan_findings != nullptr) {
    for (const Finding& f : *v.replan_findings) visit(f);
  }
}

std::string CsvStatusForPlan(RowStatus s) {
  switch (s) {
    case RowStatus::kChange: return "planned";
    case RowStatus::kNoChange:
    case RowStatus::kSkipped: return "skipped";
    case RowStatus::kRefused: return "refused";
  }
  return "";
}

std::string CsvStatusForWrite(RowWriteState s) {
  switch (s) {
    case RowWriteState::kConfirmed:
    case RowWriteState::kWritten: return "written";
    case RowWriteState::kNoChange:
    case RowWriteState::kSkipped:
    case RowWriteState::kNotAttempted: return "skipped";
    case RowWriteState::kRefused: return "refused";
    case RowWriteState::kMismatch:
    case RowWriteState::kFailed: return "failed";
    case RowWriteState::kUnknown: return "pending";
  }
  return "";
}

std::vector<RowView> ViewsOf(const Plan& plan) {
  std::vector<RowView> views;
  for (const RowPlan& r : plan.rows) {
    views.push_back({&r, std::string(RowStatusName(r.status())), CsvStatusForPlan(r.status()), &r.change_set,
                     &r.findings, nullptr, {}});
  }
  return views;
}

std::vector<RowView> ViewsOf(const Plan& plan, const WriteReport& report) {
  std::vector<RowView> views;
  for (std::size_t i = 0; i < plan.rows.size() && i < report.rows.size(); ++i) {
    const RowWriteResult& w = report.rows[i];
    views.push_back({&plan.rows[i], std::string(RowWriteStateName(w.state)), CsvStatusForWrite(w.state),
                     &report.ChangeSetOf(plan, i), &plan.rows[i].findings, &w.replan_findings, w.detail});
  }
  return views;
}

// Refusals first (they are why nothing happened), then warnings; notes only when `with_notes`.
std::string Reasons(const RowView& v, bool with_notes) {
  std::string out;
  for (Severity sev : {Severity::kRefusal, Severity::kWarning, Severity::kNote}) {
    if (sev == Severity::kNote && !with_notes) continue;
    ForEachFinding(v, [&](const Finding& f) {
      if (f.severity != sev) return;
      if (!out.empty()) out += "; ";
      out += f.ToString();
    });
  }
  if (!v.detail.empty()) out += (out.empty() ? "" : "; ") + v.detail;
  return out;
}

void PrintCsv(const std::vector<RowView>& views, std::string_view timestamp, std::ostream& out) {
  out << "Row,SourceExternalDirectoryObjectId,TargetExternalDirectoryObjectId,TargetDN,Attribute,Action,OldValue,"
         "NewValue,Status,Reason,Timestamp\r\n";
  for (const RowView& v : views) {
    const RowPlan& p = *v.plan;
    const std::string prefix = std::to_string(p.row) + "," + CsvField(p.source_object_id) + "," +
                               CsvField(p.target_object_id ? p.target_object_id->ToString() : "") + "," +
                               CsvField(v.change_set->dn) + ",";
    const std::string reason = Reasons(v, v.change_set->empty());
    if (v.change_set->empty()) {
      out << prefix << ",none,,," << v.csv_status << "," << CsvField(reason) << "," << timestamp << "\r\n";
      continue;
    }
    for (const AttributeChange& c : v.change_set->changes) {
      out << prefix << CsvField(c.attribute) << "," << ActionName(c.kind) << ","
          << CsvField(c.before.empty() ? "" : DisplayValues(c.attribute, c.before)) << ","
          << CsvField(c.after.empty() ? "" : DisplayValues(c.attribute, c.after)) << "," << v.csv_status << ","
          << CsvField(reason) << "," << timestamp << "\r\n";
    }
  }
}

nlohmann::json FindingJson(const Finding& f) {
  return {{"rule", RuleCode(f.rule)}, {"severity", SeverityName(f.severity)}, {"message", f.message},
          {"hint", f.hint}};
}

nlohmann::json FindingsJson(const std::vector<Finding>& findings) {
  nlohmann::json list = nlohmann::json::array();
  for (const Finding& f : findings) list.push_back(FindingJson(f));
  return list;
}

nlohmann::json FindingsJson(const RowView& v) {
  nlohmann::json list = nlohmann::json::array();
  ForEachFinding(v, [&](const Finding& f) { list.push_back(FindingJson(f)); });
  return list;
}

void PrintJson(const std::vector<RowView>& views, const Plan& plan, nlohmann::json summary, std::ostream& out) {
  nlohmann::json rows = nlohmann::json::array();
  for (const RowView& v : views) {
    const RowPlan& p = *v.plan;
    nlohmann::json changes = nlohmann::json::array();
    for (const AttributeChange& c : v.change_set->changes) {
      nlohmann::json before = nlohmann::json::array();
      nlohmann::json after = nlohmann::json::array();
      for (const std::string& b : c.before) before.push_back(DisplayValue(c.attribute, b));
      for (const std::string& a : c.after) after.push_back(DisplayValue(c.attribute, a));
      changes.push_back({{"attribute", c.attribute}, {"action", ActionName(c.kind)}, {"op", ChangeKindName(c.kind)},
                         {"old", before}, {"new", after}});
    }
    nlohmann::json row = {{"row", p.row},
                          {"label", p.label},
                          {"source_object_id", p.source_object_id},
                          {"target_object_id", p.target_object_id ? p.target_object_id->ToString() : ""},
                          {"status", v.state},
                          {"dn", v.change_set->dn},
                          {"object_guid", p.matched() ? v.change_set->object_guid.ToString() : ""},
                          {"matched_by", p.matched_by ? std::string(MatchKeyName(*p.matched_by)) : ""},
                          {"match_detail", p.match_detail},
                          {"changes", changes},
                          {"findings", FindingsJson(v)}};
    if (!v.detail.empty()) row["detail"] = v.detail;
    rows.push_back(std::move(row));
  }
  nlohmann::json doc = {{"summary", std::move(summary)}, {"notes", FindingsJson(plan.notes)}, {"rows", rows}};
  // AD values are not guaranteed UTF-8: replace invalid bytes instead of throwing.
  out << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

// Informational notes (Rule::kInfo) repeat on nearly every row of a real file, so the table folds them into
// one line at the end; JSON and CSV keep them per row.
void PrintTable(const std::vector<RowView>& views, const Plan& plan, const std::string& summary, std::ostream& out) {
  std::size_t info_rows = 0;
  const Finding* info_example = nullptr;
  for (const RowView& v : views) {
    const RowPlan& p = *v.plan;
    out << p.label;
    if (p.matched()) out << " -> " << v.change_set->dn;
    if (p.matched_by) out << " [" << MatchKeyName(*p.matched_by) << "]";
    out << "  " << v.state << "\n";
    for (const AttributeChange& c : v.change_set->changes) {
      out << "    " << c.attribute << "  " << ActionName(c.kind) << "  ";
      if (c.kind == ChangeKind::kAddValues) {
        out << "+ " << DisplayValues(c.attribute, c.after);
      } else if (c.kind == ChangeKind::kDeleteValues) {
        out << "- " << DisplayValues(c.attribute, c.before);
      } else {
        out << DisplayValues(c.attribute, c.before) << " -> " << DisplayValues(c.attribute, c.after);
      }
      out << "\n";
    }
    bool has_info = false;
    for (Severity sev : {Severity::kRefusal, Severity::kWarning, Severity::kNote}) {
      ForEachFinding(v, [&](const Finding& f) {
        if (f.severity != sev) return;
        if (f.rule == Rule::kInfo) {
          has_info = true;
          if (info_example == nullptr) info_example = &f;
          return;
        }
        out << "    " << f.ToString() << "\n";
      });
    }
    if (has_info) ++info_rows;
    if (!v.detail.empty()) out << "    " << v.detail << "\n";
  }
  for (const Finding& f : plan.notes) out << f.ToString() << "\n";
  if (info_rows > 0) {
    out << "info: " << info_rows << " row(s) carry informational notes such as \"" << info_example->message
        << "\" (--format json lists them per row)\n";
  }
  out << summary << "\n";
}

}  // namespace

std::string PlanSummaryLine(const PlanCounts& c) {
  return std::to_string(c.rows) + " row(s): " + std::to_string(c.change) + " to change (" +
         std::to_string(c.attribute_changes) + " attribute change(s)), " + std::to_string(c.no_change) +
         " already as planned, " + std::to_string(c.refused) + " refused, " + std::to_string(c.skipped) +
         " skipped, " + std::to_string(c.warnings) + " warning(s)";
}

std::optional<OutputFormat> ParseOutputFormat(std::string_view name) {
  if (EqualsAscii(name, "table")) return OutputFormat::kTable;
  if (EqualsAscii(name, "json")) return OutputFormat::kJson;
  if (EqualsAscii(name, "csv")) return OutputFormat::kCsv;
  return std::nullopt;
}

void PrintPlan(const Plan& plan, OutputFormat format, std::string_view timestamp, std::ostream& out) {
  const auto views = ViewsOf(plan);
  const PlanCounts c = plan.Count();
  switch (format) {
    case OutputFormat::kTable: PrintTable(views, plan, "plan: " + PlanSummaryLine(c), out); break;
    case OutputFormat::kJson:
      PrintJson(views, plan,
                {{"rows", c.rows}, {"change", c.change}, {"no_change", c.no_change}, {"refused", c.refused},
                 {"skipped", c.skipped}, {"warnings", c.warnings}, {"attribute_changes", c.attribute_changes}},
                out);
      break;
    case OutputFormat::kCsv: PrintCsv(views, timestamp, out); break;
  }
}

void PrintWriteReport(const Plan& plan, const WriteReport& report, OutputFormat format, std::string_view timestamp,
                      std::ostream& out) {
  const auto views = ViewsOf(plan, report);
  switch (format) {
    case OutputFormat::kTable: PrintTable(views, plan, report.Summary(), out); break;
    case OutputFormat::kJson: {
      nlohmann::json summary = {{"run", report.run},
                                {"run_state", RunStateName(report.run_state)},
                                {"text", report.Summary()}};
      for (RowWriteState s : {RowWriteState::kConfirmed, RowWriteState::kWritten, RowWriteState::kMismatch,
                              RowWriteState::kNoChange, RowWriteState::kRefused, RowWriteState::kSkipped,
                              RowWriteState::kFailed, RowWriteState::kUnknown, RowWriteState::kNotAttempted}) {
        summary[std::string(RowWriteStateName(s))] = report.Count(s);
      }
      PrintJson(views, plan, std::move(summary), out);
      break;
    }
    case OutputFormat::kCsv: PrintCsv(views, timestamp, out); break;
  }
}

}  // namespace ctim::agent
