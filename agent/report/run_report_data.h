// Everything the journal holds about one write run that a report shows: the run, its intents with their
// outcomes, the latest verify verdicts, every verify pass's counts, and the plan's findings.
#pragma once

#include <vector>

#include "agent/journal/journal.h"
#include "agent/plan/plan.h"
#include "common/result.h"

namespace ctim::agent::report {

struct RunReportData {
  RunRecord run;
  std::vector<IntentView> intents;
  std::vector<VerificationRecord> verifications;
  std::vector<VerifyPassRecord> passes;
  std::vector<RowFindingRecord> findings;
};

// kInvalidInput when the journal has no run `run`.
[[nodiscard]] Result<RunReportData> LoadRunReport(Journal& journal, RunId run);

// The plan's refusals, warnings and unmapped rows (not the informational notes) as the journal keeps them.
[[nodiscard]] std::vector<RowFindingRecord> RowFindingsOf(const Plan& plan);

}  // namespace ctim::agent::report
