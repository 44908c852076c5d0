// The progress rows of one write run as the journal holds them now: what `write --progress-csv` writes at
// the end of a run and what `serve` writes into its outbox after a write and once verify has settled.
#pragma once

#include <string_view>
#include <vector>

#include "agent/journal/journal.h"
#include "agent/plan/plan.h"
#include "agent/report/progress.h"
#include "common/result.h"

namespace ctim::agent::report {

// ProgressFromRun over Journal::GetRun, RunIntents and RunVerifications. `plan` (the plan the run executed)
// adds the rows it did not write; without it only the written objects appear.
[[nodiscard]] Result<std::vector<ProgressRow>> LoadRunProgress(Journal& journal, RunId run, const Plan* plan,
                                                               std::string_view now);

}  // namespace ctim::agent::report
