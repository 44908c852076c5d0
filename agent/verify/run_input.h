// What a verify pass of one journaled write run starts from: the run, what it wrote (its expectations), and
// what earlier passes saw. Read in one journal snapshot, so a concurrent write never mixes two moments.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "agent/journal/journal.h"
#include "agent/verify/verifier.h"
#include "agent/verify/verify_expectations.h"
#include "agent/verify/verify_report.h"
#include "agent/verify/verify_time.h"

namespace ctim::agent {

struct RunInput {
  RunRecord run;
  ExpectationSet set;
  VerifySubject subject;
  std::vector<TimePoint> known_sync_times;  // first sync after the write, from earlier verifies
  std::vector<VerificationRecord> earlier;  // the verdicts recorded so far
  // Target ids whose last verdict was PENDING "replicating to ..." (agent/verify/replica_check.h).
  std::set<Guid> replicating_before;
};

// The latest write run of `journal` (named `label` in messages), for `verify` without RUN.
[[nodiscard]] Result<RunRecord> LatestWriteRun(Journal& journal, const std::string& label);

// The input of write run `run` (nullopt: the latest write run).
[[nodiscard]] Result<RunInput> LoadRunInput(Journal& journal, const std::string& label,
                                            std::optional<RunId> run);

// True when some object `input`'s run wrote has no recorded verdict yet, or a last verdict other than DONE
// (PENDING or WRONG): the run is "unfinished" (doc/journal-format.md, "Unfinished write runs").
[[nodiscard]] bool IsUnfinished(const RunInput& input);

// What `verify` without RUN checks: every unfinished write run of the journal, whatever its state (finished,
// stopped, failed, interrupted or still marked running), merged into one input: `run` is the newest of them,
// `subject.runs` lists them all (oldest first), every expectation keeps its run (labels say "run N row R ...").
// When no run is unfinished: the latest write run, as `LoadRunInput(journal, label, nullopt)`.
[[nodiscard]] Result<RunInput> LoadUnfinishedRuns(Journal& journal, const std::string& label);

}  // namespace ctim::agent
