// PlanInverse: what undoes one journaled change set, judged against the object as it is now.
#include <algorithm>

#include "agent/apply/rollback.h"
#include "agent/model/text_fold.h"

namespace ctim::agent {
namespace {

bool Holds(std::span<const std::string> values, std::string_view v) {
  return std::find(values.begin(), values.end(), v) != values.end();
}

bool HoldsExactly(std::span<const std::string> current, const AttributeValues& expected) {
  return current.size() == expected.size() &&
         std::all_of(expected.begin(), expected.end(), [&](const std::string& v) { return Holds(current, v); });
}

std::string Now(std::string_view attribute, std::span<const std::string> current) {
  return DisplayValues(attribute, AttributeValues(current.begin(), current.end()));
}

}  // namespace

std::string_view RevertVerdictName(RevertVerdict verdict) {
  switch (verdict) {
    case RevertVerdict::kRevert: return "revert";
    case RevertVerdict::kAlreadyReverted: return "already-reverted";
    case RevertVerdict::kAlreadyAsBefore: return "already-as-before";
    case RevertVerdict::kRefused: return "refused";
  }
  return "?";
}

InversePlan PlanInverse(const IntentView& original, const DirectoryObject& current,
                        const std::map<ChangeId, RunId>& reverted) {
  InversePlan plan;
  plan.inverse.row = original.change_set.row;
  plan.inverse.dn = current.dn;  // the object may have moved since: write where it is now
  plan.inverse.object_guid = original.change_set.object_guid;
  plan.inverse.target_object_id = original.change_set.target_object_id;
  const std::string when =
      current.Single("whenChanged") ? " (object whenChanged " + std::string(*current.Single("whenChanged")) + ")" : "";

  for (std::size_t i = 0; i < original.change_set.changes.size(); ++i) {
    const AttributeChange& c = original.change_set.changes[i];
    const ChangeId id = i < original.change_ids.size() ? original.change_ids[i] : 0;
    AttributeVerdict verdict{c.attribute, RevertVerdict::kRevert, {}};
    const auto now = current.Values(c.attribute);
    auto revert = [&](AttributeChange inverse) {
      plan.inverse.changes.push_back(std::move(inverse));
      plan.reverts.emplace_back(id);
    };

    if (const auto it = reverted.find(id); it != reverted.end()) {
      verdict.verdict = RevertVerdict::kAlreadyReverted;
      verdict.detail = "restored by rollback run " + std::to_string(it->second);
      plan.verdicts.push_back(std::move(verdict));
      continue;
    }
    switch (c.kind) {
      case ChangeKind::kAddValues: {
        AttributeValues to_delete;
        for (const std::string& v : c.after) {
          if (Holds(now, v)) {
            to_delete.push_back(v);
          } else if (std::any_of(now.begin(), now.end(), [&](const std::string& n) { return EqualsFolded(n, v); })) {
            verdict.verdict = RevertVerdict::kRefused;
            verdict.detail = "the run added " + v + "; AD now holds it with different case: someone rewrote it" + when;
          }
        }
        if (verdict.verdict == RevertVerdict::kRefused) break;
        if (to_delete.empty()) {
          verdict.verdict = RevertVerdict::kAlreadyAsBefore;
          verdict.detail = "the value(s) the run added are gone already";
        } else {
          revert({c.attribute, ChangeKind::kDeleteValues, to_delete, {}});
        }
        break;
      }
      case ChangeKind::kSet:
        if (HoldsExactly(now, c.after)) {
          revert({c.attribute, ChangeKind::kDeleteValues, c.after, {}});
        } else if (now.empty()) {
          verdict.verdict = RevertVerdict::kAlreadyAsBefore;
          verdict.detail = c.attribute + " is empty again already";
        } else {
          verdict.verdict = RevertVerdict::kRefused;
          verdict.detail = c.attribute + " is now " + Now(c.attribute, now) + ", the run wrote " +
                           DisplayValues(c.attribute, c.after) + ": someone changed it since" + when;
        }
        break;
      case ChangeKind::kReplace:
        if (HoldsExactly(now, c.after)) {
          revert({c.attribute, ChangeKind::kReplace, c.after, c.before});
        } else if (HoldsExactly(now, c.before)) {
          verdict.verdict = RevertVerdict::kAlreadyAsBefore;
          verdict.detail = c.attribute + " holds the prior value " + DisplayValues(c.attribute, c.before) + " already";
        } else {
          verdict.verdict = RevertVerdict::kRefused;
          verdict.detail = c.attribute + " is now " + Now(c.attribute, now) + ", the run wrote " +
                           DisplayValues(c.attribute, c.after) + " over " + DisplayValues(c.attribute, c.before) +
                           ": someone changed it since" + when;
        }
        break;
      case ChangeKind::kDeleteValues:
        verdict.verdict = RevertVerdict::kRefused;
        verdict.detail = "rolling back a rollback is not supported: run `write` with the file again";
        break;
    }
    plan.verdicts.push_back(std::move(verdict));
  }
  return plan;
}

}  // namespace ctim::agent
