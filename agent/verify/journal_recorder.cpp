#include "agent/verify/journal_recorder.h"

#include <string>
#include <vector>

#include "agent/model/log.h"
#include "agent/verify/verdict_detail.h"
#include "common/iso8601.h"

namespace ctim::agent {

void JournalRecorder::OnPass(const VerifyReport& report, std::span<const std::size_t> changed) {
  std::vector<VerificationRecord> records;
  records.reserve(changed.size());
  for (std::size_t i : changed) {
    const UserResult& u = report.users[i];
    if (!u.expected.object_guid) continue;
    std::string detail = JoinVerdictDetail(u.verdict.status, u.verdict.reason, u.verdict.hint);
    records.push_back(
        {*u.expected.object_guid,
         u.expected.target_object_id,
         u.expected.row,
         u.verdict.status,
         std::move(detail),
         {},
         u.first_sync_after_write ? FormatUtcIso8601(*u.first_sync_after_write) : std::string()});
  }
  const VerifyCounts counts = report.Count();
  const VerifyPassRecord pass{
      {},
      counts.done,
      counts.pending,
      counts.wrong,
      report.tenant_last_sync ? FormatUtcIso8601(*report.tenant_last_sync) : std::string()};
  Status s = journal_.RecordVerifications(run_, records);
  if (s) s = journal_.RecordVerifyPass(run_, pass);
  if (!s && !warned_) {
    warned_ = true;
    Log()->warn("verify: cannot record the verdicts in the journal: {}", s.error().ToString());
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
