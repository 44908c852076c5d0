// The journaled apply of a sequence of batches (intents durable -> modifies -> outcomes, journaled_apply.h),
// with the journal work moved out of the DC's way: while batch k's
// modifies are in flight, a second thread journals batch k-1's outcomes and then batch k+1's intents. The
// order the journal sees is unchanged (intents(k+1) are durable before any of batch k+1 is sent; outcomes
// follow their modifies), and only one thread touches the journal at a time: the caller's thread never
// does while a batch is applied. Measured (write_bench, 2,000 and 20,000 lab users): the DC sat idle for
// 10-25 ms between batches of 500 while the agent journaled; with the overlap it does not.
#pragma once

#include <future>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "agent/model/directory.h"
#include "agent/journal/journal.h"
#include "agent/apply/journaled_apply.h"

namespace ctim::agent {

class OverlappedApply {
 public:
  OverlappedApply(Journal& journal, Directory& directory, RunId run)
      : journal_(journal), directory_(directory), run_(run) {}
  OverlappedApply(const OverlappedApply&) = delete;
  OverlappedApply& operator=(const OverlappedApply&) = delete;
  ~OverlappedApply();  // waits for the journal thread (Finish() should have been called)

  // Applies `items` (their intents were journaled by the previous call's `next`, or are journaled now, before
  // anything is sent) and, meanwhile, journals the previous batch's outcomes and `next`'s intents. `next` must
  // be the items of the following call, or empty when the following call's items are not known yet (the end,
  // a stop, an abort, or re-plans that depend on this batch's replies). `items` may be empty: nothing is
  // sent, the journal step still runs. Fails on journal errors (intents not recorded: nothing was sent;
  // outcomes not recorded: the next run resolves them from AD), and (kInternal, nothing sent) when `items`
  // are not, object by object (objectGUID), the previous call's non-empty `next`: an outcome is never booked
  // under another object's intent. After a failure call nothing but Finish().
  [[nodiscard]] Result<std::vector<Applied>> Apply(std::span<const ApplyItem> items, std::span<const ApplyItem> next);

  // Outcomes found meanwhile (re-reads of an earlier batch, agent/apply/journaled_run.cpp): journaled with
  // the next call's step, or by Finish(), after every outcome of an earlier call.
  void AddOutcomes(std::vector<OutcomeToRecord> more);

  // Journals the last batch's outcomes. Intents journaled for a batch that was never applied (the caller
  // stopped) get the outcome not_written ("not sent"), so no run leaves them to be guessed.
  [[nodiscard]] Status Finish();

 private:
  struct JournalStep {
    Status outcomes;  // of the batch before
    // Of the batch after (an empty list when none follows); nullopt when the outcomes failed first.
    std::optional<Result<std::vector<IntentId>>> intents;
  };

  // kInternal unless items[i] is the object next_guids_[i] whose intent is ids[i], for every i.
  [[nodiscard]] Status PairedByGuid(std::span<const ApplyItem> items, std::span<const IntentId> ids) const;
  // The journal thread's work: step_outcomes_, then step_intents_.
  JournalStep RunStep();

  Journal& journal_;
  Directory& directory_;
  RunId run_;
  std::optional<std::future<JournalStep>> step_;  // the journal thread's current work
  std::vector<OutcomeToRecord> step_outcomes_;     // what step_ journals (its thread's until step_ is done)
  std::vector<IntentToRecord> step_intents_;
  std::vector<OutcomeToRecord> outcomes_;          // of the batch just applied, not yet journaled
  std::vector<Guid> next_guids_;                   // the objects whose intents step_ is journaling, in order
};

}  // namespace ctim::agent
