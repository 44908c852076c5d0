#include "agent/writer.h"

#include <algorithm>
#include <map>

#include "agent/log.h"
#include "agent/overlapped_apply.h"
#include "agent/plan_builder.h"

namespace ctim::agent {
namespace {

bool AbortsRun(const Error& error) {
  return error.code == Errc::kUnavailable || error.code == Errc::kUnauthenticated;
}

class RunWriter {
 public:
  RunWriter(const Plan& plan, std::span<const SourceIdentity> rows, Directory& directory, Journal& journal,
            const WriteSettings& settings, Progress& progress, WriteReport& report)
      : plan_(plan), rows_(rows), directory_(directory), journal_(journal), settings_(settings),
        progress_(progress), report_(report) {}

  // The first attempt of every row of `batch` (plan order).
  [[nodiscard]] std::vector<ApplyItem> Items(std::span<const std::size_t> batch) const {
    std::vector<ApplyItem> items;
    items.reserve(batch.size());
    for (std::size_t i : batch) items.push_back(ApplyItem{i, report_.rows[i].change_set, {}, 1});
    return items;
  }

  // Books the replies of one batch into the report; the rows whose compare-and-swap failed go to `conflicts`.
  void Absorb(const std::vector<Applied>& applied, std::vector<std::size_t>& conflicts) {
    for (const Applied& a : applied) {
      RowWriteResult& r = report_.rows[a.key];
      ++r.attempts;
      intent_of_[a.key] = a.intent;
      switch (a.status) {
        case ApplyStatus::kWritten:
          r.state = RowWriteState::kWritten;
          written_.push_back(a.key);
          break;
        case ApplyStatus::kConflict: conflicts.push_back(a.key); break;
        case ApplyStatus::kFailed:
          r.state = RowWriteState::kFailed;
          r.detail = a.error.ToString();
          Log()->error("{} {}: modify failed: {}", plan_.rows[a.key].label, r.change_set.dn, r.detail);
          if (AbortsRun(a.error)) abort_ = a.error.ToString();
          break;
        case ApplyStatus::kUnknown:
          r.state = RowWriteState::kUnknown;
          r.detail = a.error.ToString();
          unknown_.push_back(a.key);
          abort_ = a.error.ToString();
          break;
      }
    }
  }

  // Re-reads, re-plans and re-applies the rows whose first attempt met a changed object, up to
  // max_replans times. Fails only on journal errors.
  Status Retry(std::vector<std::size_t> conflicts) {
    for (int attempt = 1; !conflicts.empty(); ++attempt) {
      if (!abort_.empty()) {
        for (std::size_t i : conflicts) {
          report_.rows[i].detail = "changed since the plan; not re-planned because the run stopped";
        }
        break;
      }
      if (attempt > settings_.max_replans) {
        for (std::size_t i : conflicts) {
          RowWriteResult& r = report_.rows[i];
          r.state = RowWriteState::kFailed;
          r.detail = "the object changed during the write " + std::to_string(attempt) +
                     " times in a row; gave up (rerun to try again)";
          Log()->error("{} {}: {}", plan_.rows[i].label, r.change_set.dn, r.detail);
        }
        break;
      }
      std::vector<ApplyItem> work;
      Replan(conflicts, attempt + 1, work);
      conflicts.clear();
      if (work.empty()) break;
      auto applied = ApplyJournaled(journal_, directory_, report_.run, work);
      if (!applied) return std::unexpected(std::move(applied.error()));
      Absorb(*applied, conflicts);
    }
    return {};
  }

  // Re-reads every written (or unknown) object and journals what AD holds.
  void Confirm() {
    std::vector<ToConfirm> items;
    for (std::size_t i : written_) items.push_back({i, intent_of_.at(i), report_.rows[i].change_set, true});
    for (std::size_t i : unknown_) items.push_back({i, intent_of_.at(i), report_.rows[i].change_set, false});
    if (items.empty()) return;
    auto confirmed = ConfirmByReading(journal_, directory_, report_.run, items, settings_.batch_size, progress_);
    if (!confirmed) {
      Log()->error("run {}: could not re-read the written objects: {} (the next run resolves them)", report_.run,
                   confirmed.error().ToString());
      if (report_.abort_reason.empty()) report_.abort_reason = confirmed.error().ToString();
      report_.run_state = RunState::kFailed;
      return;
    }
    for (const Confirmed& c : *confirmed) {
      RowWriteResult& r = report_.rows[c.key];
      if (!c.dn.empty() && c.dn != r.change_set.dn) {
        // The modify went to the object's GUID, wherever it is: report it where it is now.
        Log()->info("{} {}: renamed or moved since the plan; now {}", plan_.rows[c.key].label,
                    r.change_set.dn, c.dn);
        r.change_set.dn = c.dn;
      }
      switch (c.status) {
        case ConfirmStatus::kConfirmed: r.state = RowWriteState::kConfirmed; r.detail.clear(); break;
        case ConfirmStatus::kMismatch:
          r.state = RowWriteState::kMismatch;
          r.detail = c.detail;
          Log()->error("{} {}: written, but AD now holds something else: {}", plan_.rows[c.key].label,
                       r.change_set.dn, c.detail);
          break;
        case ConfirmStatus::kNotWritten: r.state = RowWriteState::kFailed; r.detail += " (not applied)"; break;
        case ConfirmStatus::kDiverged:
          r.state = RowWriteState::kFailed;
          r.detail = "reply lost and the object changed meanwhile: " + c.detail;
          break;
      }
      if (r.state == RowWriteState::kConfirmed) {
        Log()->info("{}: wrote {} change(s) to {}", plan_.rows[c.key].label, r.change_set.changes.size(),
                    r.change_set.dn);
      }
    }
  }

  [[nodiscard]] const std::string& abort_reason() const { return abort_; }

 private:
  void Replan(const std::vector<std::size_t>& conflicts, int next_attempt, std::vector<ApplyItem>& work) {
    std::vector<Guid> guids;
    for (std::size_t i : conflicts) guids.push_back(report_.rows[i].change_set.object_guid);
    auto fresh = directory_.ReadByGuids(guids, settings_.attributes);
    for (std::size_t n = 0; n < conflicts.size(); ++n) {
      const std::size_t i = conflicts[n];
      RowWriteResult& r = report_.rows[i];
      const RowPlan& row = plan_.rows[i];
      if (!fresh || n >= fresh->size() || !(*fresh)[n]) {
        r.state = RowWriteState::kFailed;
        r.detail = !fresh ? "re-read after a conflict failed: " + fresh.error().ToString()
                          : "the object was deleted during the write";
        if (!fresh && AbortsRun(fresh.error())) abort_ = fresh.error().ToString();
        continue;
      }
      auto replanned = ReplanObject(rows_[row.source_index], *(*fresh)[n], row, directory_, settings_.plan);
      if (!replanned) {
        r.state = RowWriteState::kFailed;
        r.detail = "re-plan after a conflict failed: " + replanned.error().ToString();
        continue;
      }
      for (Finding& f : replanned->findings) {
        const bool known = std::any_of(r.findings.begin(), r.findings.end(),
                                       [&](const Finding& g) { return g.message == f.message; });
        if (!known) r.findings.push_back(std::move(f));
      }
      r.change_set = std::move(replanned->change_set);
      if (HasRefusal(r.findings)) {
        r.state = RowWriteState::kRefused;
        r.change_set.changes.clear();
        Log()->error("{} {}: changed since the plan and now refused", row.label, r.change_set.dn);
      } else if (r.change_set.empty()) {
        r.state = RowWriteState::kNoChange;
        Log()->info("{} {}: changed since the plan; now already as desired", row.label, r.change_set.dn);
      } else {
        Log()->warn("{} {}: changed since the plan; re-planned ({} change(s))", row.label, r.change_set.dn,
                    r.change_set.changes.size());
        work.push_back(ApplyItem{i, r.change_set, {}, next_attempt});
      }
    }
  }

  const Plan& plan_;
  std::span<const SourceIdentity> rows_;
  Directory& directory_;
  Journal& journal_;
  const WriteSettings& settings_;
  Progress& progress_;
  WriteReport& report_;
  std::vector<std::size_t> written_;
  std::vector<std::size_t> unknown_;
  std::map<std::size_t, IntentId> intent_of_;
  std::string abort_;
};

}  // namespace

std::string_view RowWriteStateName(RowWriteState state) {
  switch (state) {
    case RowWriteState::kConfirmed: return "confirmed";
    case RowWriteState::kWritten: return "written";
    case RowWriteState::kMismatch: return "mismatch";
    case RowWriteState::kNoChange: return "no-change";
    case RowWriteState::kRefused: return "refused";
    case RowWriteState::kSkipped: return "skipped";
    case RowWriteState::kFailed: return "failed";
    case RowWriteState::kUnknown: return "unknown";
    case RowWriteState::kNotAttempted: return "not-attempted";
  }
  return "?";
}

std::size_t WriteReport::Count(RowWriteState state) const {
  return static_cast<std::size_t>(
      std::count_if(rows.begin(), rows.end(), [&](const RowWriteResult& r) { return r.state == state; }));
}

std::string WriteReport::Summary() const {
  const std::size_t confirmed = Count(RowWriteState::kConfirmed);
  const std::size_t written = confirmed + Count(RowWriteState::kWritten) + Count(RowWriteState::kMismatch);
  std::string s = "run " + std::to_string(run) + ": ";
  if (written == 0 && Count(RowWriteState::kFailed) == 0 && Count(RowWriteState::kUnknown) == 0) {
    s += "nothing to write";
  } else {
    s += "wrote " + std::to_string(written) + " object(s) (" + std::to_string(confirmed) + " confirmed by re-read)";
  }
  s += ", " + std::to_string(Count(RowWriteState::kNoChange)) + " already as planned, " +
       std::to_string(Count(RowWriteState::kRefused)) + " refused, " + std::to_string(Count(RowWriteState::kSkipped)) +
       " skipped, " + std::to_string(Count(RowWriteState::kFailed)) + " failed";
  if (const std::size_t n = Count(RowWriteState::kMismatch)) s += ", " + std::to_string(n) + " changed right after";
  if (const std::size_t n = Count(RowWriteState::kUnknown)) s += ", " + std::to_string(n) + " unknown";
  if (const std::size_t n = Count(RowWriteState::kNotAttempted)) s += ", " + std::to_string(n) + " not attempted";
  if (resolved.resolved > 0) s += "; resolved " + std::to_string(resolved.resolved) + " interrupted change(s)";
  return s;
}

Result<WriteReport> WritePlan(const Plan& plan, std::span<const SourceIdentity> rows, Directory& directory,
                              Journal& journal, const RunInfo& info, const WriteSettings& settings,
                              Progress& progress, std::stop_token stop) {
  WriteReport report;
  auto run = journal.BeginRun(info);
  if (!run) return std::unexpected(std::move(run.error()));
  report.run = *run;
  const std::size_t batch_size = std::max<std::size_t>(settings.batch_size, 1);

  auto resolved = ResolveInterrupted(journal, directory, report.run, batch_size, progress);
  if (!resolved) {
    // Never write over changes whose fate is unknown: their re-read is what makes the next plan truthful.
    report.run_state = RunState::kFailed;
    report.abort_reason = resolved.error().ToString();
    (void)journal.FinishRun(report.run, report.run_state, report.abort_reason);
    return std::unexpected(std::move(resolved.error()));
  }
  report.resolved = *resolved;

  std::vector<std::size_t> pending;
  report.rows.resize(plan.rows.size());
  for (std::size_t i = 0; i < plan.rows.size(); ++i) {
    const RowPlan& p = plan.rows[i];
    RowWriteResult& r = report.rows[i];
    r.change_set = p.change_set;
    r.findings = p.findings;
    switch (p.status()) {
      case RowStatus::kChange: pending.push_back(i); break;
      case RowStatus::kNoChange: r.state = RowWriteState::kNoChange; break;
      case RowStatus::kRefused: r.state = RowWriteState::kRefused; break;
      case RowStatus::kSkipped: r.state = RowWriteState::kSkipped; break;
    }
  }

  RunWriter writer(plan, rows, directory, journal, settings, progress, report);
  auto fail = [&](Error error) -> Result<WriteReport> {
    progress.Finish();
    report.run_state = RunState::kFailed;
    report.abort_reason = error.ToString();
    (void)journal.FinishRun(report.run, report.run_state, report.abort_reason);
    return std::unexpected(std::move(error).With("run " + std::to_string(report.run)));
  };
  auto batch_at = [&](std::size_t start) {
    return std::span(pending).subspan(start, std::min(batch_size, pending.size() - start));
  };
  progress.Start(pending.size(), "writing");
  // Batch k's modifies are in flight while the journal thread records batch k-1's outcomes and batch k+1's
  // intents (agent/overlapped_apply.h). A stop or an abort is honoured between batches. An abort met in
  // batch k comes after batch k+1's intents were journaled: Finish() gives those "not sent".
  OverlappedApply apply(journal, directory, report.run);
  std::vector<std::size_t> conflicts;
  std::vector<ApplyItem> current, next;
  if (!pending.empty()) {
    if (stop.stop_requested()) {
      report.run_state = RunState::kStopped;
    } else {
      current = writer.Items(batch_at(0));
    }
  }
  for (std::size_t start = 0; !current.empty();) {
    const std::size_t next_start = start + current.size();
    const bool more = next_start < pending.size();
    next.clear();
    if (more && writer.abort_reason().empty() && !stop.stop_requested()) next = writer.Items(batch_at(next_start));
    auto applied = apply.Apply(current, next);
    if (!applied) {
      (void)apply.Finish();
      return fail(std::move(applied.error()));
    }
    writer.Absorb(*applied, conflicts);
    progress.Advance(current.size());
    if (!writer.abort_reason().empty()) {
      report.run_state = RunState::kFailed;
      report.abort_reason = writer.abort_reason();
      Log()->error("run {}: stopping the write: {}", report.run, report.abort_reason);
      break;
    }
    if (next.empty()) {
      if (more) report.run_state = RunState::kStopped;
      break;
    }
    current = std::move(next);
    start = next_start;
  }
  if (Status s = apply.Finish(); !s) return fail(std::move(s.error()));
  if (Status s = writer.Retry(std::move(conflicts)); !s) return fail(std::move(s.error()));
  progress.Finish();
  writer.Confirm();
  if (Status s = journal.FinishRun(report.run, report.run_state, report.Summary()); !s) {
    return std::unexpected(std::move(s.error()));
  }
  Log()->info("{}", report.Summary());
  return report;
}

}  // namespace ctim::agent
