#include "agent/verify/journal_recorder.h"

#include <map>
#include <string>
#include <vector>

#include "agent/model/log.h"
#include "agent/verify/verdict_detail.h"
#include "common/iso8601.h"

namespace ctim::agent {

void JournalRecorder::OnPass(const VerifyReport& report, std::span<const std::size_t> changed) {
  const auto run_of = [&](const UserResult& u) { return u.expected.run.value_or(run_); };
  std::map<RunId, std::vector<VerificationRecord>> records;  // every run of the report, changed or not
  std::map<RunId, VerifyPassRecord> passes;
  for (const UserResult& u : report.users) {
    VerifyPassRecord& pass = passes[run_of(u)];
    records[run_of(u)];
    switch (u.verdict.status) {
      case VerifyStatus::kDone:
        ++pass.done;
        break;
      case VerifyStatus::kPending:
        ++pass.pending;
        break;
      case VerifyStatus::kWrong:
        ++pass.wrong;
        break;
    }
  }
  if (passes.empty()) passes[run_];
  for (std::size_t i : changed) {
    const UserResult& u = report.users[i];
    if (!u.expected.object_guid) continue;
    std::string detail = JoinVerdictDetail(u.verdict.status, u.verdict.reason, u.verdict.hint);
    records[run_of(u)].push_back(
        {*u.expected.object_guid,
         u.expected.target_object_id,
         u.expected.row,
         u.verdict.status,
         std::move(detail),
         {},
         u.first_sync_after_write ? FormatUtcIso8601(*u.first_sync_after_write) : std::string()});
  }
  const std::string tenant_last_sync =
      report.tenant_last_sync ? FormatUtcIso8601(*report.tenant_last_sync) : std::string();
  for (auto& [run, pass] : passes) {
    pass.tenant_last_sync = tenant_last_sync;
    Status s = journal_.RecordVerifications(run, records[run]);
    if (s) s = journal_.RecordVerifyPass(run, pass);
    if (!s && !warned_) {
      warned_ = true;
      Log()->warn("verify: cannot record the verdicts in the journal: {}", s.error().ToString());
    }
  }
}

Result<std::optional<RecordedMigrationJob>> JournalMigrationJobStore::Find(const std::string& users_key) {
  auto found = journal_.FindMigrationJob(run_, users_key);
  if (!found) return std::unexpected(std::move(found.error()));
  if (!*found) return std::optional<RecordedMigrationJob>();
  return std::optional<RecordedMigrationJob>(
      RecordedMigrationJob{(*found)->job_id, (*found)->users_key, (*found)->created_at});
}

Status JournalMigrationJobStore::Record(const RecordedMigrationJob& job) {
  return journal_.RecordMigrationJob(run_, {job.job_id, job.users_key, job.created_at});
}

}  // namespace ctim::agent
