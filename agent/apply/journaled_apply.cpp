#include "agent/apply/journaled_apply.h"

#include <algorithm>
#include <iterator>
#include <set>

#include "agent/model/log.h"

namespace ctim::agent {
namespace {

ApplyStatus Classify(const Status& status) {
  if (status) return ApplyStatus::kWritten;
  switch (status.error().code) {
    case Errc::kConflict:
      return ApplyStatus::kConflict;
    case Errc::kUnavailable:
      return ApplyStatus::kUnknown;
    default:
      return ApplyStatus::kFailed;
  }
}

std::string DescribeSet(const ChangeSet& cs, const DirectoryObject& object) {
  std::string out;
  for (const AttributeChange& c : cs.changes) {
    if (StateOf(c, object) == ChangeState::kApplied) continue;
    if (!out.empty()) out += "; ";
    out += DescribeDifference(c, object);
  }
  return out;
}

}  // namespace

std::vector<ModifyRequest> ToModifyRequests(std::span<const ApplyItem> items) {
  std::vector<ModifyRequest> requests;
  requests.reserve(items.size());
  for (const ApplyItem& item : items) requests.push_back(ToModifyRequest(item.change_set));
  return requests;
}

std::vector<IntentToRecord> ToIntents(std::span<const ApplyItem> items) {
  std::vector<IntentToRecord> intents;
  intents.reserve(items.size());
  for (const ApplyItem& item : items)
    intents.push_back(IntentToRecord{item.change_set, item.reverts, item.attempt});
  return intents;
}

std::vector<Applied> JudgeReplies(std::span<const ApplyItem> items, std::span<const IntentId> ids,
                                  std::vector<Status>&& statuses, std::vector<OutcomeToRecord>& outcomes) {
  std::vector<Applied> applied;
  applied.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    Status status =
        i < statuses.size()
            ? std::move(statuses[i])
            : Status(Fail(Errc::kUnavailable, "no reply for the modify of " + items[i].change_set.dn));
    Applied a{items[i].key, ids[i], Classify(status), {}};
    if (!status) a.error = status.error();
    switch (a.status) {
      case ApplyStatus::kWritten:
        outcomes.push_back({a.intent, OutcomeState::kWritten, ""});
        break;
      case ApplyStatus::kConflict:
        outcomes.push_back({a.intent, OutcomeState::kConflict, a.error.ToString()});
        break;
      case ApplyStatus::kFailed:
        outcomes.push_back({a.intent, OutcomeState::kFailed, a.error.ToString()});
        break;
      case ApplyStatus::kUnknown:
        break;  // judged by re-reading, never guessed
    }
    applied.push_back(std::move(a));
  }
  return applied;
}

Result<Judged> JudgeByReading(Directory& directory, std::span<const ToConfirm> items) {
  Judged judged;
  judged.confirmed.reserve(items.size());
  std::vector<Guid> guids;
  guids.reserve(items.size());
  for (const ToConfirm& t : items) guids.push_back(t.change_set->object_guid);
  // Only what the items changed decides their state (StateOf): a narrower read is cheaper for the DC.
  std::set<std::string, AsciiCaseLess> names;
  for (const ToConfirm& t : items) {
    for (const AttributeChange& c : t.change_set->changes) names.insert(c.attribute);
  }
  const std::vector<std::string> changed(names.begin(), names.end());
  auto read = directory.ReadByGuids(guids, changed);
  if (!read) return std::unexpected(std::move(read.error()).With("re-reading written objects"));
  std::vector<OutcomeToRecord>& outcomes = judged.outcomes;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const ToConfirm& t = items[i];
    const std::optional<DirectoryObject>& object = i < read->size() ? (*read)[i] : std::nullopt;
    Confirmed c{t.key, ConfirmStatus::kConfirmed, {}, object ? object->dn : std::string()};
    if (!object) {
      c.status = t.written_recorded ? ConfirmStatus::kMismatch : ConfirmStatus::kDiverged;
      c.detail =
          "object " + t.change_set->object_guid.ToString() + " (" + t.change_set->dn + ") no longer exists";
    } else {
      switch (StateOf(*t.change_set, *object)) {
        case ChangeState::kApplied:
          if (!t.written_recorded) {
            outcomes.push_back(
                {t.intent, OutcomeState::kWritten, "applied (found by re-reading; the reply was lost)"});
          }
          break;
        case ChangeState::kNotApplied:
          c.status = t.written_recorded ? ConfirmStatus::kMismatch : ConfirmStatus::kNotWritten;
          c.detail = t.written_recorded ? DescribeSet(*t.change_set, *object)
                                        : "AD still holds the prior values: the modify was never applied";
          break;
        case ChangeState::kDiverged:
          c.status = t.written_recorded ? ConfirmStatus::kMismatch : ConfirmStatus::kDiverged;
          c.detail = DescribeSet(*t.change_set, *object);
          break;
      }
    }
    static constexpr OutcomeState kOutcome[] = {OutcomeState::kConfirmed, OutcomeState::kMismatch,
                                                OutcomeState::kNotWritten, OutcomeState::kDiverged};
    outcomes.push_back({t.intent, kOutcome[static_cast<int>(c.status)], c.detail});
    judged.confirmed.push_back(std::move(c));
  }
  return judged;
}

Result<std::vector<Confirmed>> ConfirmByReading(Journal& journal, Directory& directory, RunId run,
                                                std::span<const ToConfirm> items, std::size_t batch_size,
                                                Progress& progress) {
  std::vector<Confirmed> confirmed;
  confirmed.reserve(items.size());
  batch_size = std::max<std::size_t>(batch_size, 1);
  progress.Start(items.size(), "re-reading");
  for (std::size_t start = 0; start < items.size(); start += batch_size) {
    const auto batch = items.subspan(start, std::min(batch_size, items.size() - start));
    auto judged = JudgeByReading(directory, batch);
    if (!judged) {
      progress.Finish();
      return std::unexpected(std::move(judged.error()));
    }
    if (Status s = journal.RecordOutcomes(run, judged->outcomes); !s) {
      progress.Finish();
      return std::unexpected(std::move(s.error()).With("recording re-read results"));
    }
    std::move(judged->confirmed.begin(), judged->confirmed.end(), std::back_inserter(confirmed));
    progress.Advance(batch.size());
  }
  progress.Finish();
  return confirmed;
}

Result<ResolveReport> ResolveInterrupted(Journal& journal, Directory& directory, RunId current,
                                         std::size_t batch_size, Progress& progress) {
  ResolveReport report;
  auto interrupted = journal.MarkInterruptedRuns(current);
  if (!interrupted) return std::unexpected(std::move(interrupted.error()));
  report.interrupted_runs = *interrupted;
  auto open = journal.UnresolvedIntents();
  if (!open) return std::unexpected(std::move(open.error()));
  std::vector<ToConfirm> items;
  for (const IntentView& v : *open) {  // `open` holds the change sets through the re-read
    if (v.run_id == current) continue;
    items.push_back(ToConfirm{items.size(), v.id, &v.change_set, v.HasOutcome(OutcomeState::kWritten)});
  }
  if (items.empty()) return report;
  Log()->warn(
      "resolving {} change(s) that earlier runs left without a final outcome ({} run(s) found "
      "interrupted), by re-reading AD",
      items.size(), report.interrupted_runs);
  auto confirmed = ConfirmByReading(journal, directory, current, items, batch_size, progress);
  if (!confirmed) return std::unexpected(std::move(confirmed.error()).With("resolving interrupted runs"));
  for (const Confirmed& c : *confirmed) {
    ++report.resolved;
    switch (c.status) {
      case ConfirmStatus::kConfirmed:
        ++report.applied;
        break;
      case ConfirmStatus::kNotWritten:
        ++report.not_applied;
        break;
      case ConfirmStatus::kDiverged:
        ++report.diverged;
        break;
      case ConfirmStatus::kMismatch:
        ++report.mismatched;
        break;
    }
    const ChangeSet& cs = *items[c.key].change_set;
    if (c.status == ConfirmStatus::kConfirmed) {
      Log()->info("row {} {}: interrupted change found applied in AD", cs.row, cs.dn);
    } else {
      Log()->warn("row {} {}: interrupted change {}: {}", cs.row, cs.dn,
                  c.status == ConfirmStatus::kNotWritten ? "was not applied" : "is contradicted by AD",
                  c.detail);
    }
  }
  return report;
}

}  // namespace ctim::agent
