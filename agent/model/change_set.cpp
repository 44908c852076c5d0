#include "agent/model/change_set.h"

#include <algorithm>

#include "agent/model/attributes.h"

namespace ctim::agent {
namespace {

bool Holds(std::span<const std::string> values, std::string_view value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

bool HoldsExactly(std::span<const std::string> values, const AttributeValues& expected) {
  if (values.size() != expected.size()) return false;
  return std::all_of(expected.begin(), expected.end(), [&](const std::string& v) { return Holds(values, v); });
}

void AddMod(std::vector<Modification>& mods, ModOp op, const std::string& attribute,
            const AttributeValues& values) {
  if (values.empty()) return;
  // Merge only into the LAST modification, and only of the same kind and attribute, so the delete-then-add
  // order of a compare-and-swap is kept.
  if (!mods.empty() && mods.back().op == op && EqualsAscii(mods.back().attribute, attribute)) {
    mods.back().values.insert(mods.back().values.end(), values.begin(), values.end());
    return;
  }
  mods.push_back(Modification{op, attribute, values});
}

}  // namespace

ModifyRequest ToModifyRequest(const ChangeSet& change_set) {
  ModifyRequest request{change_set.dn, change_set.object_guid, {}};
  for (const AttributeChange& change : change_set.changes) {
    switch (change.kind) {
      case ChangeKind::kAddValues:
      case ChangeKind::kSet:
        AddMod(request.mods, ModOp::kAdd, change.attribute, change.after);
        break;
      case ChangeKind::kDeleteValues:
        AddMod(request.mods, ModOp::kDelete, change.attribute, change.before);
        break;
      case ChangeKind::kReplace:
        AddMod(request.mods, ModOp::kDelete, change.attribute, change.before);
        request.mods.push_back(Modification{ModOp::kAdd, change.attribute, change.after});
        break;
    }
  }
  return request;
}

std::string_view ActionName(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kAddValues:
    case ChangeKind::kSet: return "add";
    case ChangeKind::kDeleteValues: return "delete";
    case ChangeKind::kReplace: return "replace";
  }
  return "?";
}

std::string_view ChangeKindName(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kAddValues: return "add_values";
    case ChangeKind::kDeleteValues: return "delete_values";
    case ChangeKind::kSet: return "set";
    case ChangeKind::kReplace: return "replace";
  }
  return "?";
}

bool ParseChangeKind(std::string_view name, ChangeKind& kind) {
  for (ChangeKind k : {ChangeKind::kAddValues, ChangeKind::kDeleteValues, ChangeKind::kSet, ChangeKind::kReplace}) {
    if (name == ChangeKindName(k)) {
      kind = k;
      return true;
    }
  }
  return false;
}

std::string DisplayValue(std::string_view attribute, std::string_view value) {
  if (!attr::IsGuidValued(attribute)) return std::string(value);
  if (auto guid = Guid::FromAdBytes(value)) return guid->ToString();
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "0x";
  for (unsigned char c : value) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

std::string DisplayValues(std::string_view attribute, const AttributeValues& values) {
  if (values.empty()) return "(none)";
  std::string out;
  for (const std::string& v : values) {
    if (!out.empty()) out += "; ";
    out += DisplayValue(attribute, v);
  }
  return out;
}

ChangeState StateOf(const AttributeChange& change, const DirectoryObject& object) {
  const auto current = object.Values(change.attribute);
  switch (change.kind) {
    case ChangeKind::kAddValues: {
      const auto present = std::count_if(change.after.begin(), change.after.end(),
                                         [&](const std::string& v) { return Holds(current, v); });
      if (static_cast<std::size_t>(present) == change.after.size()) return ChangeState::kApplied;
      if (present == 0) return ChangeState::kNotApplied;
      return ChangeState::kDiverged;
    }
    case ChangeKind::kDeleteValues: {
      const auto present = std::count_if(change.before.begin(), change.before.end(),
                                         [&](const std::string& v) { return Holds(current, v); });
      if (present == 0) return ChangeState::kApplied;
      if (static_cast<std::size_t>(present) == change.before.size()) return ChangeState::kNotApplied;
      return ChangeState::kDiverged;
    }
    case ChangeKind::kSet:
      if (HoldsExactly(current, change.after)) return ChangeState::kApplied;
      if (current.empty()) return ChangeState::kNotApplied;
      return ChangeState::kDiverged;
    case ChangeKind::kReplace:
      if (HoldsExactly(current, change.after)) return ChangeState::kApplied;
      if (HoldsExactly(current, change.before)) return ChangeState::kNotApplied;
      return ChangeState::kDiverged;
  }
  return ChangeState::kDiverged;
}

ChangeState StateOf(const ChangeSet& change_set, const DirectoryObject& object) {
  std::size_t applied = 0;
  std::size_t not_applied = 0;
  for (const AttributeChange& change : change_set.changes) {
    switch (StateOf(change, object)) {
      case ChangeState::kApplied: ++applied; break;
      case ChangeState::kNotApplied: ++not_applied; break;
      case ChangeState::kDiverged: return ChangeState::kDiverged;
    }
  }
  if (applied == change_set.changes.size()) return ChangeState::kApplied;
  if (not_applied == change_set.changes.size()) return ChangeState::kNotApplied;
  return ChangeState::kDiverged;
}

std::string DescribeDifference(const AttributeChange& change, const DirectoryObject& object) {
  const auto span = object.Values(change.attribute);
  const AttributeValues current(span.begin(), span.end());
  std::string expected;
  switch (change.kind) {
    case ChangeKind::kAddValues: expected = "to hold " + DisplayValues(change.attribute, change.after); break;
    case ChangeKind::kDeleteValues:
      expected = "not to hold " + DisplayValues(change.attribute, change.before);
      break;
    case ChangeKind::kSet:
    case ChangeKind::kReplace: expected = DisplayValues(change.attribute, change.after); break;
  }
  std::string text = change.attribute + " is " + DisplayValues(change.attribute, current) + ", expected " + expected;
  if (auto when = object.Single(attr::kWhenChanged)) text += " (object whenChanged " + std::string(*when) + ")";
  return text;
}

}  // namespace ctim::agent
