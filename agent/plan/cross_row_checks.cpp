#include "agent/plan/cross_row_checks.h"

#include <map>

#include "agent/model/attributes.h"
#include "agent/model/text_fold.h"

namespace ctim::agent {
namespace {

std::string OtherLabels(const std::vector<RowPlan>& rows, const std::vector<std::size_t>& group, std::size_t self) {
  std::string out;
  for (std::size_t i : group) {
    if (i == self) continue;
    if (!out.empty()) out += ", ";
    out += rows[i].label;
  }
  return out;
}

}  // namespace

void ApplyCrossRowChecks(std::span<const SourceIdentity> sources, std::vector<RowPlan>& rows) {
  std::map<Guid, std::vector<std::size_t>> by_exchange_guid;
  std::map<Guid, std::vector<std::size_t>> by_object;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (!rows[i].target_object_id) continue;  // unmapped rows are skipped anyway
    by_exchange_guid[sources[rows[i].source_index].exchange_guid].push_back(i);
    if (rows[i].matched()) by_object[rows[i].change_set.object_guid].push_back(i);
  }
  for (const auto& [guid, group] : by_exchange_guid) {
    if (group.size() < 2) continue;
    for (std::size_t i : group) {
      rows[i].findings.push_back(Refuse(Rule::kR1RowSyntax,
                                        "ExchangeGuid " + guid.ToString() + " is also on " +
                                            OtherLabels(rows, group, i),
                                        "one source mailbox maps to one target: remove the duplicate row"));
    }
  }
  for (const auto& [guid, group] : by_object) {
    if (group.size() < 2) continue;
    for (std::size_t i : group) {
      rows[i].findings.push_back(Refuse(Rule::kR2Match,
                                        "resolves to " + rows[i].change_set.dn + ", the same object as " +
                                            OtherLabels(rows, group, i),
                                        "two identities cannot share one MailUser: fix the mapping of the wrong "
                                        "row(s)"));
    }
  }
  // One X500 added to two objects would fail Entra Connect's export: compare planned adds (folded).
  std::map<std::string, std::vector<std::size_t>> by_x500;
  std::map<std::string, std::string> shown;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (HasRefusal(rows[i].findings)) continue;
    for (const AttributeChange& c : rows[i].change_set.changes) {
      if (c.kind != ChangeKind::kAddValues || !EqualsAscii(c.attribute, attr::kProxyAddresses)) continue;
      for (const std::string& v : c.after) {
        auto& group = by_x500[FoldCase(v)];
        if (group.empty() || group.back() != i) group.push_back(i);
        shown.try_emplace(FoldCase(v), v);
      }
    }
  }
  for (const auto& [key, group] : by_x500) {
    if (group.size() < 2) continue;
    for (std::size_t i : group) {
      rows[i].findings.push_back(Refuse(Rule::kR6ProxyElsewhere,
                                        "proxy " + shown[key] + " would also be added by " +
                                            OtherLabels(rows, group, i),
                                        "a proxy must be unique in the forest: fix the rows' EmailAddresses"));
    }
  }
  for (RowPlan& r : rows) {
    if (HasRefusal(r.findings)) r.change_set.changes.clear();
  }
}

}  // namespace ctim::agent
