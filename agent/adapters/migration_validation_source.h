// agent/verify/migration_validation.h over Microsoft Graph's cross-tenant migration jobs
// (sync/graph_client.h, doc/migration-validation.md). Each call is one Graph request (the task listing: one
// per page) with the shared HTTP retry policy, which honours Retry-After on throttled answers.
#pragma once

#include <string>

#include "agent/verify/migration_validation.h"
#include "sync/cloud_client.h"
#include "sync/migration_types.h"

namespace ctim::agent {

// Graph's task as the domain sees it. Pure.
[[nodiscard]] MigrationTaskView ToMigrationTaskView(const sync::MigrationTask& task);

// Not thread-safe. `cloud` outlives this object.
class MigrationValidationSource final : public MigrationValidationCloud {
 public:
  // `source_tenant_id`: the tenant the mailboxes move from; `target_tenant_id`: ours ([cloud] tenant_id).
  MigrationValidationSource(sync::CloudClient& cloud, std::string source_tenant_id,
                            std::string target_tenant_id)
      : cloud_(cloud), source_(std::move(source_tenant_id)), target_(std::move(target_tenant_id)) {}

  Result<MigrationJobView> CreateJob(const std::string& display_name, std::span<const Guid> users,
                                     std::stop_token stop) override;
  Result<std::optional<MigrationJobView>> Validate(const std::string& job_id, std::stop_token stop) override;
  Result<MigrationJobView> GetJob(const std::string& job_id, std::stop_token stop) override;
  Result<std::vector<MigrationTaskView>> Tasks(const std::string& job_id, std::stop_token stop) override;

 private:
  sync::CloudClient& cloud_;
  std::string source_, target_;
};

}  // namespace ctim::agent
