// Builds the plan for a whole file: asks the cloud (if any) for every target id at once, loads the
// candidates with ONE search (indexing them as they stream, keeping only objects some row's key can find),
// then matches and plans the rows a few thousand at a time (asking the Global Catalog, batched, who else
// holds the X500s each chunk adds, and freeing candidates no later row can find), then applies the cross-row
// checks. The I/O is here; the decisions are in
// the pure matcher, planner and cross-row checks. Used by `plan` and by `write` alike.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "agent/model/cloud_resolver.h"
#include "agent/model/directory.h"
#include "agent/plan/matcher.h"
#include "agent/plan/plan.h"
#include "agent/plan/plan_options.h"
#include "agent/plan/planner.h"
#include "agent/model/source_identity.h"

namespace ctim::agent {

struct PlanSettings {
  std::vector<std::string> base_dns;  // where candidate users live; one search each
  MatchOptions match;
  PlanOptions plan;
};

// `cloud` may be nullptr: the chain then runs with the offline keys only, and the plan says so.
// Fails only when AD cannot be read (candidates or Global Catalog); row problems are findings.
[[nodiscard]] Result<Plan> BuildPlan(std::span<const SourceIdentity> rows, Directory& directory,
                                     CloudResolver* cloud, const PlanSettings& settings);

// Re-plans one row against a fresh read of its object (after a write conflict), looking up in the forest
// any X500 it now has to add.
[[nodiscard]] Result<ObjectPlan> ReplanObject(const SourceIdentity& source, const DirectoryObject& fresh,
                                              const RowPlan& row, Directory& directory, const PlanOptions& options);

}  // namespace ctim::agent
