#include "agent/apply/rollback.h"

#include <algorithm>
#include <set>

#include "agent/model/log.h"

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

// `rollback RUN` as a RunContent: the objects are the intents RUN really wrote; each is planned as the inverse
// of that intent against the object as AD holds it now (agent/apply/rollback_inverse.cpp).
class RollbackContent final : public RunContent {
 public:
  RollbackContent(RunId target, Directory& directory, Journal& journal, const RollbackSettings& settings,
                  RollbackReport& report)
      : target_(target), directory_(directory), journal_(journal), settings_(settings), report_(report) {}

  Status Prepare(RunId run) override {
    report_.run = run;
    auto intents = journal_.RunIntents(target_);
    if (!intents) return std::unexpected(std::move(intents.error()));
    if (Status late = AttributeLateWrites(journal_, directory_, run, target_, *intents,
                                          std::max<std::size_t>(settings_.batch_size, 1));
        !late) {
      return late;
    }
    auto reverted_list = journal_.RevertedChanges(target_);
    if (!reverted_list) return std::unexpected(std::move(reverted_list.error()));
    reverted_ = std::map<ChangeId, RunId>(reverted_list->begin(), reverted_list->end());
    // What the run really wrote: intents with a "written" outcome (recorded or found by re-reading).
    for (IntentView& v : *intents) {
      if (v.HasOutcome(OutcomeState::kWritten)) written_.push_back(std::move(v));
    }
    for (const IntentView& v : written_) {
      report_.objects.push_back({v.change_set.row, v.change_set.dn, v.change_set.object_guid,
                                 RollbackObjectState::kNotAttempted, {}, {}, {}});
    }
    return {};
  }
  std::size_t size() const override { return written_.size(); }
  std::string_view Activity() const override { return "rolling back"; }

  Result<std::vector<ApplyItem>> PlanBatch(std::span<const std::size_t> keys) override {
    std::vector<Guid> guids;
    for (std::size_t key : keys) guids.push_back(written_[key].change_set.object_guid);
    auto current = directory_.ReadByGuids(guids, settings_.attributes);
    if (!current) return std::unexpected(std::move(current.error()));
    std::vector<ApplyItem> items;
    for (std::size_t n = 0; n < keys.size(); ++n) {
      const DirectoryObject* now = n < current->size() && (*current)[n] ? &*(*current)[n] : nullptr;
      if (auto item = Inverse(keys[n], now, 1)) items.push_back(std::move(*item));
    }
    return items;
  }

  std::optional<ApplyItem> Replan(std::size_t key, const DirectoryObject* now, int attempt) override {
    return Inverse(key, now, attempt);
  }

  // Inverse() records in the report the inverse it hands out; report_.objects is sized once in Prepare.
  const ChangeSet& Sent(std::size_t key) const override { return report_.objects[key].inverse; }

  void OnApplied(const Applied& a, const ChangeSet&) override {
    RollbackObjectResult& o = report_.objects[a.key];
    switch (a.status) {
      case ApplyStatus::kWritten: o.state = StateFromVerdicts(o.verdicts, true); break;
      case ApplyStatus::kConflict: break;  // re-planned by the engine
      case ApplyStatus::kFailed:
        o.state = RollbackObjectState::kFailed;
        o.detail = a.error.ToString();
        break;
      case ApplyStatus::kUnknown:
        o.state = RollbackObjectState::kUnknown;
        o.detail = a.error.ToString();
        break;
    }
  }

  void OnGaveUp(std::size_t key, GiveUpReason reason, const Error* error, int) override {
    RollbackObjectResult& o = report_.objects[key];
    switch (reason) {
      case GiveUpReason::kRunAborted:
        o.detail = "changed since the rollback was planned; not re-planned because the run stopped";
        return;
      case GiveUpReason::kKeptChanging:
        o.state = RollbackObjectState::kFailed;
        o.detail = "the object kept changing during the rollback; gave up (rerun the rollback)";
        return;
      case GiveUpReason::kRereadFailed:
        o.state = RollbackObjectState::kFailed;
        o.detail = "re-read after a conflict failed: " + (error ? error->ToString() : std::string("?"));
        return;
    }
  }

  void OnConfirmed(const Confirmed& c) override {
    RollbackObjectResult& o = report_.objects[c.key];
    if (!c.dn.empty()) o.dn = c.dn;
    if (c.status == ConfirmStatus::kConfirmed) {
      if (o.state == RollbackObjectState::kUnknown) o.state = StateFromVerdicts(o.verdicts, true);
      return;
    }
    o.state = RollbackObjectState::kFailed;
    o.detail = c.detail;
  }

  std::string Finished(const RunOutcome& outcome) override {
    report_.run_state = outcome.state;
    report_.resolved = outcome.resolved;
    report_.abort = outcome.abort;
    for (const RollbackObjectResult& o : report_.objects) {
      for (const AttributeVerdict& v : o.verdicts) {
        if (v.verdict == RevertVerdict::kRefused) {
          Log()->warn("row {} {}: {} not rolled back: {}", o.row, o.dn, v.attribute, v.detail);
        }
      }
    }
    return report_.Summary();
  }

 private:
  // The inverse of written intent `key` against `now` (nullptr: the object is gone), recorded in the report;
  // the item to send when something is to be restored.
  std::optional<ApplyItem> Inverse(std::size_t key, const DirectoryObject* now, int attempt) {
    RollbackObjectResult& o = report_.objects[key];
    if (now == nullptr) {
      o.state = RollbackObjectState::kRefused;
      o.detail = "the object no longer exists";
      return std::nullopt;
    }
    InversePlan inverse = PlanInverse(written_[key], *now, reverted_);
    o.dn = inverse.inverse.dn;
    o.verdicts = std::move(inverse.verdicts);
    o.inverse = inverse.inverse;
    o.state = StateFromVerdicts(o.verdicts, false);
    if (inverse.inverse.empty()) return std::nullopt;
    return ApplyItem{key, std::move(inverse.inverse), std::move(inverse.reverts), attempt};
  }

  RunId target_;
  Directory& directory_;
  Journal& journal_;
  const RollbackSettings& settings_;
  RollbackReport& report_;
  std::map<ChangeId, RunId> reverted_;
  std::vector<IntentView> written_;  // key -> the intent of the rolled-back run
};

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
  RollbackContent content(target, directory, journal, settings, report);
  auto outcome = JournaledRun(journal, directory,
                              RunInfo{RunKind::kRollback, (*original)->info.file_path,
                                      (*original)->info.file_sha256, "{}", target},
                              content, RunSettings{settings.attributes, settings.batch_size, settings.max_replans, settings.open_reader},
                              progress, std::move(stop));
  if (!outcome) return std::unexpected(std::move(outcome.error()));
  return report;
}

}  // namespace ctim::agent
