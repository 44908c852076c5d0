// The journal: an SQLite file (WAL, synchronous=FULL) that records every run, every intended change BEFORE
// it is sent to AD, and every outcome after, so that
//   - a crash (kill -9) at any moment leaves intents without outcomes, which the next run resolves by
//     re-reading the objects (ResolveInterrupted in agent/apply/journaled_apply.h);
//   - `rollback RUN` can compute the inverse of what a run wrote, with the exact prior values;
//   - `runs` / `show RUN` can tell what happened, per user.
// Schema and states: doc/journal-format.md. Not thread-safe: one thread at a time. A Journal may be handed to
// another thread when the hand-over is synchronised, as OverlappedApply does (it gives the Journal to its
// journal thread for one step and takes it back through the step's future before its caller's thread
// touches it again); it is never used by two threads at once. Other processes may
// read the file while a run writes it (WAL; Open fails if SQLite cannot enable it), each read of several
// queries in one snapshot (ReadSnapshot).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "agent/model/change_set.h"
#include "agent/journal/sqlite.h"
#include "agent/model/verify_status.h"
#include "common/result.h"

namespace ctim::agent {

using RunId = std::int64_t;
using IntentId = std::int64_t;
using ChangeId = std::int64_t;

enum class RunKind { kWrite, kRollback };
enum class RunState {
  kRunning,      // started, not finished (or the process died: see kInterrupted)
  kFinished,     // every row was handled (some may be refused or failed: see the outcomes)
  kStopped,      // a stop was requested; rows after the stop were not attempted
  kFailed,       // the run could not go on (AD or journal unreachable)
  kInterrupted,  // found still "running" by a later run: the process died
};

enum class OutcomeState {
  kWritten,      // the modify succeeded (or, after a crash, a re-read shows it was applied)
  kFailed,       // the modify failed for another reason than a conflict (detail: the server's words)
  kConflict,     // the compare-and-swap failed: the object changed since the plan; re-planned (new intent)
  kConfirmed,    // a re-read after the write shows AD holds exactly the planned values
  kMismatch,     // a re-read after the write shows something else (detail: what differs)
  kNotWritten,   // after a crash: a re-read shows the modify was never applied
  kDiverged,     // after a crash: a re-read shows neither the old nor the new values (someone else changed it)
};

[[nodiscard]] std::string_view RunKindName(RunKind kind);
[[nodiscard]] std::string_view RunStateName(RunState state);
[[nodiscard]] std::string_view OutcomeStateName(OutcomeState state);

struct RunInfo {
  RunKind kind = RunKind::kWrite;
  std::string file_path;
  std::string file_sha256;  // hex, computed by the caller
  std::string options_json = "{}";
  std::optional<RunId> rollback_of;
};

struct RunRecord {
  RunId id = 0;
  RunInfo info;
  RunState state = RunState::kRunning;
  std::string started_at;   // UTC ISO 8601
  std::string finished_at;  // empty while running
  std::string summary;
};

// An intent to record: one change set (one modify), and for a rollback the change each change undoes.
struct IntentToRecord {
  ChangeSet change_set;
  std::vector<std::optional<ChangeId>> reverts;  // empty, or one entry per change
  int attempt = 1;                               // 1, then 2.. after conflict re-plans
};

struct OutcomeEntry {
  OutcomeState state = OutcomeState::kWritten;
  std::string detail;
  std::string at;
  RunId recorded_by = 0;  // the run that recorded it (a later run, when resolved after a crash)
};

struct IntentView {
  IntentId id = 0;
  RunId run_id = 0;
  int attempt = 1;
  std::string recorded_at;
  ChangeSet change_set;
  std::vector<ChangeId> change_ids;                // parallel to change_set.changes
  std::vector<std::optional<ChangeId>> reverts;    // parallel to change_set.changes
  std::vector<OutcomeEntry> outcomes;              // in the order recorded

  [[nodiscard]] std::optional<OutcomeState> Latest() const;
  [[nodiscard]] bool HasOutcome(OutcomeState state) const;
};

struct OutcomeToRecord {
  IntentId intent = 0;
  OutcomeState state = OutcomeState::kWritten;
  std::string detail;
};

// The latest verification of one object of a write run: `verify RUN` records it after every pass (one
// row per object, replaced each time), `show RUN` prints it.
struct VerificationRecord {
  Guid object_guid;
  std::optional<Guid> target_object_id;
  std::size_t row = 0;
  VerifyStatus status = VerifyStatus::kPending;
  std::string detail;      // the reason, as the verify report prints it
  std::string checked_at;  // UTC ISO 8601 (filled in by RecordVerifications)
  // The tenant's first directory-sync time seen after the write (empty: none seen yet). A later `verify`
  // needs it to tell "synced once since the write" from "synced twice" (agent/verify/verify_classify.h).
  std::string first_sync_after_write;
};

// One `verify` pass over a write run: how many of its objects stood where after the pass, and the tenant's
// last directory sync the pass saw. `report RUN` plots them over time (agent/report/html_report.h).
struct VerifyPassRecord {
  std::string at;  // UTC ISO 8601 (RecordVerifyPass fills in now when empty)
  std::size_t done = 0;
  std::size_t pending = 0;
  std::size_t wrong = 0;
  std::string tenant_last_sync;  // UTC ISO 8601, '' when the tenant never synced
};

// A finding of the plan a write run executed (a refusal, a warning, an unmapped row), kept so that
// `report RUN` can list every refusal with its reason and fix after the fact. (journal_findings.cpp)
struct RowFindingRecord {
  std::size_t row = 0;
  std::string label;             // "row 17 (bob@fabrikam.com)"
  std::string target_object_id;  // '' when the row has none
  std::string rule;              // RuleCode: "R1".."R10", "unmapped"
  std::string severity;          // SeverityName
  std::string message;
  std::string hint;
};

// A crossTenantMigrationJob that `verify RUN --with-migration-validation` created in the tenant, so a later
// verify of the same run and users reuses it instead of creating another (doc/migration-validation.md).
struct MigrationJobRecord {
  std::string job_id;
  std::string users_key;   // which users it was created for (agent/verify/migration_validation.h)
  std::string created_at;  // UTC ISO 8601
};

class Journal {
 public:
  // Opens or creates the journal at `path` (":memory:" for tests) and brings the schema up to date.
  [[nodiscard]] static Result<Journal> Open(const std::string& path);

  // Starts a run. The first BeginRun of this Journal takes the journal's writer lock (a companion file
  // "<path>.lock", held until this Journal is destroyed or the process ends), so two write/rollback
  // processes can never interleave on one journal: the second gets Errc::kUnavailable.
  [[nodiscard]] Result<RunId> BeginRun(const RunInfo& info);
  [[nodiscard]] Status FinishRun(RunId run, RunState state, std::string_view summary);
  // Marks every run still "running", other than `current`, as interrupted. Returns how many.
  [[nodiscard]] Result<int> MarkInterruptedRuns(RunId current);

  // Records intents in ONE transaction (durable when this returns: synchronous=FULL). Returns their ids,
  // in order. Call BEFORE sending the modifies.
  [[nodiscard]] Result<std::vector<IntentId>> RecordIntents(RunId run, std::span<const IntentToRecord> intents);
  // Records outcomes in ONE transaction, as recorded by `run`.
  [[nodiscard]] Status RecordOutcomes(RunId run, std::span<const OutcomeToRecord> outcomes);

  // A read snapshot: every query of this Journal while the guard lives sees one committed state of the
  // file, whatever a running `write` commits meanwhile (`show`, `verify`: several queries, one consistent
  // answer). Take it for reading only; end it before recording anything.
  [[nodiscard]] Result<std::unique_ptr<sqlite::ReadTransaction>> ReadSnapshot();

  [[nodiscard]] Result<std::vector<RunRecord>> ListRuns();
  [[nodiscard]] Result<std::optional<RunRecord>> GetRun(RunId run);
  // Every intent of `run` with its changes and outcomes, in the order recorded.
  [[nodiscard]] Result<std::vector<IntentView>> RunIntents(RunId run);
  // Intents of any run whose fate is unknown: no outcome at all, or "written" but never confirmed or
  // contradicted (the process died before it re-read the object).
  [[nodiscard]] Result<std::vector<IntentView>> UnresolvedIntents();
  // Intents of `run` whose object a later intent (of any run, or a later attempt) has written since.
  [[nodiscard]] Result<std::vector<IntentId>> SupersededIntents(RunId run);
  // For each change of `run`: the rollback change that undid it, if a rollback wrote it successfully.
  [[nodiscard]] Result<std::vector<std::pair<ChangeId, RunId>>> RevertedChanges(RunId run);

  // Replaces the verification record of each object of `run`, in ONE transaction; checked_at = now.
  // Needs no writer lock: verify changes nothing in AD. (journal_verify.cpp)
  [[nodiscard]] Status RecordVerifications(RunId run, std::span<const VerificationRecord> records);
  // The verification records of `run`, in row order; empty when it was never verified.
  [[nodiscard]] Result<std::vector<VerificationRecord>> RunVerifications(RunId run);
  // Records the plan's findings for `run`, in ONE transaction. (journal_findings.cpp)
  [[nodiscard]] Status RecordRowFindings(RunId run, std::span<const RowFindingRecord> findings);
  // The findings of `run` in row order; empty for runs recorded before the table existed.
  [[nodiscard]] Result<std::vector<RowFindingRecord>> RunRowFindings(RunId run);
  // Appends one pass of `verify RUN`. (journal_verify.cpp)
  [[nodiscard]] Status RecordVerifyPass(RunId run, const VerifyPassRecord& pass);
  // Every recorded pass of `run`, oldest first.
  [[nodiscard]] Result<std::vector<VerifyPassRecord>> RunVerifyPasses(RunId run);
  // Appends a migration job of `run`; needs no writer lock. (journal_migration.cpp)
  [[nodiscard]] Status RecordMigrationJob(RunId run, const MigrationJobRecord& job);
  // The latest migration job of `run` created for `users_key`, if any.
  [[nodiscard]] Result<std::optional<MigrationJobRecord>> FindMigrationJob(RunId run, std::string_view users_key);

 private:
  explicit Journal(sqlite::Database db) : db_(std::move(db)) {}
  [[nodiscard]] Status Migrate();
  [[nodiscard]] Status LockForWriting();
  [[nodiscard]] Result<bool> HasColumn(std::string_view table, std::string_view column);
  [[nodiscard]] Result<std::vector<IntentView>> LoadIntents(std::string_view where, std::optional<std::int64_t> arg);

  sqlite::Database db_;
  std::optional<sqlite::Database> writer_lock_;
};

// UTC now as ISO 8601 with milliseconds, "2025-01-31T12:34:56.789Z".
[[nodiscard]] std::string UtcNow();

}  // namespace ctim::agent
