#include "agent/adapters/migration_validation_source.h"

#include <chrono>

#include "common/iso8601.h"

namespace ctim::agent {
namespace {

MigrationJobView View(const sync::MigrationJob& job) {
  return {job.id, job.status, job.message, job.retry_after};
}

}  // namespace

MigrationTaskView ToMigrationTaskView(const sync::MigrationTask& task) {
  MigrationTaskView out{task.id, {}};
  for (const sync::MigrationServiceStatus& s : task.current_status) {
    MigrationServiceView service{s.service, s.status, s.message, {}};
    for (const sync::MigrationError& e : s.errors) {
      service.errors.push_back(e.code.empty()      ? e.message
                               : e.message.empty() ? e.code
                                                   : e.code + ": " + e.message);
    }
    out.services.push_back(std::move(service));
  }
  return out;
}

Result<MigrationJobView> MigrationValidationSource::CreateJob(const std::string& display_name,
                                                              std::span<const Guid> users,
                                                              std::stop_token stop) {
  sync::MigrationJobRequest request{
      display_name, source_, target_, {}, FormatUtcIso8601(std::chrono::system_clock::now())};
  for (const Guid& g : users) request.resources.push_back(g.ToString());
  auto job = cloud_.graph().CreateMigrationJob(request, std::move(stop));
  if (!job) return std::unexpected(std::move(job.error()));
  return View(*job);
}

Result<std::optional<MigrationJobView>> MigrationValidationSource::Validate(const std::string& job_id,
                                                                            std::stop_token stop) {
  auto job = cloud_.graph().ValidateMigrationJob(job_id, std::move(stop));
  if (!job) return std::unexpected(std::move(job.error()));
  if (!*job) return std::optional<MigrationJobView>();
  return std::optional<MigrationJobView>(View(**job));
}

Result<MigrationJobView> MigrationValidationSource::GetJob(const std::string& job_id, std::stop_token stop) {
  auto job = cloud_.graph().GetMigrationJob(job_id, std::move(stop));
  if (!job) return std::unexpected(std::move(job.error()));
  return View(*job);
}

Result<std::vector<MigrationTaskView>> MigrationValidationSource::Tasks(const std::string& job_id,
                                                                        std::stop_token stop) {
  auto tasks = cloud_.graph().ListMigrationTasks(job_id, std::move(stop));
  if (!tasks) return std::unexpected(std::move(tasks.error()));
  std::vector<MigrationTaskView> out;
  out.reserve(tasks->size());
  for (const sync::MigrationTask& t : *tasks) out.push_back(ToMigrationTaskView(t));
  return out;
}

}  // namespace ctim::agent
