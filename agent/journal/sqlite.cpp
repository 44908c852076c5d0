#include "agent/journal/sqlite.h"

namespace ctim::agent::sqlite {
namespace {

Errc CodeFor(int rc) {
  switch (rc & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
      return Errc::kUnavailable;  // the disk may be freed: rerun; the journal stays consistent
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN: return Errc::kPermissionDenied;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return Errc::kInvalidInput;
    default: return Errc::kInternal;
  }
}

std::string_view Hint(int rc) {
  switch (rc & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return "another ctim-agent is writing this journal; wait for it or use another --journal";
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN: return "check the journal path exists and is writable by this user";
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return "the journal file is damaged or not a journal; keep it for inspection and use another";
    case SQLITE_FULL:
      return "free disk space on the journal's file system and rerun: nothing was sent to AD without its "
             "intent journaled, and the next run resolves the rest";
    default: return "";
  }
}

}  // namespace

Statement& Statement::Bind(int index, std::int64_t value) {
  if (bind_error_ && sqlite3_bind_int64(stmt_.get(), index, value) != SQLITE_OK) bind_error_ = std::unexpected(db_->LastError(sql_));
  return *this;
}

Statement& Statement::Bind(int index, std::string_view text) {
  if (bind_error_ && sqlite3_bind_text64(stmt_.get(), index, text.data(), text.size(), SQLITE_TRANSIENT,
                                         SQLITE_UTF8) != SQLITE_OK) {
    bind_error_ = std::unexpected(db_->LastError(sql_));
  }
  return *this;
}

Statement& Statement::BindBlob(int index, std::string_view bytes) {
  // A zero-length blob must still be a BLOB, not NULL: pass a non-null pointer.
  static const char kEmpty = 0;
  const void* data = bytes.empty() ? &kEmpty : bytes.data();
  if (bind_error_ && sqlite3_bind_blob64(stmt_.get(), index, data, bytes.size(), SQLITE_TRANSIENT) != SQLITE_OK) {
    bind_error_ = std::unexpected(db_->LastError(sql_));
  }
  return *this;
}

Statement& Statement::BindNull(int index) {
  if (bind_error_ && sqlite3_bind_null(stmt_.get(), index) != SQLITE_OK) bind_error_ = std::unexpected(db_->LastError(sql_));
  return *this;
}

Statement& Statement::Bind(int index, const std::optional<std::int64_t>& value) {
  return value ? Bind(index, *value) : BindNull(index);
}

Result<bool> Statement::Step() {
  if (!bind_error_) return std::unexpected(bind_error_.error());
  const int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return std::unexpected(db_->LastError(sql_));
}

Status Statement::Run() {
  auto stepped = Step();
  Reset();
  if (!stepped) return std::unexpected(stepped.error());
  return {};
}

void Statement::Reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
  bind_error_ = {};
}

std::int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_.get(), column); }

std::string Statement::Text(int column) const {
  const auto* text = sqlite3_column_text(stmt_.get(), column);
  const int n = sqlite3_column_bytes(stmt_.get(), column);
  return text == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(n));
}

std::string Statement::Blob(int column) const {
  const void* data = sqlite3_column_blob(stmt_.get(), column);
  const int n = sqlite3_column_bytes(stmt_.get(), column);
  return data == nullptr ? std::string() : std::string(static_cast<const char*>(data), static_cast<std::size_t>(n));
}

bool Statement::IsNull(int column) const { return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL; }

Result<Database> Database::Open(const std::string& path, const char* vfs) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, vfs);
  DbHandle db(raw);  // adopt first, then judge: sqlite3_open_v2 allocates a handle even on failure
  if (rc != SQLITE_OK) {
    const char* msg = raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    return Fail(CodeFor(rc), "open journal " + path + ": " + msg, std::string(Hint(rc)));
  }
  sqlite3_extended_result_codes(raw, 1);
  return Database(std::move(db), path);
}

Status Database::Exec(std::string_view sql) {
  const std::string text(sql);
  char* raw_msg = nullptr;
  const int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &raw_msg);
  const std::unique_ptr<char, CFree<&sqlite3_free>> msg(raw_msg);
  if (rc != SQLITE_OK) {
    return Fail(CodeFor(rc), "journal " + path_ + ": " + text.substr(0, 60) + ": " + (msg ? msg.get() : sqlite3_errstr(rc)),
                std::string(Hint(rc)));
  }
  return {};
}

Result<Statement> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
  StmtHandle stmt(raw);
  if (rc != SQLITE_OK) return std::unexpected(LastError(sql));
  return Statement(*this, std::move(stmt), std::string(sql));
}

Error Database::LastError(std::string_view what) const {
  const int rc = sqlite3_extended_errcode(db_.get());
  return Error{CodeFor(rc),
               "journal " + path_ + ": " + std::string(what.substr(0, 60)) + ": " + sqlite3_errmsg(db_.get()),
               std::string(Hint(rc))};
}

Transaction::Transaction(Database& db) : db_(db), begun_(db.Exec("BEGIN IMMEDIATE")) {}

Transaction::~Transaction() {
  if (begun_ && !done_) (void)db_.Exec("ROLLBACK");
}

Status Transaction::Commit() {
  if (!begun_) return begun_;
  Status committed = db_.Exec("COMMIT");
  if (committed) done_ = true;
  return committed;
}

ReadTransaction::ReadTransaction(Database& db) : db_(db) {
  if (db_.InTransaction()) return;
  begun_ = db_.Exec("BEGIN");
  owned_ = static_cast<bool>(begun_);
}

ReadTransaction::~ReadTransaction() {
  if (owned_) (void)db_.Exec("COMMIT");  // it wrote nothing: COMMIT only ends the snapshot
}

Status EnableWal(Database& db) {
  auto pragma = db.Prepare("PRAGMA journal_mode=WAL");
  if (!pragma) return std::unexpected(std::move(pragma.error()));
  auto row = pragma->Step();
  if (!row) return std::unexpected(std::move(row.error()));
  const std::string mode = *row ? pragma->Text(0) : std::string("(no answer)");
  if (mode == "wal" || (mode == "memory" && db.path() == ":memory:")) return {};
  return Fail(
      Errc::kInvalidInput,
      "journal " + db.path() + ": SQLite did not enable WAL (journal_mode stays '" + mode +
          "'), so `show`/`verify` could block a running write and a reader could see a run half-recorded",
      "put the journal on a local file system (WAL needs shared memory, which network file systems "
      "do not provide): set [agent] journal or --journal");
}

}  // namespace ctim::agent::sqlite
