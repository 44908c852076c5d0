// The inbox pipeline's state, one row per file taken from the inbox, in the journal (table `inbox_files`,
// doc/journal-format.md), so a restart or a kill -9 resumes every file where it was:
//   received -> checked -> planned -> [awaiting_approval] -> writing -> written -> verifying
//            -> done | failed | expired
// The write itself goes through agent/apply/writer.h (its own intents and outcomes); this table only says which
// step a file is at and which run wrote it. Not thread-safe: one InboxStore per thread; other processes
// (`status`, `approve`) may open the same journal at the same time (WAL).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/journal/journal.h"
#include "agent/journal/sqlite.h"
#include "common/result.h"

namespace ctim::agent::inbox {

using FileId = std::int64_t;

enum class FileState {
  kReceived,          // taken from the inbox into processed/, SHA-256 known
  kChecked,           // read as a CTIM file (file-level errors would have failed it)
  kPlanned,           // planned against AD; the plan is in the outbox
  kAwaitingApproval,  // held: waits for `ctim-agent approve ID` or "<name>.approve"
  kWriting,           // the write may have started (a restart writes again: the journal resolves)
  kWritten,           // the write run finished
  kVerifying,         // the cloud is polled for the run's users
  kDone,              // every user verified DONE or WRONG (or nothing to verify; or a duplicate)
  kFailed,            // not a readable CTIM file: in failed/ with an error file
  kExpired,           // users still pending at the verify deadline
};
[[nodiscard]] std::string_view FileStateName(FileState state);
[[nodiscard]] std::optional<FileState> ParseFileState(std::string_view name);
[[nodiscard]] bool IsFinal(FileState state);

struct FileRecord {
  FileId id = 0;
  std::string name;         // as it arrived in the inbox
  std::string stored_name;  // "<id>-<name>" in processed/ (or failed/) and the outbox
  std::string sha256;       // hex; empty when the file could not be read
  std::string received_at, updated_at;
  std::int64_t file_mtime = 0;  // seconds since the epoch, as the file had it when it arrived
  FileState state = FileState::kReceived;
  std::string waits_for;  // what the file waits for (approval and why, AD, the cloud); empty when nothing
  bool approved = false;
  std::optional<RunId> run_id;
  std::optional<FileId> duplicate_of;
  std::string error;  // why it failed; for a duplicate, the note saying of which file
  std::int64_t rows = 0, changes = 0, refused = 0;
  std::int64_t users_done = 0, users_pending = 0, users_wrong = 0;
};

class InboxStore {
 public:
  // Opens the journal at `path` (creating it and migrating its schema, agent/journal/journal.h), and the inbox table.
  [[nodiscard]] static Result<InboxStore> Open(const std::string& path);

  // Records a file just taken: state received, or (same SHA-256 as an earlier file) state done with
  // duplicate_of set. The stored name is derived from the new id.
  [[nodiscard]] Result<FileRecord> Receive(const std::string& name, const std::string& sha256,
                                           std::int64_t file_mtime);
  [[nodiscard]] Status Update(const FileRecord& record);  // every column but id, name, received_at
  [[nodiscard]] Result<std::optional<FileRecord>> Get(FileId id);
  [[nodiscard]] Result<std::vector<FileRecord>> List();  // by id
  // `approve ID`: sets approved on a file awaiting approval. kInvalidInput when there is no such file or it
  // does not wait for approval (the message says its state).
  [[nodiscard]] Result<FileRecord> Approve(FileId id);

 private:
  explicit InboxStore(sqlite::Database db) : db_(std::move(db)) {}
  sqlite::Database db_;
};

}  // namespace ctim::agent::inbox
