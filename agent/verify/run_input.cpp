#include "agent/verify/run_input.h"

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
  input.subject = {input.run.id, input.run.info.file_path, input.set.skipped, 0};
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

}  // namespace ctim::agent
