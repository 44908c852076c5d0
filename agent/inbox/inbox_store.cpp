#include "agent/inbox/inbox_store.h"

#include <array>

#include "agent/inbox/layout.h"

namespace ctim::agent::inbox {
namespace {

// doc/journal-format.md describes the table; change both together. Added to journals of schema version 1
// when `serve` (or `status`/`approve`) first opens them; older ctim-agent versions ignore it.
constexpr std::string_view kInboxSchema = R"sql(
CREATE TABLE IF NOT EXISTS inbox_files (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL,
  stored_name   TEXT NOT NULL DEFAULT '',
  sha256        TEXT NOT NULL DEFAULT '',
  received_at   TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  file_mtime    INTEGER NOT NULL DEFAULT 0,
  state         TEXT NOT NULL CHECK (state IN ('received', 'checked', 'planned', 'awaiting_approval', 'writing',
                                               'written', 'verifying', 'done', 'failed', 'expired')),
  waits_for     TEXT NOT NULL DEFAULT '',
  approved      INTEGER NOT NULL DEFAULT 0,
  run_id        INTEGER REFERENCES runs(id),
  duplicate_of  INTEGER REFERENCES inbox_files(id),
  error         TEXT NOT NULL DEFAULT '',
  rows          INTEGER NOT NULL DEFAULT 0,
  changes       INTEGER NOT NULL DEFAULT 0,
  refused       INTEGER NOT NULL DEFAULT 0,
  users_done    INTEGER NOT NULL DEFAULT 0,
  users_pending INTEGER NOT NULL DEFAULT 0,
  users_wrong   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS inbox_files_by_sha256 ON inbox_files(sha256);
)sql";

constexpr std::string_view kColumns =
    "id, name, stored_name, sha256, received_at, updated_at, file_mtime, state, waits_for, approved, run_id, "
    "duplicate_of, error, rows, changes, refused, users_done, users_pending, users_wrong";

constexpr std::array<std::pair<FileState, std::string_view>, 10> kNames = {{
    {FileState::kReceived, "received"},
    {FileState::kChecked, "checked"},
    {FileState::kPlanned, "planned"},
    {FileState::kAwaitingApproval, "awaiting_approval"},
    {FileState::kWriting, "writing"},
    {FileState::kWritten, "written"},
    {FileState::kVerifying, "verifying"},
    {FileState::kDone, "done"},
    {FileState::kFailed, "failed"},
    {FileState::kExpired, "expired"},
}};

std::optional<std::int64_t> OptionalInt(const sqlite::Statement& st, int column) {
  if (st.IsNull(column)) return std::nullopt;
  return st.Int(column);
}

FileRecord ReadRecord(const sqlite::Statement& st) {
  FileRecord r;
  r.id = st.Int(0);
  r.name = st.Text(1);
  r.stored_name = st.Text(2);
  r.sha256 = st.Text(3);
  r.received_at = st.Text(4);
  r.updated_at = st.Text(5);
  r.file_mtime = st.Int(6);
  r.state = ParseFileState(st.Text(7)).value_or(FileState::kFailed);
  r.waits_for = st.Text(8);
  r.approved = st.Int(9) != 0;
  r.run_id = OptionalInt(st, 10);
  r.duplicate_of = OptionalInt(st, 11);
  r.error = st.Text(12);
  r.rows = st.Int(13);
  r.changes = st.Int(14);
  r.refused = st.Int(15);
  r.users_done = st.Int(16);
  r.users_pending = st.Int(17);
  r.users_wrong = st.Int(18);
  return r;
}

}  // namespace

std::string_view FileStateName(FileState state) {
  for (const auto& [s, name] : kNames) {
    if (s == state) return name;
  }
  return "?";
}

std::optional<FileState> ParseFileState(std::string_view name) {
  for (const auto& [s, n] : kNames) {
    if (n == name) return s;
  }
  return std::nullopt;
}

bool IsFinal(FileState state) {
  return state == FileState::kDone || state == FileState::kFailed || state == FileState::kExpired;
}

Result<InboxStore> InboxStore::Open(const std::string& path) {
  {
    auto journal = Journal::Open(path);  // creates or migrates the tables inbox_files refers to
    if (!journal) return std::unexpected(std::move(journal.error()));
  }
  auto db = sqlite::Database::Open(path);
  if (!db) return std::unexpected(std::move(db.error()));
  for (std::string_view sql :
       {"PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON", "PRAGMA busy_timeout=5000"}) {
    if (Status s = db->Exec(sql); !s) return std::unexpected(std::move(s.error()));
  }
  {
    sqlite::Transaction tx(*db);
    if (!tx.begun()) return std::unexpected(tx.begun().error());
    if (Status s = db->Exec(kInboxSchema); !s) return std::unexpected(std::move(s.error()));
    if (Status s = tx.Commit(); !s) return std::unexpected(std::move(s.error()));
  }
  return InboxStore(std::move(*db));
}

Result<FileRecord> InboxStore::Receive(const std::string& name, const std::string& sha256,
                                       std::int64_t file_mtime) {
  sqlite::Transaction tx(db_);
  if (!tx.begun()) return std::unexpected(tx.begun().error());
  std::optional<FileRecord> earlier;
  if (!sha256.empty()) {
    auto find =
        db_.Prepare("SELECT " + std::string(kColumns) +
                    " FROM inbox_files WHERE sha256 = ?1 AND duplicate_of IS NULL ORDER BY id LIMIT 1");
    if (!find) return std::unexpected(std::move(find.error()));
    find->Bind(1, sha256);
    auto row = find->Step();
    if (!row) return std::unexpected(std::move(row.error()));
    if (*row) earlier = ReadRecord(*find);
  }
  const std::string now = UtcNow();
  auto insert = db_.Prepare(
      "INSERT INTO inbox_files(name, sha256, received_at, updated_at, file_mtime, state) "
      "VALUES (?1, ?2, ?3, ?3, ?4, 'received')");
  if (!insert) return std::unexpected(std::move(insert.error()));
  insert->Bind(1, name).Bind(2, sha256).Bind(3, now).Bind(4, file_mtime);
  if (Status s = insert->Run(); !s) return std::unexpected(std::move(s.error()));
  FileRecord r;
  r.id = db_.LastInsertId();
  r.name = name;
  r.stored_name = Layout::StoredName(r.id, name);
  r.sha256 = sha256;
  r.received_at = r.updated_at = now;
  r.file_mtime = file_mtime;
  if (earlier) {
    r.state = FileState::kDone;
    r.duplicate_of = earlier->id;
    r.run_id = earlier->run_id;
    r.error = "same content (SHA-256) as file " + std::to_string(earlier->id) + " (" + earlier->name +
              ", received " + earlier->received_at + "): not written again";
  }
  if (Status s = Update(r); !s) return std::unexpected(std::move(s.error()));
  if (Status s = tx.Commit(); !s) return std::unexpected(std::move(s.error()));
  return r;
}

Status InboxStore::Update(const FileRecord& r) {
  auto update = db_.Prepare(
      "UPDATE inbox_files SET stored_name = ?2, sha256 = ?3, updated_at = ?4, file_mtime = ?5, state = ?6, "
      "waits_for = ?7, approved = ?8, run_id = ?9, duplicate_of = ?10, error = ?11, rows = ?12, changes = "
      "?13, "
      "refused = ?14, users_done = ?15, users_pending = ?16, users_wrong = ?17 WHERE id = ?1");
  if (!update) return std::unexpected(std::move(update.error()));
  update->Bind(1, r.id)
      .Bind(2, r.stored_name)
      .Bind(3, r.sha256)
      .Bind(4, UtcNow())
      .Bind(5, r.file_mtime)
      .Bind(6, FileStateName(r.state))
      .Bind(7, r.waits_for)
      .Bind(8, std::int64_t{r.approved ? 1 : 0})
      .Bind(9, r.run_id)
      .Bind(10, r.duplicate_of)
      .Bind(11, r.error)
      .Bind(12, r.rows)
      .Bind(13, r.changes)
      .Bind(14, r.refused)
      .Bind(15, r.users_done)
      .Bind(16, r.users_pending)
      .Bind(17, r.users_wrong);
  return update->Run();
}

Result<std::optional<FileRecord>> InboxStore::Get(FileId id) {
  auto st = db_.Prepare("SELECT " + std::string(kColumns) + " FROM inbox_files WHERE id = ?1");
  if (!st) return std::unexpected(std::move(st.error()));
  st->Bind(1, id);
  auto row = st->Step();
  if (!row) return std::unexpected(std::move(row.error()));
  if (!*row) return std::optional<FileRecord>();
  return std::optional<FileRecord>(ReadRecord(*st));
}

Result<std::vector<FileRecord>> InboxStore::List() {
  auto st = db_.Prepare("SELECT " + std::string(kColumns) + " FROM inbox_files ORDER BY id");
  if (!st) return std::unexpected(std::move(st.error()));
  std::vector<FileRecord> out;
  for (;;) {
    auto row = st->Step();
    if (!row) return std::unexpected(std::move(row.error()));
    if (!*row) break;
    out.push_back(ReadRecord(*st));
  }
  return out;
}

Result<FileRecord> InboxStore::Approve(FileId id) {
  auto found = Get(id);
  if (!found) return std::unexpected(std::move(found.error()));
  if (!*found)
    return Fail(Errc::kInvalidInput, "no inbox file " + std::to_string(id), "see ctim-agent status");
  FileRecord r = std::move(**found);
  if (r.state != FileState::kAwaitingApproval) {
    return Fail(Errc::kInvalidInput,
                "inbox file " + std::to_string(id) + " (" + r.name + ") is " +
                    std::string(FileStateName(r.state)) + ", not awaiting approval",
                "see ctim-agent status");
  }
  r.approved = true;
  if (Status s = Update(r); !s) return std::unexpected(std::move(s.error()));
  return r;
}

}  // namespace ctim::agent::inbox
