// GraphClient's cross-tenant migration job calls (doc/migration-validation.md).
#include <optional>

#include "sync/graph_client.h"
#include "sync/graph_parse.h"
#include "sync/migration_parse.h"
#include "sync/retry.h"

namespace ctim::sync {
namespace {

constexpr std::string_view kJobs = "/solutions/migrations/crossTenantMigrationJobs";

// Graph's error, with the hint a migration-job call needs: which permission, or that this cloud lacks the
// API.
Error MigrationCallError(const HttpResponse& response, std::string_view what) {
  Error e = GraphError(response, what);
  if (response.status == 403) {
    e.hint =
        "the app needs the Microsoft Graph application permission CrossTenantContentMigration.ReadWrite.All "
        "(create and validate; admin-consented) to run Microsoft's migration validation";
  } else if (response.status == 404) {
    e.hint =
        "the cross-tenant migration API is not available here: Microsoft documents it for the global service "
        "only (not US Government L4/L5 or China), and the job may have been deleted";
  }
  return e;
}

std::optional<std::chrono::milliseconds> RetryAfterOf(const HttpResponse& response) {
  const auto header = response.Header("retry-after");
  if (!header) return std::nullopt;
  return ParseRetryAfter(*header, std::chrono::system_clock::now());
}

}  // namespace

Result<MigrationJob> GraphClient::CreateMigrationJob(const MigrationJobRequest& request,
                                                     std::stop_token stop) {
  const std::string what = "graph POST /v1.0" + std::string(kJobs);
  auto response = Send({HttpMethod::kPost,
                        Url(kJobs),
                        {{"Content-Type", "application/json"}},
                        {},
                        Secret(MigrationJobBody(request)),
                        {}},
                       DeadlineIn(options_.operation_deadline), std::move(stop));
  if (!response) return std::unexpected(std::move(response.error()));
  if (response->status < 200 || response->status > 299)
    return std::unexpected(MigrationCallError(*response, what));
  auto job = ParseMigrationJob(response->body);
  if (!job) return std::unexpected(std::move(job.error()).With(what));
  return job;
}

Result<std::optional<MigrationJob>> GraphClient::ValidateMigrationJob(std::string_view id,
                                                                      std::stop_token stop) {
  const std::string path = std::string(kJobs) + "/" + PercentEncode(id) + "/validate";
  const std::string what = "graph POST /v1.0" + path;
  auto response = Send({HttpMethod::kPost, Url(path), {}, {}, {}, {}},
                       DeadlineIn(options_.operation_deadline), std::move(stop));
  if (!response) return std::unexpected(std::move(response.error()));
  if (response->status < 200 || response->status > 299)
    return std::unexpected(MigrationCallError(*response, what));
  if (response->body.empty()) return std::optional<MigrationJob>();
  auto job = ParseMigrationJob(response->body);
  if (!job) return std::optional<MigrationJob>();  // 202 with another body: the poll reads the job
  job->retry_after = RetryAfterOf(*response);
  return std::optional<MigrationJob>(std::move(*job));
}

Result<MigrationJob> GraphClient::GetMigrationJob(std::string_view id, std::stop_token stop) {
  const std::string path = std::string(kJobs) + "/" + PercentEncode(id);
  const std::string what = "graph GET /v1.0" + path;
  auto response = Send({HttpMethod::kGet, Url(path), {}, {}, {}, {}}, DeadlineIn(options_.operation_deadline),
                       std::move(stop));
  if (!response) return std::unexpected(std::move(response.error()));
  if (response->status != 200) return std::unexpected(MigrationCallError(*response, what));
  auto job = ParseMigrationJob(response->body);
  if (!job) return std::unexpected(std::move(job.error()).With(what));
  job->retry_after = RetryAfterOf(*response);
  return job;
}

Result<std::vector<MigrationTask>> GraphClient::ListMigrationTasks(std::string_view id,
                                                                   std::stop_token stop) {
  const Deadline operation = DeadlineIn(options_.operation_deadline);
  const std::string origin = UrlOrigin(options_.graph_url);
  std::string url = Url(std::string(kJobs) + "/" + PercentEncode(id) + "/users");
  std::vector<MigrationTask> tasks;
  // Bounded by max_pages here and by `operation` inside every Send.
  for (int page = 0; !url.empty(); ++page) {
    const std::string what = "graph GET " + UrlForLog(url);
    if (page >= options_.max_pages) {
      return Fail(Errc::kUnavailable, what + ": more than " + std::to_string(options_.max_pages) + " pages",
                  "raise max_pages");
    }
    if (UrlOrigin(url) != origin) {
      return Fail(Errc::kInternal,
                  what + ": next link leaves " + origin + "; not following it with the token");
    }
    auto response = Send({HttpMethod::kGet, url, {}, {}, {}, {}}, operation, stop);
    if (!response) return std::unexpected(std::move(response.error()));
    if (response->status != 200) return std::unexpected(MigrationCallError(*response, what));
    auto parsed = ParseMigrationTaskPage(response->body);
    if (!parsed) return std::unexpected(std::move(parsed.error()).With(what));
    std::move(parsed->tasks.begin(), parsed->tasks.end(), std::back_inserter(tasks));
    url = std::move(parsed->next_link);
  }
  return tasks;
}

}  // namespace ctim::sync
