#include "agent/verify/run_input.h"

#include <map>

#include "agent/verify/replica_check.h"

namespace ctim::agent {

Result<RunRecord> LatestWriteRun(Journal& journal, const std::string& label) {
  auto runs = journal.ListRuns();
  if (!runs) return std::unexpected(std::move(runs.error()));
  for (auto it = runs->rbegin(); it != runs->rend(); ++it) {
    if (it->info.kind == RunKind::kWrite) return *it;
  }
  return Fail(Errc::kInvalidInput, "journal " + label + " has no write run to verify",
              "run ctim-agent write first, or verify a file: ctim-agent verify --file FILE");
}

Result<RunInput> LoadRunInput(Journal& journal, const std::string& label, std::optional<RunId> run) {
  RunInput input;
  auto snapshot = journal.ReadSnapshot();  // the run, its intents and earlier verdicts as of one moment
  if (!snapshot) return std::unexpected(std::move(snapshot.error()));
  if (!run) {
    auto latest = LatestWriteRun(journal, label);
    if (!latest) return std::unexpected(std::move(latest.error()));
    input.run = std::move(*latest);
  } else {
    auto found = journal.GetRun(*run);
    if (!found) return std::unexpected(std::move(found.error()));
    if (!*found) {
      return Fail(Errc::kInvalidInput, "journal " + label + " has no run " + std::to_string(*run),
                  "see ctim-agent runs");
    }
    input.run = std::move(**found);
  }
  auto intents = journal.RunIntents(input.run.id);
  if (!intents) return std::unexpected(std::move(intents.error()));
  auto set = ExpectationsFromRun(input.run, *intents);
  if (!set) return std::unexpected(std::move(set.error()));
  input.set = std::move(*set);
  input.subject = {input.run.id, input.run.info.file_path, input.set.skipped, 0, {input.run.id}};
  auto earlier = journal.RunVerifications(input.run.id);
  if (!earlier) return std::unexpected(std::move(earlier.error()));
  for (const VerificationRecord& r : *earlier) {
    if (auto t = ParseUtcIso8601(r.first_sync_after_write)) input.known_sync_times.push_back(*t);
    if (r.status == VerifyStatus::kPending && r.target_object_id &&
        r.detail.starts_with(kReplicatingPrefix)) {
      input.replicating_before.insert(*r.target_object_id);
    }
  }
  input.earlier = std::move(*earlier);
  return input;
}

bool IsUnfinished(const RunInput& input) {
  std::map<Guid, VerifyStatus> last;
  for (const VerificationRecord& r : input.earlier) last[r.object_guid] = r.status;
  for (const Expectation& e : input.set.expectations) {
    if (!e.object_guid) return true;
    const auto it = last.find(*e.object_guid);
    if (it == last.end() || it->second != VerifyStatus::kDone) return true;
  }
  return false;
}

Result<RunInput> LoadUnfinishedRuns(Journal& journal, const std::string& label) {
  auto runs = journal.ListRuns();
  if (!runs) return std::unexpected(std::move(runs.error()));
  std::vector<RunInput> open;
  // Bounded by the journal's runs.
  for (const RunRecord& run : *runs) {
    if (run.info.kind != RunKind::kWrite) continue;
    auto input = LoadRunInput(journal, label, run.id);
    if (!input) return std::unexpected(std::move(input.error()));
    if (IsUnfinished(*input)) open.push_back(std::move(*input));
  }
  if (open.empty()) return LoadRunInput(journal, label, std::nullopt);
  if (open.size() == 1) return std::move(open.front());
  RunInput merged;
  merged.run = open.back().run;
  merged.subject.run = merged.run.id;
  for (RunInput& input : open) {
    const RunId id = input.run.id;
    merged.subject.runs.push_back(id);
    for (Expectation& e : input.set.expectations) {
      e.label = "run " + std::to_string(id) + " " + e.label;
      merged.set.expectations.push_back(std::move(e));
    }
    for (std::string& s : input.set.skipped) merged.subject.skipped.push_back("run " + std::to_string(id) + " " + s);
    merged.known_sync_times.insert(merged.known_sync_times.end(), input.known_sync_times.begin(),
                                   input.known_sync_times.end());
    merged.earlier.insert(merged.earlier.end(), input.earlier.begin(), input.earlier.end());
  }
  merged.set.skipped = merged.subject.skipped;
  merged.subject.file = merged.run.info.file_path;
  return merged;
}

}  // namespace ctim::agent
