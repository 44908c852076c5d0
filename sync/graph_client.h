// Microsoft Graph v1.0, read-only, app-only: users by id (directoryObjects/getByIds, 1000 per call; or the
// older $batch of `id in (...)` filters), collections with @odata.nextLink paging, the tenant's
// directory-sync heartbeat, and (beta) each user's source of authority. Results are plain values
// (graph_types.h).
//
// Pacing (graph_throttle.h): every response's x-ms-resource-unit is counted; when Graph reports 80% or more
// of its budget used, the next request on this client waits PauseFor(fraction) first (bounded by the
// operation's deadline). Calls made with GraphPriority::kLow carry `x-ms-throttle-priority: low`.
//
// Bounds: each HTTP request with its retries ends by `call_deadline`; each public method by
// `operation_deadline`; paging stops after `max_pages`; a throttled $batch item is re-sent at most
// retry.max_attempts times. Server-given links are followed only on graph_url's origin, so the token is
// never sent elsewhere.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>

#include "common/result.h"
#include "sync/graph_throttle.h"
#include "sync/graph_types.h"
#include "sync/migration_types.h"
#include "sync/resource_caller.h"
#include "sync/retry.h"

namespace ctim::sync {

// kLow: background work (the service's verify sweep); Graph throttles it first under load.
enum class GraphPriority { kNormal, kLow };

struct GraphOptions {
  std::string graph_url;  // root without version, e.g. https://graph.microsoft.com
  std::chrono::milliseconds call_deadline{std::chrono::minutes(5)};
  std::chrono::milliseconds operation_deadline{std::chrono::minutes(30)};
  int max_pages = 10000;
  RetryPolicy retry;  // for throttled $batch items (the HTTP-level retries live in the ApiCaller)
  PacingPolicy pacing;
  UserLookupPath lookup = UserLookupPath::kGetByIds;
};

// Thread-safe. `resource` outlives the client.
class GraphClient {
 public:
  GraphClient(ResourceCaller& resource, GraphOptions options);

  // GET /users/{id}?$select=...  kNotFound when Graph has no such user.
  Result<CloudUser> GetUser(std::string_view id, std::stop_token stop);

  // Users by object id: POST /directoryObjects/getByIds?$select=... with types ["user"], 1000 ids per call
  // (or, with UserLookupPath::kBatchFilters, 15 per `id in (...)` filter and 20 filters per $batch). Ids
  // Graph does not know come back in `not_found`; duplicates are asked once.
  Result<UserLookup> GetUsersByIds(std::span<const std::string> ids, std::stop_token stop,
                                   GraphPriority priority = GraphPriority::kNormal);

  // Each user's onPremisesSyncBehavior (beta; 20 GETs per $batch). Never fails because the endpoint is
  // missing or forbidden: that comes back in `unavailable`. Fails only when Graph cannot be reached.
  Result<SyncBehaviorLookup> GetSyncBehaviors(std::span<const std::string> ids, std::stop_token stop,
                                              GraphPriority priority = GraphPriority::kNormal);

  // Every user matching an OData filter (quote values with ODataQuote), all pages. `advanced` adds
  // ConsistencyLevel: eventual and $count=true, which filters such as onPremisesSyncEnabled need.
  Result<std::vector<CloudUser>> ListUsers(std::string_view filter, bool advanced, std::stop_token stop);

  // GET /organization?$select=id,onPremisesSyncEnabled,onPremisesLastSyncDateTime
  Result<OrganizationSync> GetOrganization(std::stop_token stop,
                                           GraphPriority priority = GraphPriority::kNormal);

  // Cross-tenant migration jobs under /solutions/migrations/crossTenantMigrationJobs
  // (doc/migration-validation.md; graph_migration.cpp). A 403 names CrossTenantContentMigration.ReadWrite.All,
  // a 404 on the collection says the API is not available in this tenant or cloud.
  // POST: creates a job (this creates an object in the tenant).
  Result<MigrationJob> CreateMigrationJob(const MigrationJobRequest& request, std::stop_token stop);
  // POST .../{id}/validate: starts Microsoft's check. The job when Graph answers with one, else nullopt.
  Result<std::optional<MigrationJob>> ValidateMigrationJob(std::string_view id, std::stop_token stop);
  // GET .../{id}: the job's status (retry_after set when Graph asks to wait before the next poll).
  Result<MigrationJob> GetMigrationJob(std::string_view id, std::stop_token stop);
  // GET .../{id}/users, all pages (max_pages): Microsoft's verdict per user.
  Result<std::vector<MigrationTask>> ListMigrationTasks(std::string_view id, std::stop_token stop);

 private:
  // The final answer to one $batch item: 200, or a status not worth retrying. An error ends the batch run.
  using BatchItemSink = std::function<Status(std::size_t index, const HttpResponse& reply)>;

  Result<HttpResponse> Send(HttpRequest request, Deadline operation, std::stop_token stop,
                            GraphPriority priority = GraphPriority::kNormal);
  // Waits out the pause an earlier response asked for (false: stopped).
  bool Pace(Deadline operation, const std::stop_token& stop);
  // Counts the resource units of a response (or $batch item) and sets the next pause from its percentage.
  void Observe(const HttpResponse& response);
  // GETs `paths` (relative to `version`) in $batch calls of 20, re-sending throttled items.
  Status RunBatch(std::string_view version, const std::vector<std::string>& paths, const BatchItemSink& sink,
                  Deadline operation, std::stop_token stop, GraphPriority priority);
  Result<UserLookup> GetUsersByFilters(std::span<const std::string> ids, std::stop_token stop,
                                       GraphPriority priority);
  Result<UserLookup> GetUsersByIdsCall(std::span<const std::string> ids, std::stop_token stop,
                                       GraphPriority priority);
  // Follows `url` and its @odata.nextLink chain, appending every user to `out`. `pages_read` counts pages
  // already read by the caller for this listing (the max_pages bound).
  Status CollectPages(std::string url, std::vector<CloudUser>& out, int pages_read,
                      const std::vector<HttpHeader>& extra_headers, Deadline operation, std::stop_token stop);
  [[nodiscard]] std::string Url(std::string_view path) const;

  ResourceCaller& resource_;
  const GraphOptions options_;
  std::mutex pace_mutex_;
  std::chrono::steady_clock::time_point not_before_{};  // guarded by pace_mutex_
};

}  // namespace ctim::sync
