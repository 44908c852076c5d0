// The journal's verification records: the latest `verify` verdict per object of a write run.
#include "agent/journal/journal.h"

namespace ctim::agent {

Status Journal::RecordVerifications(RunId run, std::span<const VerificationRecord> records) {
  if (records.empty()) return {};
  sqlite::Transaction tx(db_);
  if (!tx.begun()) return tx.begun();
  auto upsert = db_.Prepare(
      "INSERT INTO verifications(run_id, object_guid, target_object_id, row, status, detail, checked_at, "
      "first_sync_after_write) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
      "ON CONFLICT(run_id, object_guid) DO UPDATE SET target_object_id = excluded.target_object_id, "
      "row = excluded.row, status = excluded.status, detail = excluded.detail, checked_at = excluded.checked_at, "
      "first_sync_after_write = excluded.first_sync_after_write");
  if (!upsert) return std::unexpected(std::move(upsert.error()));
  const std::string now = UtcNow();
  for (const VerificationRecord& r : records) {
    upsert->Bind(1, run)
        .Bind(2, r.object_guid.ToString())
        .Bind(3, r.target_object_id ? r.target_object_id->ToString() : std::string())
        .Bind(4, static_cast<std::int64_t>(r.row))
        .Bind(5, VerifyStatusName(r.status))
        .Bind(6, r.detail)
        .Bind(7, now)
        .Bind(8, r.first_sync_after_write);
    if (Status s = upsert->Run(); !s) return s;
  }
  return tx.Commit();
}

Result<std::vector<VerificationRecord>> Journal::RunVerifications(RunId run) {
  auto st = db_.Prepare(
      "SELECT object_guid, target_object_id, row, status, detail, checked_at, first_sync_after_write "
      "FROM verifications WHERE run_id = ?1 ORDER BY row, object_guid");
  if (!st) return std::unexpected(std::move(st.error()));
  st->Bind(1, run);
  std::vector<VerificationRecord> out;
  while (true) {
    auto row = st->Step();
    if (!row) return std::unexpected(std::move(row.error()));
    if (!*row) break;
    VerificationRecord r;
    const auto guid = Guid::Parse(st->Text(0));
    const auto status = ParseVerifyStatus(st->Text(3));
    if (!guid || !status) {
      return Fail(Errc::kInvalidInput,
                  "journal: verification of run " + std::to_string(run) + " has object_guid \"" + st->Text(0) +
                      "\" and status \"" + st->Text(3) + "\"",
                  "the journal was edited or damaged; keep it for inspection");
    }
    r.object_guid = *guid;
    if (const std::string target = st->Text(1); !target.empty()) r.target_object_id = Guid::Parse(target);
    r.row = static_cast<std::size_t>(st->Int(2));
    r.status = *status;
    r.detail = st->Text(4);
    r.checked_at = st->Text(5);
    r.first_sync_after_write = st->Text(6);
    out.push_back(std::move(r));
  }
  return out;
}

Status Journal::RecordVerifyPass(RunId run, const VerifyPassRecord& pass) {
  auto insert = db_.Prepare(
      "INSERT INTO verify_passes(run_id, at, done, pending, wrong, tenant_last_sync) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!insert) return std::unexpected(std::move(insert.error()));
  insert->Bind(1, run)
      .Bind(2, pass.at.empty() ? UtcNow() : pass.at)
      .Bind(3, static_cast<std::int64_t>(pass.done))
      .Bind(4, static_cast<std::int64_t>(pass.pending))
      .Bind(5, static_cast<std::int64_t>(pass.wrong))
      .Bind(6, pass.tenant_last_sync);
  return insert->Run();
}

Result<std::vector<VerifyPassRecord>> Journal::RunVerifyPasses(RunId run) {
  auto st = db_.Prepare(
      "SELECT at, done, pending, wrong, tenant_last_sync FROM verify_passes WHERE run_id = ?1 ORDER BY id");
  if (!st) return std::unexpected(std::move(st.error()));
  st->Bind(1, run);
  std::vector<VerifyPassRecord> out;
  while (true) {
    auto row = st->Step();
    if (!row) return std::unexpected(std::move(row.error()));
    if (!*row) break;
    out.push_back({st->Text(0), static_cast<std::size_t>(st->Int(1)), static_cast<std::size_t>(st->Int(2)),
                   static_cast<std::size_t>(st->Int(3)), st->Text(4)});
  }
  return out;
}

}  // namespace ctim::agent
