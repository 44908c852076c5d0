#include "agent/apply/journaled_run.h"

#include <algorithm>
#include <future>
#include <numeric>
#include <system_error>

#include "agent/apply/overlapped_apply.h"
#include "agent/model/log.h"

namespace ctim::agent {
namespace {

// One run's state between BeginRun and FinishRun.
class Engine {
 public:
  Engine(Journal& journal, Directory& directory, RunContent& content, const RunSettings& settings,
         Progress& progress, RunOutcome& outcome)
      : journal_(journal),
        directory_(directory),
        content_(content),
        settings_(settings),
        progress_(progress),
        outcome_(outcome),
        apply_(journal, directory, outcome.run),
        batch_size_(std::max<std::size_t>(settings.batch_size, 1)) {}

  // Every batch, first attempts only. Batch k's modifies are in flight while the journal thread records
  // batch k-1's outcomes and batch k+1's intents, so batch k+1 is planned before batch k is sent (a change
  // made meanwhile fails the compare-and-swap and is re-planned). A stop or an abort is honoured between
  // batches; an abort met in batch k comes after batch k+1's intents were journaled: Finish() gives those
  // "not sent".
  Status SendBatches(std::stop_token stop) {
    const std::size_t count = content_.size();
    progress_.Start(count, std::string(content_.Activity()));
    std::vector<std::size_t> keys(count);
    std::iota(keys.begin(), keys.end(), std::size_t{0});
    auto batch_at = [&](std::size_t start) {
      return std::span<const std::size_t>(keys).subspan(start, std::min(batch_size_, count - start));
    };
    if (count > 0 && stop.stop_requested()) outcome_.state = RunState::kStopped;
    std::vector<ApplyItem> current;
    if (count > 0 && outcome_.state == RunState::kFinished) {
      auto planned = content_.PlanBatch(batch_at(0));
      if (planned) {
        current = std::move(*planned);
      } else {
        Abort(std::move(planned.error()));
      }
    }
    for (std::size_t start = 0; start < count && outcome_.state == RunState::kFinished;) {
      const std::size_t next_start = start + batch_at(start).size();
      const bool more = next_start < count;
      std::vector<ApplyItem> next;
      std::optional<Error> plan_error;
      bool planned_next = false;
      if (more && !stop.stop_requested()) {
        auto planned = content_.PlanBatch(batch_at(next_start));
        if (planned) {
          next = std::move(*planned);
          planned_next = true;
        } else {
          plan_error = std::move(planned.error());
        }
      }
      if (Status s = SendWhileRereading(current, next); !s) return s;
      progress_.Advance(next_start - start);
      if (plan_error) Abort(std::move(*plan_error));
      if (outcome_.abort || !more) break;
      if (!planned_next) {
        outcome_.state = RunState::kStopped;
        break;
      }
      current = std::move(next);
      start = next_start;
    }
    progress_.Finish();
    return {};
  }

  // Re-reads, re-plans and re-sends the objects whose compare-and-swap failed, up to max_replans times.
  Status Retry() {
    std::vector<std::size_t> conflicts = std::move(conflicts_);
    for (int attempt = 1; !conflicts.empty(); ++attempt) {
      if (outcome_.abort) {
        for (std::size_t key : conflicts)
          content_.OnGaveUp(key, GiveUpReason::kRunAborted, &*outcome_.abort, attempt);
        return {};
      }
      if (attempt > settings_.max_replans) {
        for (std::size_t key : conflicts)
          content_.OnGaveUp(key, GiveUpReason::kKeptChanging, nullptr, attempt);
        return {};
      }
      std::vector<Guid> guids;
      for (std::size_t key : conflicts) guids.push_back(content_.Sent(key).object_guid);
      auto fresh = directory_.ReadByGuids(guids, settings_.attributes);
      std::vector<ApplyItem> work;
      for (std::size_t n = 0; n < conflicts.size(); ++n) {
        if (!fresh) {
          content_.OnGaveUp(conflicts[n], GiveUpReason::kRereadFailed, &fresh.error(), attempt);
          continue;
        }
        const DirectoryObject* now = n < fresh->size() && (*fresh)[n] ? &*(*fresh)[n] : nullptr;
        if (auto item = content_.Replan(conflicts[n], now, attempt + 1)) work.push_back(std::move(*item));
      }
      if (!fresh && AbortsRun(fresh.error())) Abort(std::move(fresh.error()));
      conflicts_.clear();
      if (Status s = Send(work, {}); !s) return s;
      conflicts = std::move(conflicts_);
    }
    return {};
  }

  Status Finish() { return apply_.Finish(); }

  // Re-reads every written (or unknown) object not re-read yet and journals what AD holds.
  void Confirm() {
    if (confirmed_early_ > 0) {
      Log()->debug("run {}: {} object(s) were re-read while later batches were sent", outcome_.run,
                   confirmed_early_);
    }
    std::vector<ToConfirm> items;
    for (std::size_t key = 0; key < to_confirm_.size(); ++key) {
      if (to_confirm_[key]) items.push_back({key, intent_of_[key], &content_.Sent(key), *to_confirm_[key]});
    }
    if (items.empty()) return;
    auto confirmed = ConfirmByReading(journal_, directory_, outcome_.run, items, batch_size_, progress_);
    if (!confirmed) {
      Log()->error("run {}: could not re-read the written objects: {} (the next run resolves them)",
                   outcome_.run, confirmed.error().ToString());
      if (!outcome_.abort) outcome_.abort = confirmed.error();
      outcome_.state = RunState::kFailed;
      return;
    }
    for (const Confirmed& c : *confirmed) content_.OnConfirmed(c);
  }

 private:
  // Sends `items` while, on the reader connection, another thread re-reads what the previous batch wrote.
  // The verdicts are journaled with the next batch's journal step (after the "written" outcomes they
  // follow). A failed re-read there is not an error of the run: those objects are re-read at the end.
  Status SendWhileRereading(std::span<const ApplyItem> items, std::span<const ApplyItem> next) {
    std::vector<ToConfirm> previous;
    if (settings_.open_reader && reader_usable_) {
      for (std::size_t key : written_last_) {
        if (to_confirm_[key] == true) previous.push_back({key, intent_of_[key], &content_.Sent(key), true});
      }
    }
    std::future<Result<Judged>> reading;
    if (!previous.empty()) {
      try {
        reading = std::async(std::launch::async, [this, &previous] { return ReadOnReader(previous); });
      } catch (const std::system_error& e) {
        Log()->debug("run {}: no thread for re-reads ({}); re-reading at the end", outcome_.run, e.what());
      }
    }
    Status sent = Send(items, next);
    if (reading.valid()) TakeRereads(reading.get());
    return sent;
  }

  // The reader thread's work; reader_ is touched by no other thread while it runs.
  Result<Judged> ReadOnReader(std::span<const ToConfirm> items) {
    if (!reader_) {
      auto opened = settings_.open_reader();
      if (!opened)
        return std::unexpected(std::move(opened.error()).With("opening a second connection for re-reads"));
      reader_ = std::move(*opened);
    }
    return JudgeByReading(*reader_, items);
  }

  void TakeRereads(Result<Judged> judged) {
    if (!judged) {
      Log()->warn("run {}: {}; the written objects are re-read at the end instead", outcome_.run,
                  judged.error().ToString());
      reader_usable_ = false;
      return;
    }
    apply_.AddOutcomes(std::move(judged->outcomes));
    for (const Confirmed& c : judged->confirmed) {
      to_confirm_[c.key].reset();
      ++confirmed_early_;
      content_.OnConfirmed(c);
    }
  }

  Status Send(std::span<const ApplyItem> items, std::span<const ApplyItem> next) {
    written_last_.clear();
    auto applied = apply_.Apply(items, next);
    if (!applied) return std::unexpected(std::move(applied.error()));
    for (std::size_t i = 0; i < applied->size(); ++i) {
      const Applied& a = (*applied)[i];
      intent_of_[a.key] = a.intent;
      switch (a.status) {
        case ApplyStatus::kWritten:
          to_confirm_[a.key] = true;
          written_last_.push_back(a.key);
          break;
        case ApplyStatus::kConflict:
          conflicts_.push_back(a.key);
          break;
        case ApplyStatus::kFailed:
          if (AbortsRun(a.error)) Abort(a.error);
          break;
        case ApplyStatus::kUnknown:
          to_confirm_[a.key] = false;
          Abort(a.error);
          break;
      }
      content_.OnApplied(a, items[i].change_set);
    }
    return {};
  }

  void Abort(Error error) {
    if (outcome_.abort) return;
    Log()->error("run {}: stopping: {}", outcome_.run, error.ToString());
    outcome_.abort = std::move(error);
    outcome_.state = RunState::kFailed;
  }

  Journal& journal_;
  Directory& directory_;
  RunContent& content_;
  const RunSettings& settings_;
  Progress& progress_;
  RunOutcome& outcome_;
  OverlappedApply apply_;
  std::vector<IntentId> intent_of_ = std::vector<IntentId>(content_.size(), 0);  // per key: the last intent
  std::vector<std::optional<bool>> to_confirm_ = std::vector<std::optional<bool>>(content_.size());  // written?
  std::vector<std::size_t> conflicts_;
  std::size_t batch_size_;
  std::vector<std::size_t> written_last_;  // the keys the last Send wrote
  std::unique_ptr<Directory> reader_;      // opened by the first re-read that needs it
  bool reader_usable_ = true;              // false after the reader connection failed once
  std::size_t confirmed_early_ = 0;
};

}  // namespace

Result<RunOutcome> JournaledRun(Journal& journal, Directory& directory, const RunInfo& info,
                                RunContent& content, const RunSettings& settings, Progress& progress,
                                std::stop_token stop) {
  RunOutcome outcome;
  auto run = journal.BeginRun(info);
  if (!run) return std::unexpected(std::move(run.error()));
  outcome.run = *run;
  // Ends the run as failed where the journal still allows it, and hands back why.
  auto fail = [&](Error error) -> Result<RunOutcome> {
    progress.Finish();
    outcome.state = RunState::kFailed;
    (void)journal.FinishRun(outcome.run, outcome.state, error.ToString());
    return std::unexpected(std::move(error).With("run " + std::to_string(outcome.run)));
  };

  // Never change AD over changes whose fate is unknown: their re-read is what makes this run's plan truthful.
  auto resolved = ResolveInterrupted(journal, directory, outcome.run,
                                     std::max<std::size_t>(settings.batch_size, 1), progress);
  if (!resolved) return fail(std::move(resolved.error()));
  outcome.resolved = *resolved;
  if (Status s = content.Prepare(outcome.run); !s) return fail(std::move(s.error()));

  Engine engine(journal, directory, content, settings, progress, outcome);
  Status sent = engine.SendBatches(stop);
  if (sent) sent = engine.Retry();
  // The journal thread is joined, and intents journaled for a batch never sent are closed, in every case.
  Status finished = engine.Finish();
  if (!sent) return fail(std::move(sent.error()));
  if (!finished) return fail(std::move(finished.error()));
  engine.Confirm();
  const std::string summary = content.Finished(outcome);
  if (Status s = journal.FinishRun(outcome.run, outcome.state, summary); !s) {
    return std::unexpected(std::move(s.error()));
  }
  Log()->info("{}", summary);
  return outcome;
}

bool AbortsRun(const Error& error) {
  return error.code == Errc::kUnavailable || error.code == Errc::kUnauthenticated;
}

}  // namespace ctim::agent
