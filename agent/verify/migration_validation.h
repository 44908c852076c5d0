// `verify --with-migration-validation`: Microsoft's cross-tenant migration validation for the users DONE in
// our verdict, its per-user answer beside ours (doc/migration-validation.md). Creates ONE object in the
// tenant (a crossTenantMigrationJob) per run and set of users: the id is recorded (MigrationJobStore) before
// validating, and a later verify of the same run and users reuses it while its results are younger than seven
// days.
//
// Bounds: at most max_polls job reads and `timeout` in all; each wait is Graph's Retry-After when it sent
// one, else poll_interval, and never past the timeout. Every wait goes through ctim::SleepFor(stop).
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

#include "agent/verify/migration_validation_types.h"
#include "agent/verify/verifier.h"
#include "common/result.h"

namespace ctim::agent {

// A crossTenantMigrationJob as the domain sees it.
struct MigrationJobView {
  std::string id;
  std::string status;
  std::string message;
  std::optional<std::chrono::milliseconds> retry_after;
};

// One workload's status for one user, Microsoft's words.
struct MigrationServiceView {
  std::string service;
  std::string status;
  std::string message;
  std::vector<std::string> errors;  // "code: message"
};
struct MigrationTaskView {
  std::string id;
  std::vector<MigrationServiceView> services;
};

// The cloud side (agent/adapters/migration_validation_source.cpp). Errors as sync/ gives them, with hints
// naming the permission (403) or the cloud (404).
class MigrationValidationCloud {
 public:
  virtual ~MigrationValidationCloud() = default;
  virtual Result<MigrationJobView> CreateJob(const std::string& display_name, std::span<const Guid> users,
                                             std::stop_token stop) = 0;
  virtual Result<std::optional<MigrationJobView>> Validate(const std::string& job_id,
                                                           std::stop_token stop) = 0;
  virtual Result<MigrationJobView> GetJob(const std::string& job_id, std::stop_token stop) = 0;
  virtual Result<std::vector<MigrationTaskView>> Tasks(const std::string& job_id, std::stop_token stop) = 0;
};

// Where the job of a run is remembered (the journal's migration_jobs, doc/journal-format.md).
struct RecordedMigrationJob {
  std::string job_id;
  std::string users_key;   // MigrationUsersKey of the users it was created for
  std::string created_at;  // UTC ISO 8601
};
class MigrationJobStore {
 public:
  virtual ~MigrationJobStore() = default;
  // The latest job recorded for these users, if any.
  virtual Result<std::optional<RecordedMigrationJob>> Find(const std::string& users_key) = 0;
  virtual Status Record(const RecordedMigrationJob& job) = 0;
};

struct MigrationValidationOptions {
  std::string display_name = "ctim-agent verify";
  // The [cloud] preset. Microsoft documents the API for the global service only: any other preset is
  // answered without a call (doc/migration-validation.md).
  std::string cloud = "worldwide";
  int max_polls = 30;
  std::chrono::milliseconds timeout{std::chrono::minutes(10)};
  std::chrono::milliseconds poll_interval{std::chrono::seconds(10)};
  std::chrono::milliseconds results_expire{std::chrono::hours(24 * 7)};  // Microsoft: seven days
};

// "n=<count>;fnv1a64=<hex>" over the sorted ids: identifies a set of users in the journal. Pure.
[[nodiscard]] std::string MigrationUsersKey(std::span<const Guid> users);

// Microsoft's verdict for one task (doc/migration-validation.md, the mapping table). Pure.
[[nodiscard]] MicrosoftVerdict ClassifyMigrationTask(const MigrationTaskView& task);

// Runs Microsoft's check for the users DONE in `report` (none DONE: nothing is created). `store` may be null
// (a --file verify: no reuse). Never fails as a whole: what went wrong is in the result's `error`.
[[nodiscard]] MigrationValidation ValidateWithMicrosoft(MigrationValidationCloud& cloud,
                                                        const VerifyReport& report, MigrationJobStore* store,
                                                        const MigrationValidationOptions& options,
                                                        std::stop_token stop);

}  // namespace ctim::agent
