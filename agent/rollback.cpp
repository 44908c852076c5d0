#include "agent/rollback.h"

#include <algorithm>
#include <set>

#include "agent/log.h"

namespace ctim::agent {
namespace {

RollbackObjectState StateFromVerdicts(const std::vector<AttributeVerdict>& verdicts, bool sent) {
  const bool refused = std::any_of(verdicts.begin(), verdicts.end(),
                                   [](const AttributeVerdict& v) { return v.verdict == RevertVerdict::kRefused; });
  if (sent) return refused ? RollbackObjectState::kPartial : RollbackObjectState::kRestored;
  return refused ? RollbackObjectState::kRefused : RollbackObjectState::kNothingToDo;
}

// Judged not written (or diverged) by a LATER run's resolution pass, never by the run itself: the run
// died with the modify possibly in the DC's hands ("not sent" outcomes are the run's own and final).
bool JudgedByResolution(const IntentView& v) {
  if (v.HasOutcome(OutcomeState::kWritten) || v.outcomes.empty()) return false;
  const OutcomeEntry& last = v.outcomes.back();
  return (last.state == OutcomeState::kNotWritten || last.state == OutcomeState::kDiverged) &&
         last.recorded_by != v.run_id;
}

// A modify the DC received before the writer was killed can complete after the next run's resolution pass
// re-read the object: the journal then says not_written while AD holds the change. Re-read such intents by
// objectGUID; one whose object holds exactly what it planned, and that no later intent wrote over, is
// attributed to its run (outcomes written + confirmed, recorded by `current`), so it is rolled back too
// (doc/journal-format.md, "Crash points").
Status AttributeLateWrites(Journal& journal, Directory& directory, RunId current, RunId target,
                           std::vector<IntentView>& intents, std::size_t batch_size) {
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i < intents.size(); ++i) {
    if (JudgedByResolution(intents[i])) candidates.push_back(i);
  }
  if (candidates.empty()) return {};
  auto superseded_list = journal.SupersededIntents(target);
  if (!superseded_list) return std::unexpected(std::move(superseded_list.error()));
  const std::set<IntentId> superseded(superseded_list->begin(), superseded_list->end());
  std::erase_if(candidates, [&](std::size_t i) { return superseded.contains(intents[i].id); });
  for (std::size_t start = 0; start < candidates.size(); start += batch_size) {
    const std::size_t end = std::min(candidates.size(), start + batch_size);
    std::vector<Guid> guids;
    std::set<std::string, AsciiCaseLess> names;
    for (std::size_t n = start; n < end; ++n) {
      const ChangeSet& cs = intents[candidates[n]].change_set;
      guids.push_back(cs.object_guid);
      for (const AttributeChange& c : cs.changes) names.insert(c.attribute);
    }
    auto read = directory.ReadByGuids(guids, std::vector<std::string>(names.begin(), names.end()));
    if (!read) return std::unexpected(std::move(read.error()).With("re-reading changes judged not written"));
    std::vector<OutcomeToRecord> outcomes;
    for (std::size_t n = start; n < end; ++n) {
      IntentView& v = intents[candidates[n]];
      const std::size_t at = n - start;
      if (at >= read->size() || !(*read)[at] || StateOf(v.change_set, *(*read)[at]) != ChangeState::kApplied)
        continue;
      const std::string detail = "applied after run " + std::to_string(v.outcomes.back().recorded_by) +
                                 " judged it " + std::string(OutcomeStateName(v.outcomes.back().state)) +
                                 " (the DC finished the modify late; found by re-reading)";
      outcomes.push_back({v.id, OutcomeState::kWritten, detail});
      outcomes.push_back({v.id, OutcomeState::kConfirmed, ""});
      v.outcomes.push_back({OutcomeState::kWritten, detail, UtcNow(), current});
      v.outcomes.push_back({OutcomeState::kConfirmed, "", UtcNow(), current});
      Log()->warn("row {} {}: run {}'s change was {}; attributed to run {} so that this rollback undoes it",
                  v.change_set.row, (*read)[at]->dn, target, detail, target);
    }
    if (Status s = journal.RecordOutcomes(current, outcomes); !s) return s;
  }
  return {};
}

}  // namespace

std::string_view RollbackObjectStateName(RollbackObjectState state) {
  switch (state) {
    case RollbackObjectState::kRestored: return "restored";
    case RollbackObjectState::kPartial: return "partial";
    case RollbackObjectState::kNothingToDo: return "nothing-to-do";
    case RollbackObjectState::kRefused: return "refused";
    case RollbackObjectState::kFailed: return "failed";
    case RollbackObjectState::kUnknown: return "unknown";
    case RollbackObjectState::kNotAttempted: return "not-attempted";
  }
  return "?";
}

std::size_t RollbackReport::Count(RollbackObjectState state) const {
  return static_cast<std::size_t>(
      std::count_if(objects.begin(), objects.end(), [&](const RollbackObjectResult& o) { return o.state == state; }));
}

std::string RollbackReport::Summary() const {
  std::string s = "rollback run " + std::to_string(run) + " of run " + std::to_string(rollback_of) + ": restored " +
                  std::to_string(Count(RollbackObjectState::kRestored)) + " object(s), " +
                  std::to_string(Count(RollbackObjectState::kPartial)) + " partly (attributes changed since), " +
                  std::to_string(Count(RollbackObjectState::kNothingToDo)) + " had nothing to restore, " +
                  std::to_string(Count(RollbackObjectState::kRefused)) + " refused, " +
                  std::to_string(Count(RollbackObjectState::kFailed)) + " failed";
  if (const std::size_t n = Count(RollbackObjectState::kUnknown)) s += ", " + std::to_string(n) + " unknown";
  if (const std::size_t n = Count(RollbackObjectState::kNotAttempted)) s += ", " + std::to_string(n) + " not attempted";
  return s;
}

Result<RollbackReport> RollbackRun(RunId target, Directory& directory, Journal& journal,
                                   const RollbackSettings& settings, Progress& progress, std::stop_token stop) {
  auto original = journal.GetRun(target);
  if (!original) return std::unexpected(std::move(original.error()));
  if (!*original) {
    return Fail(Errc::kNotFound, "run " + std::to_string(target) + " is not in the journal",
                "`ctim-agent runs` lists the runs this journal knows");
  }
  if ((*original)->info.kind != RunKind::kWrite) {
    return Fail(Errc::kInvalidInput, "run " + std::to_string(target) + " is a rollback, not a write run",
                "to redo what it undid, run `write` with the file again");
  }
  RollbackReport report;
  report.rollback_of = target;
  auto run = journal.BeginRun(RunInfo{RunKind::kRollback, (*original)->info.file_path,
                                      (*original)->info.file_sha256, "{}", target});
  if (!run) return std::unexpected(std::move(run.error()));
  report.run = *run;
  const std::size_t batch_size = std::max<std::size_t>(settings.batch_size, 1);
  auto finish_failed = [&](Error error) -> Result<RollbackReport> {
    report.run_state = RunState::kFailed;
    (void)journal.FinishRun(report.run, report.run_state, error.ToString());
    return std::unexpected(std::move(error));
  };

  auto resolved = ResolveInterrupted(journal, directory, report.run, batch_size, progress);
  if (!resolved) return finish_failed(std::move(resolved.error()));
  report.resolved = *resolved;
  auto intents = journal.RunIntents(target);
  if (!intents) return finish_failed(std::move(intents.error()));
  if (Status late = AttributeLateWrites(journal, directory, report.run, target, *intents, batch_size);
      !late) {
    return finish_failed(std::move(late.error()));
  }
  auto reverted_list = journal.RevertedChanges(target);
  if (!reverted_list) return finish_failed(std::move(reverted_list.error()));
  const std::map<ChangeId, RunId> reverted(reverted_list->begin(), reverted_list->end());

  // What the run really wrote: intents with a "written" outcome (recorded or found by re-reading).
  std::vector<IntentView> written;
  for (IntentView& v : *intents) {
    if (v.HasOutcome(OutcomeState::kWritten)) written.push_back(std::move(v));
  }
  for (const IntentView& v : written) {
    report.objects.push_back({v.change_set.row, v.change_set.dn, v.change_set.object_guid,
                              RollbackObjectState::kNotAttempted, {}, {}, {}});
  }

  progress.Start(written.size(), "rolling back");
  std::vector<ToConfirm> to_confirm;
  for (std::size_t start = 0; start < written.size(); start += batch_size) {
    if (stop.stop_requested()) {
      report.run_state = RunState::kStopped;
      break;
    }
    const std::size_t end = std::min(written.size(), start + batch_size);
    std::vector<std::size_t> pending;
    for (std::size_t i = start; i < end; ++i) pending.push_back(i);
    for (int attempt = 1; !pending.empty(); ++attempt) {
      std::vector<Guid> guids;
      for (std::size_t i : pending) guids.push_back(written[i].change_set.object_guid);
      auto current = directory.ReadByGuids(guids, settings.attributes);
      if (!current) {
        report.abort_reason = current.error().ToString();
        break;
      }
      std::vector<ApplyItem> items;
      for (std::size_t n = 0; n < pending.size(); ++n) {
        RollbackObjectResult& o = report.objects[pending[n]];
        if (n >= current->size() || !(*current)[n]) {
          o.state = RollbackObjectState::kRefused;
          o.detail = "the object no longer exists";
          continue;
        }
        InversePlan inverse = PlanInverse(written[pending[n]], *(*current)[n], reverted);
        o.dn = inverse.inverse.dn;
        o.verdicts = std::move(inverse.verdicts);
        o.inverse = inverse.inverse;
        o.state = StateFromVerdicts(o.verdicts, false);
        if (!inverse.inverse.empty()) items.push_back({pending[n], std::move(inverse.inverse), inverse.reverts, attempt});
      }
      pending.clear();
      if (items.empty()) break;
      auto applied = ApplyJournaled(journal, directory, report.run, items);
      if (!applied) return finish_failed(std::move(applied.error()));
      for (const Applied& a : *applied) {
        RollbackObjectResult& o = report.objects[a.key];
        switch (a.status) {
          case ApplyStatus::kWritten:
            o.state = StateFromVerdicts(o.verdicts, true);
            to_confirm.push_back({a.key, a.intent, o.inverse, true});
            break;
          case ApplyStatus::kConflict:
            if (attempt <= settings.max_replans) {
              pending.push_back(a.key);
            } else {
              o.state = RollbackObjectState::kFailed;
              o.detail = "the object kept changing during the rollback; gave up (rerun the rollback)";
            }
            break;
          case ApplyStatus::kFailed:
            o.state = RollbackObjectState::kFailed;
            o.detail = a.error.ToString();
            break;
          case ApplyStatus::kUnknown:
            o.state = RollbackObjectState::kUnknown;
            o.detail = a.error.ToString();
            to_confirm.push_back({a.key, a.intent, o.inverse, false});
            report.abort_reason = a.error.ToString();
            break;
        }
      }
      if (!report.abort_reason.empty()) break;
    }
    progress.Advance(end - start);
    if (!report.abort_reason.empty()) {
      report.run_state = RunState::kFailed;
      Log()->error("rollback run {}: stopping: {}", report.run, report.abort_reason);
      break;
    }
  }
  progress.Finish();

  if (!to_confirm.empty()) {
    auto confirmed =
        ConfirmByReading(journal, directory, report.run, to_confirm, batch_size, progress);
    if (!confirmed) {
      report.run_state = RunState::kFailed;
      if (report.abort_reason.empty()) report.abort_reason = confirmed.error().ToString();
    } else {
      for (const Confirmed& c : *confirmed) {
        RollbackObjectResult& o = report.objects[c.key];
        if (c.status == ConfirmStatus::kConfirmed) {
          if (o.state == RollbackObjectState::kUnknown) o.state = StateFromVerdicts(o.verdicts, true);
          continue;
        }
        o.state = RollbackObjectState::kFailed;
        o.detail = c.detail;
      }
    }
  }
  for (const RollbackObjectResult& o : report.objects) {
    for (const AttributeVerdict& v : o.verdicts) {
      if (v.verdict == RevertVerdict::kRefused) {
        Log()->warn("row {} {}: {} not rolled back: {}", o.row, o.dn, v.attribute, v.detail);
      }
    }
  }
  if (Status s = journal.FinishRun(report.run, report.run_state, report.Summary()); !s) {
    return std::unexpected(std::move(s.error()));
  }
  Log()->info("{}", report.Summary());
  return report;
}

}  // namespace ctim::agent
