// The plan: a value that `plan` prints and `write` executes (the same code path, so the dry run cannot lie).
// One RowPlan per file row, in file order: the object it resolved to, the minimal ChangeSet, and every
// refusal, warning and note with its rule.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/model/change_set.h"
#include "agent/model/cloud_resolver.h"
#include "agent/model/finding.h"
#include "agent/plan/matcher.h"

namespace ctim::agent {

enum class RowStatus {
  kChange,    // matched, not refused, something to write
  kNoChange,  // matched, not refused, already as desired
  kRefused,   // at least one refusal: nothing is written for the row
  kSkipped,   // unmapped row (TargetExternalDirectoryObjectId empty)
};
[[nodiscard]] std::string_view RowStatusName(RowStatus status);  // "change" | "no-change" | "refused" | "skipped"

struct RowPlan {
  std::size_t source_index = 0;  // index into the rows the plan was built from
  std::size_t row = 0;           // file row (header = 1)
  std::string label;             // "row 17 (bob@fabrikam.com)"
  std::string source_object_id;
  std::optional<Guid> target_object_id;
  std::optional<MatchKey> matched_by;
  std::string match_detail;             // every key tried and what it found ("the matched object": change_set.dn)
  ChangeSet change_set;                 // dn/object_guid set once matched; changes empty unless kChange
  // Graph's view, when the cloud was asked (kept for re-planning); shared, not inline: a CloudIdentity is
  // larger than the rest of the row, and most rows of a plan without a cloud have none.
  std::shared_ptr<const CloudIdentity> cloud;
  std::vector<Finding> findings;

  [[nodiscard]] bool matched() const { return !change_set.dn.empty(); }
  [[nodiscard]] RowStatus status() const;
};

struct PlanCounts {
  std::size_t rows = 0, change = 0, no_change = 0, refused = 0, skipped = 0, warnings = 0, attribute_changes = 0;
};

struct Plan {
  std::vector<RowPlan> rows;
  std::vector<Finding> notes;  // plan-wide: keys that could not be consulted, checks that were not made

  [[nodiscard]] PlanCounts Count() const;
};

}  // namespace ctim::agent
