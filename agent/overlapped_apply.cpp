#include "agent/overlapped_apply.h"

namespace ctim::agent {

OverlappedApply::~OverlappedApply() {
  if (step_ && step_->valid()) step_->wait();
}

Result<std::vector<Applied>> OverlappedApply::Apply(std::span<const ApplyItem> items,
                                                    std::span<const ApplyItem> next) {
  std::vector<IntentId> ids;
  if (step_) {
    JournalStep done = step_->get();
    step_.reset();
    if (!done.outcomes) {
      return std::unexpected(std::move(done.outcomes.error()).With("recording outcomes (the next run resolves them from AD)"));
    }
    if (!done.intents || !*done.intents || next_size_ != items.size()) {
      if (done.intents && !*done.intents) {
        return std::unexpected(std::move(done.intents->error()).With("recording intents (nothing was sent to AD)"));
      }
      return Fail(Errc::kInternal, "OverlappedApply: the items differ from the previous call's `next`");
    }
    ids = std::move(**done.intents);
  } else {
    if (Status s = journal_.RecordOutcomes(run_, outcomes_); !s) {
      return std::unexpected(std::move(s.error()).With("recording outcomes (the next run resolves them from AD)"));
    }
    outcomes_.clear();
    if (!items.empty()) {
      auto recorded = journal_.RecordIntents(run_, ToIntents(items));
      if (!recorded) return std::unexpected(std::move(recorded.error()).With("recording intents (nothing was sent to AD)"));
      ids = std::move(*recorded);
    }
  }
  if (items.empty()) return std::vector<Applied>{};

  // From here until the next call, the journal belongs to the journal thread.
  std::vector<ModifyRequest> requests = ToModifyRequests(items);
  next_size_ = next.size();
  step_.emplace(std::async(std::launch::async,
                           [this, previous = std::move(outcomes_), intents = ToIntents(next)]() mutable {
                             JournalStep step;
                             step.outcomes = journal_.RecordOutcomes(run_, previous);
                             if (step.outcomes && !intents.empty()) step.intents = journal_.RecordIntents(run_, intents);
                             if (step.outcomes && intents.empty()) step.intents = std::vector<IntentId>{};
                             return step;
                           }));
  outcomes_.clear();
  return JudgeReplies(items, ids, directory_.ApplyModifies(requests), outcomes_);
}

Status OverlappedApply::Finish() {
  std::vector<OutcomeToRecord> unsent;
  if (step_) {
    JournalStep done = step_->get();
    step_.reset();
    if (!done.outcomes) return done.outcomes;
    if (done.intents && !*done.intents) return std::unexpected(std::move(done.intents->error()));
    if (done.intents) {
      for (IntentId id : **done.intents) {
        unsent.push_back({id, OutcomeState::kNotWritten, "not sent: the run stopped before this batch"});
      }
    }
  }
  if (Status s = journal_.RecordOutcomes(run_, outcomes_); !s) return s;
  outcomes_.clear();
  return journal_.RecordOutcomes(run_, unsent);
}

}  // namespace ctim::agent
