#include "agent/journal/journal.h"

#include <time.h>

#include <chrono>
#include <cstdio>

#include "common/iso8601.h"

namespace ctim::agent {
namespace {

constexpr int kSchemaVersion = 1;

// doc/journal-format.md describes every table and column; change both together.
constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('write', 'rollback')),
  state       TEXT NOT NULL,
  started_at  TEXT NOT NULL,
  finished_at TEXT NOT NULL DEFAULT '',
  file_path   TEXT NOT NULL DEFAULT '',
  file_sha256 TEXT NOT NULL DEFAULT '',
  options     TEXT NOT NULL DEFAULT '{}',
  rollback_of INTEGER REFERENCES runs(id),
  summary     TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS intents (
  id          INTEGER PRIMARY KEY,
  run_id      INTEGER NOT NULL REFERENCES runs(id),
  attempt     INTEGER NOT NULL,
  row         INTEGER NOT NULL,
  object_guid TEXT NOT NULL,
  dn          TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  target_object_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS intents_by_run ON intents(run_id);
CREATE INDEX IF NOT EXISTS intents_by_object ON intents(object_guid);
CREATE TABLE IF NOT EXISTS changes (
  id                INTEGER PRIMARY KEY,
  intent_id         INTEGER NOT NULL REFERENCES intents(id),
  seq               INTEGER NOT NULL,
  attribute         TEXT NOT NULL,
  op                TEXT NOT NULL CHECK (op IN ('add_values', 'delete_values', 'set', 'replace')),
  reverts_change_id INTEGER REFERENCES changes(id)
);
CREATE INDEX IF NOT EXISTS changes_by_intent ON changes(intent_id);
CREATE INDEX IF NOT EXISTS changes_by_reverts ON changes(reverts_change_id);
CREATE TABLE IF NOT EXISTS change_values (
  change_id INTEGER NOT NULL REFERENCES changes(id),
  side      TEXT NOT NULL CHECK (side IN ('before', 'after')),
  seq       INTEGER NOT NULL,
  value     BLOB NOT NULL,
  PRIMARY KEY (change_id, side, seq)
);
CREATE TABLE IF NOT EXISTS outcomes (
  id        INTEGER PRIMARY KEY,
  intent_id INTEGER NOT NULL REFERENCES intents(id),
  run_id    INTEGER NOT NULL REFERENCES runs(id),
  at        TEXT NOT NULL,
  state     TEXT NOT NULL CHECK (state IN ('written', 'failed', 'conflict', 'confirmed', 'mismatch',
                                            'not_written', 'diverged')),
  detail    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS outcomes_by_intent ON outcomes(intent_id);
CREATE TABLE IF NOT EXISTS verifications (
  run_id      INTEGER NOT NULL REFERENCES runs(id),
  object_guid TEXT NOT NULL,
  target_object_id TEXT NOT NULL DEFAULT '',
  row         INTEGER NOT NULL DEFAULT 0,
  status      TEXT NOT NULL CHECK (status IN ('done', 'pending', 'wrong')),
  detail      TEXT NOT NULL DEFAULT '',
  checked_at  TEXT NOT NULL,
  first_sync_after_write TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (run_id, object_guid)
);
CREATE TABLE IF NOT EXISTS verify_passes (
  id          INTEGER PRIMARY KEY,
  run_id      INTEGER NOT NULL REFERENCES runs(id),
  at          TEXT NOT NULL,
  done        INTEGER NOT NULL,
  pending     INTEGER NOT NULL,
  wrong       INTEGER NOT NULL,
  tenant_last_sync TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS verify_passes_by_run ON verify_passes(run_id);
CREATE TABLE IF NOT EXISTS row_findings (
  id          INTEGER PRIMARY KEY,
  run_id      INTEGER NOT NULL REFERENCES runs(id),
  row         INTEGER NOT NULL,
  label       TEXT NOT NULL DEFAULT '',
  target_object_id TEXT NOT NULL DEFAULT '',
  rule        TEXT NOT NULL,
  severity    TEXT NOT NULL,
  message     TEXT NOT NULL DEFAULT '',
  hint        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS row_findings_by_run ON row_findings(run_id);
CREATE TABLE IF NOT EXISTS migration_jobs (
  id          INTEGER PRIMARY KEY,
  run_id      INTEGER NOT NULL REFERENCES runs(id),
  job_id      TEXT NOT NULL,
  users_key   TEXT NOT NULL,
  created_at  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS migration_jobs_by_run ON migration_jobs(run_id);
)sql";

// Additive changes to schema version 1, applied to journals created before them. Older ctim-agent versions
// ignore the added column and table, so the version stays 1.
constexpr std::string_view kIntentsTargetColumn = "target_object_id";
constexpr std::string_view kAddIntentsTargetColumn =
    "ALTER TABLE intents ADD COLUMN target_object_id TEXT NOT NULL DEFAULT ''";

}  // namespace

std::string_view RunKindName(RunKind kind) { return kind == RunKind::kWrite ? "write" : "rollback"; }

std::string_view RunStateName(RunState state) {
  switch (state) {
    case RunState::kRunning: return "running";
    case RunState::kFinished: return "finished";
    case RunState::kStopped: return "stopped";
    case RunState::kFailed: return "failed";
    case RunState::kInterrupted: return "interrupted";
  }
  return "?";
}

std::string_view OutcomeStateName(OutcomeState state) {
  switch (state) {
    case OutcomeState::kWritten: return "written";
    case OutcomeState::kFailed: return "failed";
    case OutcomeState::kConflict: return "conflict";
    case OutcomeState::kConfirmed: return "confirmed";
    case OutcomeState::kMismatch: return "mismatch";
    case OutcomeState::kNotWritten: return "not_written";
    case OutcomeState::kDiverged: return "diverged";
  }
  return "?";
}

std::string UtcNow() {
  return FormatUtcIso8601(std::chrono::system_clock::now(), UtcPrecision::kMilliseconds);
}

std::optional<OutcomeState> IntentView::Latest() const {
  if (outcomes.empty()) return std::nullopt;
  return outcomes.back().state;
}

bool IntentView::HasOutcome(OutcomeState state) const {
  for (const OutcomeEntry& o : outcomes) {
    if (o.state == state) return true;
  }
  return false;
}

Result<Journal> Journal::Open(const std::string& path) {
  auto db = sqlite::Database::Open(path);
  if (!db) return std::unexpected(std::move(db.error()));
  Journal journal(std::move(*db));
  if (Status migrated = journal.Migrate(); !migrated) return std::unexpected(std::move(migrated.error()));
  return journal;
}

Status Journal::Migrate() {
  // WAL: readers (`runs`, `show`) never block the writer. synchronous=FULL: an intent is on disk before its
  // modify is sent, even across a power loss, not only across a process crash. cache_size 32 MiB (used only
  // as the file grows): replaying a 20,000-user run's inserts into this schema with SQLite's 2 MiB default,
  // the last batches of intents took a third longer than the first (random objectGUIDs in
  // intents_by_object); with 32 MiB they stayed flat.
  for (std::string_view pragma : {"PRAGMA busy_timeout=5000", "PRAGMA synchronous=FULL",
                                  "PRAGMA foreign_keys=ON", "PRAGMA cache_size=-32768"}) {
    if (Status s = db_.Exec(pragma); !s) return s;
  }
  if (Status wal = sqlite::EnableWal(db_); !wal) return wal;
  sqlite::Transaction tx(db_);
  if (!tx.begun()) return tx.begun();
  if (Status s = db_.Exec(kSchema); !s) return s;
  auto has_column = HasColumn("intents", kIntentsTargetColumn);
  if (!has_column) return std::unexpected(std::move(has_column.error()));
  if (!*has_column) {
    if (Status s = db_.Exec(kAddIntentsTargetColumn); !s) return s;
  }
  auto version = db_.Prepare("SELECT value FROM meta WHERE key = 'schema_version'");
  if (!version) return std::unexpected(std::move(version.error()));
  auto row = version->Step();
  if (!row) return std::unexpected(std::move(row.error()));
  if (*row) {
    const std::string found = version->Text(0);
    if (found != std::to_string(kSchemaVersion)) {
      return Fail(Errc::kInvalidInput,
                  "journal " + db_.path() + " has schema version " + found + ", this ctim-agent knows " +
                      std::to_string(kSchemaVersion),
                  "use the ctim-agent version that wrote this journal, or another --journal");
    }
  } else {
    auto insert = db_.Prepare("INSERT INTO meta(key, value) VALUES ('schema_version', ?1)");
    if (!insert) return std::unexpected(std::move(insert.error()));
    if (Status s = insert->Bind(1, std::to_string(kSchemaVersion)).Run(); !s) return s;
  }
  return tx.Commit();
}

Result<bool> Journal::HasColumn(std::string_view table, std::string_view column) {
  auto st = db_.Prepare("SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2");
  if (!st) return std::unexpected(std::move(st.error()));
  st->Bind(1, table).Bind(2, column);
  return st->Step();
}

Status Journal::LockForWriting() {
  if (writer_lock_ || db_.path() == ":memory:") return {};
  auto lock = sqlite::Database::Open(db_.path() + ".lock");
  if (!lock) return std::unexpected(std::move(lock.error()));
  // EXCLUSIVE locking mode keeps the write lock after COMMIT until the connection closes; the OS drops it
  // when the process dies, so a crashed run never blocks the next one.
  for (std::string_view sql : {"PRAGMA busy_timeout=0", "PRAGMA locking_mode=EXCLUSIVE",
                               "CREATE TABLE IF NOT EXISTS holder(pid INTEGER)", "BEGIN EXCLUSIVE"}) {
    if (Status s = lock->Exec(sql); !s) {
      // Only a busy lock means another writer; anything else (a lock file this user may not write, a
      // read-only folder) is reported as it is.
      if (s.error().code != Errc::kUnavailable) {
        return std::unexpected(std::move(s.error()).With("lock file"));
      }
      return Fail(Errc::kUnavailable,
                  "journal " + db_.path() + " is in use by another ctim-agent write or rollback",
                  "wait for it to finish (see `ctim-agent runs`), or use another journal");
    }
  }
  if (Status s = lock->Exec("DELETE FROM holder; COMMIT"); !s) return s;
  writer_lock_.emplace(std::move(*lock));
  return {};
}

Result<RunId> Journal::BeginRun(const RunInfo& info) {
  if (Status locked = LockForWriting(); !locked) return std::unexpected(std::move(locked.error()));
  auto insert = db_.Prepare(
      "INSERT INTO runs(kind, state, started_at, file_path, file_sha256, options, rollback_of) "
      "VALUES (?1, 'running', ?2, ?3, ?4, ?5, ?6)");
  if (!insert) return std::unexpected(std::move(insert.error()));
  insert->Bind(1, RunKindName(info.kind))
      .Bind(2, UtcNow())
      .Bind(3, info.file_path)
      .Bind(4, info.file_sha256)
      .Bind(5, info.options_json)
      .Bind(6, info.rollback_of);
  if (Status s = insert->Run(); !s) return std::unexpected(std::move(s.error()));
  return db_.LastInsertId();
}

Status Journal::FinishRun(RunId run, RunState state, std::string_view summary) {
  auto update = db_.Prepare("UPDATE runs SET state = ?2, finished_at = ?3, summary = ?4 WHERE id = ?1");
  if (!update) return std::unexpected(std::move(update.error()));
  update->Bind(1, run).Bind(2, RunStateName(state)).Bind(3, UtcNow()).Bind(4, summary);
  return update->Run();
}

Result<int> Journal::MarkInterruptedRuns(RunId current) {
  auto update = db_.Prepare("UPDATE runs SET state = 'interrupted' WHERE state = 'running' AND id <> ?1");
  if (!update) return std::unexpected(std::move(update.error()));
  if (Status s = update->Bind(1, current).Run(); !s) return std::unexpected(std::move(s.error()));
  return db_.Changes();
}

Result<std::vector<IntentId>> Journal::RecordIntents(RunId run, std::span<const IntentToRecord> intents) {
  sqlite::Transaction tx(db_);
  if (!tx.begun()) return std::unexpected(tx.begun().error());
  auto intent_stmt = db_.Prepare(
      "INSERT INTO intents(run_id, attempt, row, object_guid, dn, recorded_at, target_object_id) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  auto change_stmt = db_.Prepare(
      "INSERT INTO changes(intent_id, seq, attribute, op, reverts_change_id) VALUES (?1, ?2, ?3, ?4, ?5)");
  auto value_stmt = db_.Prepare("INSERT INTO change_values(change_id, side, seq, value) VALUES (?1, ?2, ?3, ?4)");
  if (!intent_stmt) return std::unexpected(std::move(intent_stmt.error()));
  if (!change_stmt) return std::unexpected(std::move(change_stmt.error()));
  if (!value_stmt) return std::unexpected(std::move(value_stmt.error()));
  const std::string now = UtcNow();
  std::vector<IntentId> ids;
  ids.reserve(intents.size());
  for (const IntentToRecord& intent : intents) {
    const ChangeSet& cs = intent.change_set;
    intent_stmt->Bind(1, run)
        .Bind(2, std::int64_t{intent.attempt})
        .Bind(3, static_cast<std::int64_t>(cs.row))
        .Bind(4, cs.object_guid.ToString())
        .Bind(5, cs.dn)
        .Bind(6, now)
        .Bind(7, cs.target_object_id ? cs.target_object_id->ToString() : std::string());
    if (Status s = intent_stmt->Run(); !s) return std::unexpected(std::move(s.error()));
    const IntentId intent_id = db_.LastInsertId();
    ids.push_back(intent_id);
    for (std::size_t i = 0; i < cs.changes.size(); ++i) {
      const AttributeChange& c = cs.changes[i];
      const std::optional<ChangeId> reverts = i < intent.reverts.size() ? intent.reverts[i] : std::nullopt;
      change_stmt->Bind(1, intent_id)
          .Bind(2, static_cast<std::int64_t>(i))
          .Bind(3, c.attribute)
          .Bind(4, ChangeKindName(c.kind))
          .Bind(5, reverts);
      if (Status s = change_stmt->Run(); !s) return std::unexpected(std::move(s.error()));
      const ChangeId change_id = db_.LastInsertId();
      for (const auto& [side, values] : {std::pair{"before", &c.before}, std::pair{"after", &c.after}}) {
        for (std::size_t v = 0; v < values->size(); ++v) {
          value_stmt->Bind(1, change_id)
              .Bind(2, std::string_view(side))
              .Bind(3, static_cast<std::int64_t>(v))
              .BindBlob(4, (*values)[v]);
          if (Status s = value_stmt->Run(); !s) return std::unexpected(std::move(s.error()));
        }
      }
    }
  }
  if (Status s = tx.Commit(); !s) return std::unexpected(std::move(s.error()));
  return ids;
}

Status Journal::RecordOutcomes(RunId run, std::span<const OutcomeToRecord> outcomes) {
  if (outcomes.empty()) return {};
  sqlite::Transaction tx(db_);
  if (!tx.begun()) return tx.begun();
  auto insert = db_.Prepare("INSERT INTO outcomes(intent_id, run_id, at, state, detail) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!insert) return std::unexpected(std::move(insert.error()));
  const std::string now = UtcNow();
  for (const OutcomeToRecord& o : outcomes) {
    insert->Bind(1, o.intent).Bind(2, run).Bind(3, now).Bind(4, OutcomeStateName(o.state)).Bind(5, o.detail);
    if (Status s = insert->Run(); !s) return s;
  }
  return tx.Commit();
}

}  // namespace ctim::agent
