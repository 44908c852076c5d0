// The journal's row findings: the refusals, warnings and unmapped rows of the plan a write run executed.
#include "agent/journal/journal.h"

namespace ctim::agent {

Status Journal::RecordRowFindings(RunId run, std::span<const RowFindingRecord> findings) {
  if (findings.empty()) return {};
  sqlite::Transaction tx(db_);
  if (!tx.begun()) return tx.begun();
  auto insert = db_.Prepare(
      "INSERT INTO row_findings(run_id, row, label, target_object_id, rule, severity, message, hint) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!insert) return std::unexpected(std::move(insert.error()));
  for (const RowFindingRecord& f : findings) {
    insert->Bind(1, run)
        .Bind(2, static_cast<std::int64_t>(f.row))
        .Bind(3, f.label)
        .Bind(4, f.target_object_id)
        .Bind(5, f.rule)
        .Bind(6, f.severity)
        .Bind(7, f.message)
        .Bind(8, f.hint);
    if (Status s = insert->Run(); !s) return s;
  }
  return tx.Commit();
}

Result<std::vector<RowFindingRecord>> Journal::RunRowFindings(RunId run) {
  auto st = db_.Prepare(
      "SELECT row, label, target_object_id, rule, severity, message, hint FROM row_findings WHERE run_id = "
      "?1 "
      "ORDER BY row, id");
  if (!st) return std::unexpected(std::move(st.error()));
  st->Bind(1, run);
  std::vector<RowFindingRecord> out;
  while (true) {
    auto row = st->Step();
    if (!row) return std::unexpected(std::move(row.error()));
    if (!*row) break;
    out.push_back({static_cast<std::size_t>(st->Int(0)), st->Text(1), st->Text(2), st->Text(3), st->Text(4),
                   st->Text(5), st->Text(6)});
  }
  return out;
}

}  // namespace ctim::agent
