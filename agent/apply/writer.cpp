#include "agent/apply/writer.h"

#include <algorithm>
#include <map>

#include "agent/model/log.h"
#include "agent/plan/plan_builder.h"

namespace ctim::agent {
namespace {

// `write` as a RunContent: the plan's rows with changes are the run's objects, in plan order; a conflict is
// re-planned with the same planner against the object as AD holds it now.
class WriteContent final : public RunContent {
 public:
  WriteContent(const Plan& plan, std::span<const SourceIdentity> rows, Directory& directory,
               const WriteSettings& settings, WriteReport& report)
      : plan_(plan), rows_(rows), directory_(directory), settings_(settings), report_(report) {}

  Status Prepare(RunId run) override {
    report_.run = run;
    report_.rows.resize(plan_.rows.size());
    for (std::size_t i = 0; i < plan_.rows.size(); ++i) {
      const RowPlan& p = plan_.rows[i];
      RowWriteResult& r = report_.rows[i];
      switch (p.status()) {
        case RowStatus::kChange: pending_.push_back(i); break;
        case RowStatus::kNoChange: r.state = RowWriteState::kNoChange; break;
        case RowStatus::kRefused: r.state = RowWriteState::kRefused; break;
        case RowStatus::kSkipped: r.state = RowWriteState::kSkipped; break;
      }
    }
    return {};
  }
  std::size_t size() const override { return pending_.size(); }
  std::string_view Activity() const override { return "writing"; }

  Result<std::vector<ApplyItem>> PlanBatch(std::span<const std::size_t> keys) override {
    std::vector<ApplyItem> items;
    items.reserve(keys.size());
    for (std::size_t key : keys) items.push_back(ApplyItem{key, Current(key), {}, 1});
    return items;
  }

  std::optional<ApplyItem> Replan(std::size_t key, const DirectoryObject* now, int attempt) override {
    RowWriteResult& r = Row(key);
    const RowPlan& row = plan_.rows[pending_[key]];
    if (now == nullptr) {
      r.state = RowWriteState::kFailed;
      r.detail = "the object was deleted during the write";
      return std::nullopt;
    }
    auto replanned = ReplanObject(rows_[row.source_index], *now, row, directory_, settings_.plan);
    if (!replanned) {
      r.state = RowWriteState::kFailed;
      r.detail = "re-plan after a conflict failed: " + replanned.error().ToString();
      return std::nullopt;
    }
    const auto known = [&](const Finding& f) {
      const auto same = [&](const Finding& g) { return g.message == f.message; };
      return std::any_of(row.findings.begin(), row.findings.end(), same) ||
             std::any_of(r.replan_findings.begin(), r.replan_findings.end(), same);
    };
    for (Finding& f : replanned->findings) {
      if (!known(f)) r.replan_findings.push_back(std::move(f));
    }
    ChangeSet& now_planned = r.change_set.emplace(std::move(replanned->change_set));
    if (HasRefusal(row.findings) || HasRefusal(r.replan_findings)) {
      r.state = RowWriteState::kRefused;
      now_planned.changes.clear();
      Log()->error("{} {}: changed since the plan and now refused", row.label, now_planned.dn);
      return std::nullopt;
    }
    if (now_planned.empty()) {
      r.state = RowWriteState::kNoChange;
      Log()->info("{} {}: changed since the plan; now already as desired", row.label, now_planned.dn);
      return std::nullopt;
    }
    Log()->warn("{} {}: changed since the plan; re-planned ({} change(s))", row.label, now_planned.dn,
                now_planned.changes.size());
    return ApplyItem{key, now_planned, {}, attempt};
  }

  // Current(key): the plan's change set, or the row's own after a re-plan. Both stay where they are for the
  // run (the plan is const, report_.rows is sized once in Prepare); a move only changes the DN, after the
  // object was re-read.
  const ChangeSet& Sent(std::size_t key) const override { return Current(key); }

  void OnApplied(const Applied& a, const ChangeSet&) override {
    RowWriteResult& r = Row(a.key);
    ++r.attempts;
    switch (a.status) {
      case ApplyStatus::kWritten: r.state = RowWriteState::kWritten; break;
      case ApplyStatus::kConflict: break;  // re-planned by the engine
      case ApplyStatus::kFailed:
        r.state = RowWriteState::kFailed;
        r.detail = a.error.ToString();
        Log()->error("{} {}: modify failed: {}", Label(a.key), Current(a.key).dn, r.detail);
        break;
      case ApplyStatus::kUnknown:
        r.state = RowWriteState::kUnknown;
        r.detail = a.error.ToString();
        break;
    }
  }

  void OnGaveUp(std::size_t key, GiveUpReason reason, const Error* error, int attempts) override {
    RowWriteResult& r = Row(key);
    switch (reason) {
      case GiveUpReason::kRunAborted:
        r.detail = "changed since the plan; not re-planned because the run stopped";
        return;
      case GiveUpReason::kKeptChanging:
        r.state = RowWriteState::kFailed;
        r.detail = "the object changed during the write " + std::to_string(attempts) +
                   " times in a row; gave up (rerun to try again)";
        break;
      case GiveUpReason::kRereadFailed:
        r.state = RowWriteState::kFailed;
        r.detail = "re-read after a conflict failed: " + (error ? error->ToString() : std::string("?"));
        break;
    }
    Log()->error("{} {}: {}", Label(key), Current(key).dn, r.detail);
  }

  void OnConfirmed(const Confirmed& c) override {
    RowWriteResult& r = Row(c.key);
    if (!c.dn.empty() && c.dn != Current(c.key).dn) {
      // The modify went to the object's GUID, wherever it is: report it where it is now.
      Log()->info("{} {}: renamed or moved since the plan; now {}", Label(c.key), Current(c.key).dn, c.dn);
      if (!r.change_set) r.change_set = Current(c.key);
      r.change_set->dn = c.dn;
    }
    switch (c.status) {
      case ConfirmStatus::kConfirmed:
        r.state = RowWriteState::kConfirmed;
        r.detail.clear();
        Log()->info("{}: wrote {} change(s) to {}", Label(c.key), Current(c.key).changes.size(),
                    Current(c.key).dn);
        break;
      case ConfirmStatus::kMismatch:
        r.state = RowWriteState::kMismatch;
        r.detail = c.detail;
        Log()->error("{} {}: written, but AD now holds something else: {}", Label(c.key), Current(c.key).dn,
                     c.detail);
        break;
      case ConfirmStatus::kNotWritten: r.state = RowWriteState::kFailed; r.detail += " (not applied)"; break;
      case ConfirmStatus::kDiverged:
        r.state = RowWriteState::kFailed;
        r.detail = "reply lost and the object changed meanwhile: " + c.detail;
        break;
    }
  }

  std::string Finished(const RunOutcome& outcome) override {
    report_.run_state = outcome.state;
    report_.resolved = outcome.resolved;
    report_.abort = outcome.abort;
    return report_.Summary();
  }

 private:
  RowWriteResult& Row(std::size_t key) const { return report_.rows[pending_[key]]; }
  // The change set the row stands at: its last re-plan's, or the plan's.
  const ChangeSet& Current(std::size_t key) const { return report_.ChangeSetOf(plan_, pending_[key]); }
  const std::string& Label(std::size_t key) const { return plan_.rows[pending_[key]].label; }

  const Plan& plan_;
  std::span<const SourceIdentity> rows_;
  Directory& directory_;
  const WriteSettings& settings_;
  WriteReport& report_;
  std::vector<std::size_t> pending_;  // key -> plan row
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

const ChangeSet& WriteReport::ChangeSetOf(const Plan& plan, std::size_t i) const {
  const std::optional<ChangeSet>& own = rows[i].change_set;
  return own ? *own : plan.rows[i].change_set;
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
  WriteContent content(plan, rows, directory, settings, report);
  auto outcome = JournaledRun(journal, directory, info, content,
                              RunSettings{settings.attributes, settings.batch_size, settings.max_replans, settings.open_reader}, progress,
                              std::move(stop));
  if (!outcome) return std::unexpected(std::move(outcome.error()));
  return report;
}

}  // namespace ctim::agent
