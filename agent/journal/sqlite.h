// Thin RAII over the SQLite C API for the journal: one owner per handle, errors as values naming the SQL and
// SQLite's own message. Not thread-safe: a Database and its statements belong to one thread.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/c_free.h"
#include "common/result.h"

namespace ctim::agent::sqlite {

using DbHandle = std::unique_ptr<sqlite3, CFree<&sqlite3_close_v2>>;
using StmtHandle = std::unique_ptr<sqlite3_stmt, CFree<&sqlite3_finalize>>;

class Database;

// A prepared statement. Bind indexes are 1-based, column indexes 0-based (as in SQLite).
class Statement {
 public:
  Statement(Database& db, StmtHandle stmt, std::string sql) : db_(&db), stmt_(std::move(stmt)), sql_(std::move(sql)) {}

  Statement& Bind(int index, std::int64_t value);
  Statement& Bind(int index, std::string_view text);  // TEXT
  Statement& BindBlob(int index, std::string_view bytes);
  Statement& BindNull(int index);
  Statement& Bind(int index, const std::optional<std::int64_t>& value);

  // Runs one step: true when a row is available, false when done.
  [[nodiscard]] Result<bool> Step();
  // Steps to completion (for statements without rows), then resets for reuse.
  [[nodiscard]] Status Run();
  void Reset();

  [[nodiscard]] std::int64_t Int(int column) const;
  [[nodiscard]] std::string Text(int column) const;
  [[nodiscard]] std::string Blob(int column) const;
  [[nodiscard]] bool IsNull(int column) const;

 private:
  Database* db_;
  StmtHandle stmt_;
  std::string sql_;
  Status bind_error_;
};

class Database {
 public:
  // Opens (creating) the file. ":memory:" works for tests. `vfs`: SQLite's OS layer by name (tests use
  // "unix-dotfile", which has no shared memory, to see WAL refused); nullptr = the default.
  [[nodiscard]] static Result<Database> Open(const std::string& path, const char* vfs = nullptr);

  [[nodiscard]] Status Exec(std::string_view sql);
  [[nodiscard]] Result<Statement> Prepare(std::string_view sql);
  [[nodiscard]] std::int64_t LastInsertId() const { return sqlite3_last_insert_rowid(db_.get()); }
  // Rows changed by the last INSERT/UPDATE/DELETE.
  [[nodiscard]] int Changes() const { return sqlite3_changes(db_.get()); }
  [[nodiscard]] Error LastError(std::string_view what) const;
  [[nodiscard]] const std::string& path() const { return path_; }
  // True while a transaction is open on this connection (BEGIN ... not yet COMMIT/ROLLBACK).
  [[nodiscard]] bool InTransaction() const { return sqlite3_get_autocommit(db_.get()) == 0; }

 private:
  Database(DbHandle db, std::string path) : db_(std::move(db)), path_(std::move(path)) {}
  DbHandle db_;
  std::string path_;
};

// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless Commit() succeeded. Neither copyable nor
// movable. Check ok() after constructing.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  [[nodiscard]] const Status& begun() const { return begun_; }
  [[nodiscard]] Status Commit();

 private:
  Database& db_;
  Status begun_;
  bool done_ = false;
};

// A read snapshot: BEGIN (deferred) on construction, COMMIT on destruction. Every query in between sees the
// file as one committed state, whatever another connection commits meanwhile; in WAL mode the snapshot
// blocks no writer and no writer blocks it (https://www.sqlite.org/isolation.html). Inside a transaction
// already open on this connection it does nothing (that transaction is the snapshot). Neither copyable
// nor movable. Check begun() after constructing.
class ReadTransaction {
 public:
  explicit ReadTransaction(Database& db);
  ~ReadTransaction();
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

  [[nodiscard]] const Status& begun() const { return begun_; }

 private:
  Database& db_;
  bool owned_ = false;
  Status begun_;
};

// PRAGMA journal_mode=WAL, and checks SQLite's answer: SQLite keeps the old mode, and says so instead of
// failing, where WAL cannot work (a VFS or file system without shared memory,
// https://www.sqlite.org/wal.html). kInvalidInput naming the mode SQLite kept. ":memory:" databases answer
// "memory", which is accepted.
[[nodiscard]] Status EnableWal(Database& db);

}  // namespace ctim::agent::sqlite
