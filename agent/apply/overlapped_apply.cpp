#include "agent/apply/overlapped_apply.h"

#include <iterator>
#include <system_error>

#include "agent/model/log.h"

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
    if (!*done.intents) {
      return std::unexpected(std::move(done.intents->error()).With("recording intents (nothing was sent to AD)"));
    }
    // The previous call's `next` was journaled: it must be exactly these items.
    if (!next_guids_.empty()) {
      if (Status paired = PairedByGuid(items, **done.intents); !paired) return std::unexpected(paired.error());
      ids = std::move(**done.intents);
    }
  }
  if (ids.empty() && !items.empty()) {
    // The first call, or the previous call announced no `next` (re-plans come this way): journal now.
    auto recorded = journal_.RecordIntents(run_, ToIntents(items));
    if (!recorded) return std::unexpected(std::move(recorded.error()).With("recording intents (nothing was sent to AD)"));
    ids = std::move(*recorded);
  }

  // From here until the next call, the journal (and step_outcomes_, step_intents_) belong to the journal thread.
  std::vector<ModifyRequest> requests = ToModifyRequests(items);
  next_guids_.clear();
  for (const ApplyItem& item : next) next_guids_.push_back(item.change_set.object_guid);
  step_outcomes_ = std::move(outcomes_);
  outcomes_.clear();
  step_intents_ = ToIntents(next);
  try {
    step_.emplace(std::async(std::launch::async, [this] { return RunStep(); }));
  } catch (const std::system_error& e) {
    // No thread to be had: the same step runs in this thread at the next call, still before any of `next`
    // is sent. Slower, never wrong.
    Log()->debug("journal thread not started ({}); journaling in line", e.what());
    step_.emplace(std::async(std::launch::deferred, [this] { return RunStep(); }));
  }
  // A batch with nothing to send still hands the journal thread its step (the outcomes before, the intents
  // after), so the order the journal sees never depends on which batches were empty.
  std::vector<Status> statuses;
  if (!requests.empty()) statuses = directory_.ApplyModifies(requests);
  return JudgeReplies(items, ids, std::move(statuses), outcomes_);
}

Status OverlappedApply::PairedByGuid(std::span<const ApplyItem> items, std::span<const IntentId> ids) const {
  const auto mismatch = [&](std::string what) {
    return Fail(
        Errc::kInternal, "internal error: OverlappedApply: " + what + "; nothing of this batch was sent",
        "report this as a bug with the log; rerun `write`: the journal's intents are resolved from AD");
  };
  if (ids.size() != next_guids_.size() || items.size() != next_guids_.size()) {
    return mismatch(std::to_string(items.size()) + " item(s) to apply, but " + std::to_string(ids.size()) +
                    " intent(s) journaled for " + std::to_string(next_guids_.size()) + " object(s)");
  }
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i].change_set.object_guid != next_guids_[i]) {
      return mismatch("item " + std::to_string(i) + " is object " +
                      items[i].change_set.object_guid.ToString() + ", but intent " + std::to_string(ids[i]) +
                      " was journaled for object " + next_guids_[i].ToString());
    }
  }
  return {};
}

OverlappedApply::JournalStep OverlappedApply::RunStep() {
  JournalStep step;
  step.outcomes = journal_.RecordOutcomes(run_, step_outcomes_);
  if (!step.outcomes) return step;
  step.intents = step_intents_.empty() ? Result<std::vector<IntentId>>(std::vector<IntentId>{})
                                       : journal_.RecordIntents(run_, step_intents_);
  return step;
}

void OverlappedApply::AddOutcomes(std::vector<OutcomeToRecord> more) {
  std::move(more.begin(), more.end(), std::back_inserter(outcomes_));
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
