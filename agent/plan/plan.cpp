#include "agent/plan/plan.h"

namespace ctim::agent {

std::string_view RowStatusName(RowStatus status) {
  switch (status) {
    case RowStatus::kChange: return "change";
    case RowStatus::kNoChange: return "no-change";
    case RowStatus::kRefused: return "refused";
    case RowStatus::kSkipped: return "skipped";
  }
  return "?";
}

RowStatus RowPlan::status() const {
  if (HasRefusal(findings)) return RowStatus::kRefused;
  if (!matched()) return RowStatus::kSkipped;
  return change_set.empty() ? RowStatus::kNoChange : RowStatus::kChange;
}

PlanCounts Plan::Count() const {
  PlanCounts c;
  for (const RowPlan& r : rows) {
    ++c.rows;
    switch (r.status()) {
      case RowStatus::kChange: ++c.change; break;
      case RowStatus::kNoChange: ++c.no_change; break;
      case RowStatus::kRefused: ++c.refused; break;
      case RowStatus::kSkipped: ++c.skipped; break;
    }
    for (const Finding& f : r.findings) c.warnings += f.severity == Severity::kWarning ? 1 : 0;
    c.attribute_changes += r.change_set.changes.size();
  }
  return c;
}

}  // namespace ctim::agent
