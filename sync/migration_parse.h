// Cross-tenant migration job JSON <-> plain values (doc/migration-validation.md). Pure; no I/O.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "sync/migration_types.h"

namespace ctim::sync {

// The create body: {"displayName","jobType","resourceType","resources","workloads","sourceTenantId",
// "targetTenantId","completeAfterDateTime"}.
[[nodiscard]] std::string MigrationJobBody(const MigrationJobRequest& request);

// A crossTenantMigrationJob; kInternal when the body is not one (no "id").
[[nodiscard]] Result<MigrationJob> ParseMigrationJob(std::string_view body);

// A page of GET .../{id}/users: {"value":[crossTenantMigrationTask...], "@odata.nextLink":"..."}.
struct MigrationTaskPage {
  std::vector<MigrationTask> tasks;
  std::string next_link;  // empty on the last page
};
[[nodiscard]] Result<MigrationTaskPage> ParseMigrationTaskPage(std::string_view body);

}  // namespace ctim::sync
