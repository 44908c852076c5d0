#include "service/verify_run.h"

#include <cstdlib>

#include "agent/report/verdict_detail.h"
#include "service/logging.h"

namespace ctim::service {

void JournalRecorder::OnPass(const agent::VerifyReport& report, std::span<const std::size_t> changed) {
  std::vector<agent::VerificationRecord> records;
  records.reserve(changed.size());
  for (std::size_t i : changed) {
    const agent::UserResult& u = report.users[i];
    if (!u.expected.object_guid) continue;
    std::string detail = agent::report::JoinVerdictDetail(u.verdict.status, u.verdict.reason, u.verdict.hint);
    records.push_back({*u.expected.object_guid, u.expected.target_object_id, u.expected.row, u.verdict.status,
                       std::move(detail), {},
                       u.first_sync_after_write ? agent::FormatUtcTime(*u.first_sync_after_write) : std::string()});
  }
  const agent::VerifyCounts counts = report.Count();
  const agent::VerifyPassRecord pass{{}, counts.done, counts.pending, counts.wrong,
                                     report.tenant_last_sync ? agent::FormatUtcTime(*report.tenant_last_sync)
                                                             : std::string()};
  Status s = journal_.RecordVerifications(run_, records);
  if (s) s = journal_.RecordVerifyPass(run_, pass);
  if (!s && !warned_) {
    warned_ = true;
    Logger("service")->warn("verify: cannot record the verdicts in the journal: {}", s.error().ToString());
  }
}

Result<agent::ReaderOptions> ReaderOptionsFrom(const Config& config) {
  agent::ReaderOptions reader;
  if (auto set = agent::ApplyReaderOption(reader, "email_addresses_separator", config.agent.email_separator); !set) {
    return Fail(Errc::kInvalidInput,
                config.source.string() + ": [agent] email_separator = \"" + config.agent.email_separator +
                    "\" is not a separator the reader knows",
                set.error().hint);
  }
  return reader;
}

Result<agent::RunRecord> LatestWriteRun(agent::Journal& journal, const std::string& path) {
  auto runs = journal.ListRuns();
  if (!runs) return std::unexpected(std::move(runs.error()));
  for (auto it = runs->rbegin(); it != runs->rend(); ++it) {
    if (it->info.kind == agent::RunKind::kWrite) return *it;
  }
  return Fail(Errc::kInvalidInput, "journal " + path + " has no write run to verify",
              "run ctim-agent write first, or verify a file: ctim-agent verify --file FILE");
}

Result<RunInput> LoadRunInput(agent::Journal& journal, const std::string& path, const std::string& run_text) {
  RunInput input;
  auto snapshot = journal.ReadSnapshot();  // the run, its intents and earlier verdicts as of one moment
  if (!snapshot) return std::unexpected(std::move(snapshot.error()));
  if (run_text.empty()) {
    auto latest = LatestWriteRun(journal, path);
    if (!latest) return std::unexpected(std::move(latest.error()));
    input.run = std::move(*latest);
  } else {
    char* end = nullptr;
    const long long id = std::strtoll(run_text.c_str(), &end, 10);
    if (end == run_text.c_str() || *end != '\0' || id <= 0) {
      return Fail(Errc::kInvalidInput, "\"" + run_text + "\" is not a run id", "see ctim-agent runs");
    }
    auto found = journal.GetRun(id);
    if (!found) return std::unexpected(std::move(found.error()));
    if (!*found) return Fail(Errc::kInvalidInput, "journal " + path + " has no run " + run_text, "see ctim-agent runs");
    input.run = std::move(**found);
  }
  auto intents = journal.RunIntents(input.run.id);
  if (!intents) return std::unexpected(std::move(intents.error()));
  auto set = agent::ExpectationsFromRun(input.run, *intents);
  if (!set) return std::unexpected(std::move(set.error()));
  input.set = std::move(*set);
  input.subject = {input.run.id, input.run.info.file_path, input.set.skipped, 0};
  auto earlier = journal.RunVerifications(input.run.id);
  if (!earlier) return std::unexpected(std::move(earlier.error()));
  for (const agent::VerificationRecord& r : *earlier) {
    if (auto t = agent::ParseUtcTime(r.first_sync_after_write)) input.known_sync_times.push_back(*t);
  }
  input.earlier = std::move(*earlier);
  return input;
}

}  // namespace ctim::service
