// Microsoft Graph v1.0 cross-tenant migration jobs, as plain values (doc/migration-validation.md): the job
// ctim-agent creates and validates, and the per-user tasks carrying Microsoft's verdict. Strings are empty
// where Graph returned null or omitted the property.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace ctim::sync {

// What POST /solutions/migrations/crossTenantMigrationJobs is given.
struct MigrationJobRequest {
  std::string display_name;
  std::string source_tenant_id;
  std::string target_tenant_id;
  std::vector<std::string> resources;  // the users' Entra object ids (INFERRED: target ids)
  std::string complete_after;          // UTC ISO 8601
};

// crossTenantMigrationJob, the properties verify reads.
struct MigrationJob {
  std::string id;
  std::string display_name;
  std::string status;  // "submitted", "validatePassed", "validateFailed", ... as Graph wrote it
  std::string message;
  std::string created;  // createdDateTime as Graph wrote it
  // Retry-After of the answer that carried this job (a poll waits that long), when Graph sent one.
  std::optional<std::chrono::milliseconds> retry_after;
  friend bool operator==(const MigrationJob&, const MigrationJob&) = default;
};

// microsoft.graph.error inside a service status.
struct MigrationError {
  std::string code;
  std::string message;
  friend bool operator==(const MigrationError&, const MigrationError&) = default;
};

// crossTenantMigrationServiceStatusDetails: one workload's status for one task.
struct MigrationServiceStatus {
  std::string service;
  std::string status;  // "valid", "invalid", "error", "notStarted", ...
  std::string message;
  std::vector<MigrationError> errors;
  friend bool operator==(const MigrationServiceStatus&, const MigrationServiceStatus&) = default;
};

// crossTenantMigrationTask: one user of the job.
struct MigrationTask {
  std::string id;  // the resource's id (GUID)
  std::string task_type;
  std::string last_updated;
  std::vector<MigrationServiceStatus> current_status;
  friend bool operator==(const MigrationTask&, const MigrationTask&) = default;
};

}  // namespace ctim::sync
