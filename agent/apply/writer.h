// Executes a plan: the `write` command. For every row with changes:
//   journal intent -> one modify per object, pipelined (all of the object's changes, so it is never
//   half-written) -> outcome; on a compare-and-swap conflict, re-read the object and re-plan it with the
//   same planner (bounded); finally re-read every written object and mark it confirmed only if AD holds the
//   planned values. Interrupted earlier runs are resolved first (journaled_apply.h). Re-running on an
//   already written file writes nothing and says so (every row plans to no change).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

#include "agent/model/attributes.h"
#include "agent/model/directory.h"
#include "agent/journal/journal.h"
#include "agent/apply/journaled_apply.h"
#include "agent/apply/journaled_run.h"
#include "agent/plan/plan.h"
#include "agent/plan/plan_options.h"
#include "agent/model/progress.h"
#include "agent/model/source_identity.h"

namespace ctim::agent {

struct WriteSettings {
  PlanOptions plan;                     // for re-plans after a conflict: the options the plan was built with
  // What to read back: attr::CandidateAttributes(the MatchOptions anchor_attribute).
  std::vector<std::string> attributes = attr::CandidateAttributes("mS-DS-ConsistencyGuid");
  std::size_t batch_size = 500;         // objects per journal transaction and pipelined modify batch
  int max_replans = 3;                  // per object, after compare-and-swap conflicts
  OpenDirectoryFn open_reader;          // re-reads while modifies are in flight (RunSettings::open_reader)
};

enum class RowWriteState {
  kConfirmed,     // written, and a re-read shows exactly the planned values
  kWritten,       // written; the re-read could not be made
  kMismatch,      // written, but a re-read shows something else (someone changed it right after)
  kNoChange,      // nothing to write (from the plan, or after a re-plan)
  kRefused,       // refused by the plan, or by a re-plan after a conflict
  kSkipped,       // unmapped row
  kFailed,        // the server refused the modify, or the object kept changing (re-plans exhausted)
  kUnknown,       // the reply was lost and the object could not be re-read: the next run resolves it
  kNotAttempted,  // stop requested, or the run was aborted before this row
};
[[nodiscard]] std::string_view RowWriteStateName(RowWriteState state);

// One row's result. What the plan already holds (its change set, its findings) is not copied here: a
// million-row run would hold it twice. WriteReport::ChangeSetOf gives the row's change set; its findings are
// the plan's, then `replan_findings`.
struct RowWriteResult {
  RowWriteState state = RowWriteState::kNotAttempted;
  // What was (to be) written when it is not the plan's change set: the last re-plan's, or the plan's with
  // the DN the object has now (moved during the run). nullopt: the plan's.
  std::optional<ChangeSet> change_set;
  std::vector<Finding> replan_findings;  // from re-plans, beyond the plan's findings
  std::string detail;                    // server error, mismatch description, ...
  int attempts = 0;                      // modifies sent for this row
};

struct WriteReport {
  RunId run = 0;
  RunState run_state = RunState::kFinished;
  std::vector<RowWriteResult> rows;  // parallel to plan.rows
  ResolveReport resolved;            // intents of interrupted runs resolved before writing
  std::optional<Error> abort;        // why the run stopped early (run_state kFailed)

  [[nodiscard]] std::size_t Count(RowWriteState state) const;
  // Row i's change set as written (or to be): a re-plan's, or the plan's. `plan` is the one written.
  [[nodiscard]] const ChangeSet& ChangeSetOf(const Plan& plan, std::size_t i) const;
  // "wrote 1990 objects (1990 confirmed), 0 already as planned, 10 refused, 0 failed" style line.
  [[nodiscard]] std::string Summary() const;
};

// One journaled run (agent/apply/journaled_run.h) whose objects are the plan's rows with changes.
// `rows` are the identities `plan` was built from. Fails only if the journal cannot be used at all; an AD
// outage mid-run ends the run as kFailed with the report saying which rows were not attempted.
[[nodiscard]] Result<WriteReport> WritePlan(const Plan& plan, std::span<const SourceIdentity> rows,
                                            Directory& directory, Journal& journal, const RunInfo& info,
                                            const WriteSettings& settings, Progress& progress,
                                            std::stop_token stop);

}  // namespace ctim::agent
