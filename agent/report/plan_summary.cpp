#include "agent/report/plan_summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "agent/report/plan_format.h"

namespace ctim::agent::report {
namespace {

// One reason: a rule at a severity with one fix. Rows whose hint differs (it may name a value) form their
// own reason, so each fix is printed once with the rows it applies to.
struct ReasonKey {
  Severity severity;
  Rule rule;
  std::string hint;
  auto operator<=>(const ReasonKey&) const = default;
};

struct Reason {
  std::string example;                // the first row's message
  std::vector<const RowPlan*> rows;   // each row once, in file order
  std::vector<std::string> messages;  // parallel to rows: that row's message
};

using Reasons = std::map<ReasonKey, Reason>;

Reasons Collect(const Plan& plan) {
  Reasons reasons;
  for (const RowPlan& p : plan.rows) {
    for (const Finding& f : p.findings) {
      if (f.rule == Rule::kInfo) continue;  // informational: folded into one line
      Reason& r = reasons[{f.severity, f.rule, f.hint}];
      if (!r.rows.empty() && r.rows.back() == &p) continue;
      if (r.rows.empty()) r.example = f.message;
      r.rows.push_back(&p);
      r.messages.push_back(f.message);
    }
  }
  return reasons;
}

std::string RowName(const RowPlan& p) {
  std::string name = p.label;
  if (p.matched()) name += " -> " + p.change_set.dn;
  return name;
}

void PrintCounts(const Plan& plan, const Reasons& reasons, std::ostream& out) {
  const PlanCounts c = plan.Count();
  std::map<std::string, std::size_t> actions;
  for (const RowPlan& p : plan.rows) {
    if (p.status() != RowStatus::kChange) continue;
    for (const AttributeChange& ch : p.change_set.changes)
      ++actions[fmt::format("{} {}", ActionName(ch.kind), ch.attribute)];
  }
  out << "by action\n";
  out << fmt::format("  {:<10} {:>6} row(s), {} attribute change(s)\n", "change", c.change,
                     c.attribute_changes);
  for (const auto& [name, n] : actions) out << fmt::format("  {:<10} {:>6} x {}\n", "", n, name);
  out << fmt::format("  {:<10} {:>6} row(s)\n", "no-change", c.no_change);
  out << fmt::format("  {:<10} {:>6} row(s)\n", "refused", c.refused);
  out << fmt::format("  {:<10} {:>6} row(s)\n", "skipped", c.skipped);
  for (Severity sev : {Severity::kRefusal, Severity::kWarning, Severity::kNote}) {
    bool any = false;
    for (const auto& [key, reason] : reasons) {
      if (key.severity != sev) continue;
      if (!any) {
        out << (sev == Severity::kRefusal   ? "by refusal rule\n"
                : sev == Severity::kWarning ? "by warning\n"
                                            : "by note\n");
        any = true;
      }
      out << fmt::format("  {:<8} {:>6} row(s)  {}{}\n", RuleCode(key.rule), reason.rows.size(),
                         reason.rows.size() > 1 ? "e.g. " : "", reason.example);
      if (!key.hint.empty()) out << fmt::format("  {:<8} {:>6}  fix: {}\n", "", "", key.hint);
    }
  }
  for (const Finding& f : plan.notes) out << f.ToString() << "\n";
  std::size_t info_rows = 0;
  const Finding* info_example = nullptr;
  for (const RowPlan& p : plan.rows) {
    for (const Finding& f : p.findings) {
      if (f.rule != Rule::kInfo) continue;
      if (info_example == nullptr) info_example = &f;
      ++info_rows;
      break;
    }
  }
  if (info_rows > 0) {
    out << "info: " << info_rows << " row(s) carry informational notes such as \"" << info_example->message
        << "\" (--format json lists them per row)\n";
  }
}

void PrintOmitted(std::size_t shown, std::size_t total, std::ostream& out) {
  if (total > shown) out << "  ... " << total - shown << " more (--detail shows every row)\n";
}

void PrintChanges(const RowPlan& p, std::ostream& out) {
  for (const AttributeChange& c : p.change_set.changes) {
    out << "      " << c.attribute << "  " << ActionName(c.kind) << "  ";
    if (c.kind == ChangeKind::kAddValues) {
      out << "+ " << DisplayValues(c.attribute, c.after);
    } else if (c.kind == ChangeKind::kDeleteValues) {
      out << "- " << DisplayValues(c.attribute, c.before);
    } else {
      out << DisplayValues(c.attribute, c.before) << " -> " << DisplayValues(c.attribute, c.after);
    }
    out << "\n";
  }
}

void PrintDetailByReason(const Plan& plan, const Reasons& reasons, std::size_t limit, std::ostream& out) {
  out << "\ndetail: the first " << limit
      << " row(s) of each reason (--detail shows every row; --format json or "
      << "csv lists every row)\n";
  for (Severity sev : {Severity::kRefusal, Severity::kWarning, Severity::kNote}) {
    for (const auto& [key, reason] : reasons) {
      if (key.severity != sev) continue;
      out << RuleCode(key.rule) << " " << SeverityName(key.severity) << " (" << reason.rows.size()
          << " row(s))";
      if (!key.hint.empty()) out << " \u2014 " << key.hint;
      out << "\n";
      const std::size_t shown = std::min(limit, reason.rows.size());
      for (std::size_t i = 0; i < shown; ++i) {
        out << "  " << RowName(*reason.rows[i]) << ": " << RuleCode(key.rule) << " "
            << SeverityName(key.severity) << ": " << reason.messages[i] << "\n";
      }
      PrintOmitted(shown, reason.rows.size(), out);
    }
  }
  std::vector<const RowPlan*> changes;
  for (const RowPlan& p : plan.rows) {
    if (p.status() == RowStatus::kChange) changes.push_back(&p);
  }
  if (changes.empty()) return;
  out << "change (" << changes.size() << " row(s))\n";
  const std::size_t shown = std::min(limit, changes.size());
  for (std::size_t i = 0; i < shown; ++i) {
    out << "  " << RowName(*changes[i]) << "\n";
    PrintChanges(*changes[i], out);
  }
  PrintOmitted(shown, changes.size(), out);
}

}  // namespace

void PrintPlanSummaryFirst(const Plan& plan, std::size_t limit, std::ostream& out) {
  out << "plan: " << PlanSummaryLine(plan.Count()) << "\n\n";
  const Reasons reasons = Collect(plan);
  PrintCounts(plan, reasons, out);
  if (limit == 0) {
    out << "\ndetail: every row\n";
    PrintPlan(plan, OutputFormat::kTable, "", out);
    return;
  }
  PrintDetailByReason(plan, reasons, limit, out);
}

}  // namespace ctim::agent::report
