#include "agent/plan/cross_row_checks.h"

#include <algorithm>

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

// Calls on_group(key, rows) for every key that 2 or more rows share, in key order; `keyed` is (key, row) in
// row order. A sorted vector rather than a map of vectors: one allocation, whatever the number of rows.
template <class Key, class OnGroup>
void ForEachSharedKey(std::vector<std::pair<Key, std::size_t>>& keyed, OnGroup on_group) {
  std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::size_t> group;
  for (std::size_t a = 0; a < keyed.size();) {
    std::size_t b = a + 1;
    while (b < keyed.size() && keyed[b].first == keyed[a].first) ++b;
    if (b - a >= 2) {
      group.clear();
      for (std::size_t k = a; k < b; ++k) {
        if (group.empty() || group.back() != keyed[k].second) group.push_back(keyed[k].second);
      }
      if (group.size() >= 2) on_group(keyed[a].first, group);
    }
    a = b;
  }
}

// The row's own spelling of the proxy it adds whose folded form is `folded`.
std::string Spelling(const RowPlan& row, const std::string& folded) {
  for (const AttributeChange& c : row.change_set.changes) {
    if (c.kind != ChangeKind::kAddValues || !EqualsAscii(c.attribute, attr::kProxyAddresses)) continue;
    for (const std::string& v : c.after) {
      if (EqualsFolded(v, folded)) return v;
    }
  }
  return folded;
}

}  // namespace

void ApplyCrossRowChecks(std::span<const SourceIdentity> sources, std::vector<RowPlan>& rows) {
  std::vector<std::pair<Guid, std::size_t>> by_exchange_guid;
  std::vector<std::pair<Guid, std::size_t>> by_object;
  by_exchange_guid.reserve(rows.size());
  by_object.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (!rows[i].target_object_id) continue;  // unmapped rows are skipped anyway
    by_exchange_guid.emplace_back(sources[rows[i].source_index].exchange_guid, i);
    if (rows[i].matched()) by_object.emplace_back(rows[i].change_set.object_guid, i);
  }
  ForEachSharedKey(by_exchange_guid, [&](const Guid& guid, const std::vector<std::size_t>& group) {
    for (std::size_t i : group) {
      rows[i].findings.push_back(Refuse(Rule::kR1RowSyntax,
                                        "ExchangeGuid " + guid.ToString() + " is also on " +
                                            OtherLabels(rows, group, i),
                                        "one source mailbox maps to one target: remove the duplicate row"));
    }
  });
  ForEachSharedKey(by_object, [&](const Guid&, const std::vector<std::size_t>& group) {
    for (std::size_t i : group) {
      rows[i].findings.push_back(Refuse(Rule::kR2Match,
                                        "resolves to " + rows[i].change_set.dn + ", the same object as " +
                                            OtherLabels(rows, group, i),
                                        "two identities cannot share one MailUser: fix the mapping of the wrong "
                                        "row(s)"));
    }
  });
  // One X500 added to two objects would fail Entra Connect's export: compare planned adds (folded). The
  // value shown is the first row's spelling.
  std::vector<std::pair<std::string, std::size_t>> by_x500;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (HasRefusal(rows[i].findings)) continue;
    for (const AttributeChange& c : rows[i].change_set.changes) {
      if (c.kind != ChangeKind::kAddValues || !EqualsAscii(c.attribute, attr::kProxyAddresses)) continue;
      for (const std::string& v : c.after) by_x500.emplace_back(FoldCase(v), i);
    }
  }
  ForEachSharedKey(by_x500, [&](const std::string& key, const std::vector<std::size_t>& group) {
    const std::string shown = Spelling(rows[group.front()], key);
    for (std::size_t i : group) {
      rows[i].findings.push_back(Refuse(Rule::kR6ProxyElsewhere,
                                        "proxy " + shown + " would also be added by " +
                                            OtherLabels(rows, group, i),
                                        "a proxy must be unique in the forest: fix the rows' EmailAddresses"));
    }
  });
  for (RowPlan& r : rows) {
    if (HasRefusal(r.findings)) r.change_set.changes.clear();
  }
}

}  // namespace ctim::agent
