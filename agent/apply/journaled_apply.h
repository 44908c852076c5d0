// The steps of every change to AD, used by the run engine (agent/apply/journaled_run.h):
//   journal the intents (one transaction, durable) -> send the modifies (pipelined, one per object) ->
//   journal the outcomes -> later, re-read the objects and journal what AD really holds.
// A modify whose reply never came (DC unreachable mid-request) gets NO outcome: it is judged by re-reading,
// here or, if that fails too, by the next run (ResolveInterrupted), so the journal never claims what it
// does not know.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "agent/model/change_set.h"
#include "agent/model/directory.h"
#include "agent/journal/journal.h"
#include "agent/model/progress.h"

namespace ctim::agent {

struct ApplyItem {
  std::size_t key = 0;  // the caller's index (plan row, rollback item)
  ChangeSet change_set;
  std::vector<std::optional<ChangeId>> reverts;  // rollback only
  int attempt = 1;
};

enum class ApplyStatus {
  kWritten,   // the server applied the modify
  kConflict,  // the compare-and-swap failed: re-read and re-plan
  kFailed,    // refused by the server for another reason (error says why)
  kUnknown,   // no reply (DC unreachable): must be judged by re-reading
};

struct Applied {
  std::size_t key = 0;
  IntentId intent = 0;
  ApplyStatus status = ApplyStatus::kWritten;
  Error error;  // when not written
};

// The steps of one batch, used by OverlappedApply (agent/apply/overlapped_apply.h).
[[nodiscard]] std::vector<IntentToRecord> ToIntents(std::span<const ApplyItem> items);
[[nodiscard]] std::vector<ModifyRequest> ToModifyRequests(std::span<const ApplyItem> items);
// One Applied per item from the directory's replies (ids[i] is item i's intent), and the outcomes to journal
// appended to `outcomes` (none for a modify whose reply never came).
[[nodiscard]] std::vector<Applied> JudgeReplies(std::span<const ApplyItem> items, std::span<const IntentId> ids,
                                                std::vector<Status>&& statuses, std::vector<OutcomeToRecord>& outcomes);

// One object to re-read. `change_set` is not owned: the caller keeps it alive through the re-read (a run's
// re-read covers every object it wrote, and a copy of each would double what the run holds).
struct ToConfirm {
  std::size_t key = 0;
  IntentId intent = 0;
  const ChangeSet* change_set = nullptr;
  bool written_recorded = false;  // the journal already says "written"
};

enum class ConfirmStatus {
  kConfirmed,   // AD holds exactly what was planned
  kMismatch,    // recorded written, but AD holds something else now
  kNotWritten,  // never applied (only for intents without a "written" outcome)
  kDiverged,    // neither the old nor the new values (only for intents without a "written" outcome)
};

struct Confirmed {
  std::size_t key = 0;
  ConfirmStatus status = ConfirmStatus::kConfirmed;
  std::string detail;
  std::string dn;  // where the re-read found the object (renamed or moved since the plan?); empty if gone
};

// What one re-read of `items` (one ReadByGuids, only the attributes their changes touch) says: a verdict per
// item, in order, and the outcomes that record them. Touches no journal, so it may run on another thread
// and another connection while modifies are in flight; the caller journals `outcomes`.
struct Judged {
  std::vector<Confirmed> confirmed;
  std::vector<OutcomeToRecord> outcomes;
};
[[nodiscard]] Result<Judged> JudgeByReading(Directory& directory, std::span<const ToConfirm> items);

// Re-reads every object (batched; only the attributes its changes touch), judges each intent against what
// AD holds and journals the verdict. Fails if AD or the journal cannot be reached; the intents then stay
// unresolved for the next run.
[[nodiscard]] Result<std::vector<Confirmed>> ConfirmByReading(Journal& journal, Directory& directory, RunId run,
                                                              std::span<const ToConfirm> items,
                                                              std::size_t batch_size, Progress& progress);

struct ResolveReport {
  int interrupted_runs = 0;
  std::size_t resolved = 0, applied = 0, not_applied = 0, diverged = 0, mismatched = 0;
};

// Marks runs that died as interrupted and judges every intent they left without a final outcome by
// re-reading its object. Run by `write` and `rollback` before they change anything.
[[nodiscard]] Result<ResolveReport> ResolveInterrupted(Journal& journal, Directory& directory, RunId current,
                                                       std::size_t batch_size, Progress& progress);

}  // namespace ctim::agent
