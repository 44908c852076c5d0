// Prints what the journal knows: the list of runs (`runs`), one run per user with every change and every
// outcome (`show RUN`), and a rollback's report (`rollback RUN`), as a table for people or JSON for tools.
// Values print as in the plan: GUID attributes as GUID text, other values as stored. Pure: no journal
// access here (the caller reads it), so output is testable from values.
//
// JSON of `show RUN`:
//   {"run": {<run>}, "intents": [{"id", "row", "dn", "object_guid", "target_object_id", "attempt",
//     "recorded_at", "state",
//     "changes": [{"attribute", "op", "before": [...], "after": [...], "reverts_change_id"}],
//     "outcomes": [{"state", "detail", "at", "recorded_by"}],
//     "verify": {"status", "detail", "checked_at"} (only when `verify` has judged the object)}]}
//   "state" is the latest outcome, or "unresolved" when there is none yet.
// JSON of `runs`: {"runs": [{<run>}]}, <run> = {"id", "kind", "state", "started_at", "finished_at", "file",
//   "file_sha256", "options" (object), "rollback_of" (id or null), "summary"}.
#pragma once

#include <ostream>
#include <span>

#include "agent/journal/journal.h"
#include "agent/report/plan_format.h"
#include "agent/apply/rollback.h"

namespace ctim::agent {

// REQUIRES: format is kTable or kJson (the caller refuses csv).
void PrintRuns(std::span<const RunRecord> runs, OutputFormat format, std::ostream& out);
// `verifications`: the latest verify verdict per object of the run (Journal::RunVerifications), may be empty.
void PrintRunDetail(const RunRecord& run, std::span<const IntentView> intents,
                    std::span<const VerificationRecord> verifications, OutputFormat format, std::ostream& out);
void PrintRollbackReport(const RollbackReport& report, OutputFormat format, std::ostream& out);

}  // namespace ctim::agent
