// `rollback RUN`: restores every value a write run changed to what it was before, byte-exact, from the
// journal — unless someone changed that attribute since, in which case that attribute is refused (and the
// message says what AD holds now versus what the run wrote); the object's other attributes still roll back.
// The rollback is itself a journaled run (kind rollback, rollback_of = RUN) on the same engine as `write`
// (agent/apply/journaled_run.h): intent, compare-and-swap modify, outcome, re-plan on conflict, re-read.
#pragma once

#include <cstddef>
#include <map>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

#include "agent/model/attributes.h"
#include "agent/model/directory.h"
#include "agent/journal/journal.h"
#include "agent/apply/journaled_apply.h"
#include "agent/apply/journaled_run.h"
#include "agent/model/progress.h"

namespace ctim::agent {

enum class RevertVerdict {
  kRevert,            // AD still holds what the run wrote: it will be (was) restored
  kAlreadyReverted,   // an earlier rollback restored it
  kAlreadyAsBefore,   // AD already holds the prior value (someone restored it by hand)
  kRefused,           // someone changed the attribute since: not touched
};
[[nodiscard]] std::string_view RevertVerdictName(RevertVerdict verdict);

struct AttributeVerdict {
  std::string attribute;
  RevertVerdict verdict = RevertVerdict::kRevert;
  std::string detail;  // what differs, which rollback run, ...
};

// The inverse of one journaled intent against the object as it is now. Pure.
struct InversePlan {
  ChangeSet inverse;                              // what to send (empty: nothing to restore)
  std::vector<std::optional<ChangeId>> reverts;   // parallel to inverse.changes
  std::vector<AttributeVerdict> verdicts;         // one per original change
};

// `reverted` maps a change of the original run to the rollback run that already restored it.
[[nodiscard]] InversePlan PlanInverse(const IntentView& original, const DirectoryObject& current,
                                      const std::map<ChangeId, RunId>& reverted);

struct RollbackSettings {
  // What to read: attr::CandidateAttributes(the MatchOptions anchor_attribute).
  std::vector<std::string> attributes = attr::CandidateAttributes("mS-DS-ConsistencyGuid");
  std::size_t batch_size = 500;
  int max_replans = 3;  // per object, after compare-and-swap conflicts
  OpenDirectoryFn open_reader;  // re-reads while modifies are in flight (RunSettings::open_reader)
};

enum class RollbackObjectState {
  kRestored,      // every revertible attribute restored, confirmed by re-read
  kPartial,       // restored, but some attribute(s) refused (changed since)
  kNothingToDo,   // already as before, or already rolled back
  kRefused,       // every attribute refused, or the object is gone
  kFailed,        // the modify failed, or the object kept changing
  kUnknown,       // the reply was lost and the object could not be re-read
  kNotAttempted,  // stop requested or the run was aborted
};
[[nodiscard]] std::string_view RollbackObjectStateName(RollbackObjectState state);

struct RollbackObjectResult {
  std::size_t row = 0;
  std::string dn;
  Guid object_guid;
  RollbackObjectState state = RollbackObjectState::kNotAttempted;
  ChangeSet inverse;
  std::vector<AttributeVerdict> verdicts;
  std::string detail;
};

struct RollbackReport {
  RunId run = 0;          // the rollback run
  RunId rollback_of = 0;  // the run rolled back
  RunState run_state = RunState::kFinished;
  std::vector<RollbackObjectResult> objects;
  ResolveReport resolved;
  std::optional<Error> abort;  // why the run stopped early (run_state kFailed)

  [[nodiscard]] std::size_t Count(RollbackObjectState state) const;
  [[nodiscard]] std::string Summary() const;
};

// Rolls back write run `target`. Fails if the run does not exist, is not a write run, or the journal cannot
// be used; per-object problems are in the report.
[[nodiscard]] Result<RollbackReport> RollbackRun(RunId target, Directory& directory, Journal& journal,
                                                 const RollbackSettings& settings, Progress& progress,
                                                 std::stop_token stop);

}  // namespace ctim::agent
