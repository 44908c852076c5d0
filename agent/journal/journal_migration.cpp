// The journal's migration_jobs: Microsoft validation jobs that verify created (doc/journal-format.md).
#include "agent/journal/journal.h"

namespace ctim::agent {

Status Journal::RecordMigrationJob(RunId run, const MigrationJobRecord& job) {
  auto insert = db_.Prepare(
      "INSERT INTO migration_jobs(run_id, job_id, users_key, created_at) VALUES (?1, ?2, ?3, ?4)");
  if (!insert) return std::unexpected(std::move(insert.error()));
  insert->Bind(1, run)
      .Bind(2, job.job_id)
      .Bind(3, job.users_key)
      .Bind(4, job.created_at.empty() ? UtcNow() : job.created_at);
  return insert->Run();
}

Result<std::optional<MigrationJobRecord>> Journal::FindMigrationJob(RunId run, std::string_view users_key) {
  auto st = db_.Prepare(
      "SELECT job_id, users_key, created_at FROM migration_jobs WHERE run_id = ?1 AND users_key = ?2 "
      "ORDER BY id DESC LIMIT 1");
  if (!st) return std::unexpected(std::move(st.error()));
  st->Bind(1, run).Bind(2, std::string(users_key));
  auto row = st->Step();
  if (!row) return std::unexpected(std::move(row.error()));
  if (!*row) return std::optional<MigrationJobRecord>();
  return std::optional<MigrationJobRecord>(MigrationJobRecord{st->Text(0), st->Text(1), st->Text(2)});
}

}  // namespace ctim::agent
