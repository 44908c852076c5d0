// Records every verify pass's verdicts of a write run in the journal (tables verifications and
// verify_passes, doc/journal-format.md), so `show RUN`, the reports and the next verify see them. Used by
// `verify` and by the service's sweep.
#pragma once

#include <span>

#include "agent/journal/journal.h"
#include "agent/verify/migration_validation.h"
#include "agent/verify/verifier.h"

namespace ctim::agent {

// Each user's verdict goes to the run that wrote it (Expectation::run; `run` when unset), and each of those
// runs gets its own pass record with its own counts, so one `verify` can check several runs at once.
class JournalRecorder final : public VerifyObserver {
 public:
  JournalRecorder(Journal& journal, RunId run) : journal_(journal), run_(run) {}
  // A failure to record is logged once; the verdicts themselves stand.
  void OnPass(const VerifyReport& report, std::span<const std::size_t> changed) override;

 private:
  Journal& journal_;
  RunId run_;
  bool warned_ = false;
};

// The migration jobs `verify RUN --with-migration-validation` created (table migration_jobs).
class JournalMigrationJobStore final : public MigrationJobStore {
 public:
  JournalMigrationJobStore(Journal& journal, RunId run) : journal_(journal), run_(run) {}
  Result<std::optional<RecordedMigrationJob>> Find(const std::string& users_key) override;
  Status Record(const RecordedMigrationJob& job) override;

 private:
  Journal& journal_;
  RunId run_;
};

}  // namespace ctim::agent
