#include "sync/graph_client.h"

#include <algorithm>
#include <cctype>
#include <deque>
#include <unordered_set>

#include "common/ascii.h"
#include "common/stop.h"
#include "sync/graph_batch.h"
#include "sync/graph_parse.h"
#include "sync/json_fields.h"
#include "sync/random_id.h"
#include "sync/sync_log.h"

namespace ctim::sync {
namespace {

using std::chrono::milliseconds;

milliseconds Remaining(Deadline deadline) {
  return std::max(milliseconds(0),
                  std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now()));
}

Error Stopped(std::string_view what) { return {Errc::kUnavailable, std::string(what) + ": stopped", {}}; }

// One $batch item waiting to be sent: its index in the caller's list, and how often it was sent already.
struct PendingItem {
  std::size_t index = 0;
  int attempts = 0;
};

constexpr std::size_t kGetByIdsMax = 1000;  // directoryObjects/getByIds accepts at most 1000 ids

// The ids without duplicates (case-insensitive, first spelling kept) and without empty ones.
std::vector<std::string> UniqueIds(std::span<const std::string> ids) {
  std::vector<std::string> unique;
  std::unordered_set<std::string> seen;
  for (const std::string& id : ids) {
    if (!id.empty() && seen.insert(LowerAscii(id)).second) unique.push_back(id);
  }
  return unique;
}

void AddNotFound(std::span<const std::string> ids, UserLookup& result) {
  std::unordered_set<std::string> found;
  for (const CloudUser& user : result.users) found.insert(LowerAscii(user.id));
  std::unordered_set<std::string> reported;
  for (const std::string& id : ids) {
    std::string key = LowerAscii(id);
    if (!id.empty() && !found.contains(key) && reported.insert(key).second) result.not_found.push_back(id);
  }
}

// {"id":"...","isCloudManaged":true}; Microsoft's sample wraps it in "value", so that form is read too.
std::optional<bool> ParseIsCloudManaged(std::string_view body) {
  const auto parsed = ParseJson(body);
  if (!parsed || !parsed->is_object()) return std::nullopt;
  const Json* object = &*parsed;
  if (const Json* inner = Member(*parsed, "value"); inner != nullptr && inner->is_object()) object = inner;
  return BoolMember(*object, "isCloudManaged");
}

}  // namespace

GraphClient::GraphClient(ResourceCaller& resource, GraphOptions options)
    : resource_(resource), options_(std::move(options)) {}

std::string GraphClient::Url(std::string_view path) const {
  return options_.graph_url + "/v1.0" + std::string(path);
}

bool GraphClient::Pace(Deadline operation, const std::stop_token& stop) {
  std::chrono::steady_clock::time_point until;
  {
    std::lock_guard lock(pace_mutex_);
    until = not_before_;
  }
  const auto now = std::chrono::steady_clock::now();
  if (until <= now) return true;
  const milliseconds wait =
      std::min(std::chrono::duration_cast<milliseconds>(until - now) + milliseconds(1), Remaining(operation));
  SyncLog()->debug("graph: pausing {} ms: Graph reported 80% or more of its budget used", wait.count());
  resource_.counters().CountPause(static_cast<std::uint64_t>(wait.count()));
  return SleepFor(stop, wait);
}

void GraphClient::Observe(const HttpResponse& response) {
  const ThrottleSignal signal = ReadThrottleSignal(response);
  if (signal.resource_units) resource_.counters().CountResourceUnits(*signal.resource_units);
  if (!signal.scope.empty() || !signal.information.empty()) {
    SyncLog()->debug("graph: throttled (scope {}, {})", signal.scope.empty() ? "-" : signal.scope,
                     signal.information.empty() ? "-" : signal.information);
  }
  if (!signal.limit_fraction) return;
  const milliseconds pause = PauseFor(options_.pacing, *signal.limit_fraction);
  if (pause <= milliseconds(0)) return;
  std::lock_guard lock(pace_mutex_);
  not_before_ = std::max(not_before_, std::chrono::steady_clock::now() + pause);
}

Result<HttpResponse> GraphClient::Send(HttpRequest request, Deadline operation, std::stop_token stop,
                                       GraphPriority priority) {
  request.headers.push_back({"Accept", "application/json"});
  request.headers.push_back({"client-request-id", NewGuidText()});  // Graph echoes it; support can trace it
  if (priority == GraphPriority::kLow) request.headers.push_back({kThrottlePriorityHeader, "low"});
  if (!Pace(operation, stop)) return std::unexpected(Stopped("graph " + UrlForLog(request.url)));
  const Deadline call = std::min(operation, DeadlineIn(options_.call_deadline));
  auto response = resource_.Send(request, call, std::move(stop));
  if (response) Observe(*response);
  return response;
}

Result<CloudUser> GraphClient::GetUser(std::string_view id, std::stop_token stop) {
  const std::string what = "graph GET /v1.0/users/" + std::string(id);
  auto response = Send({HttpMethod::kGet,
                        Url("/users/" + PercentEncode(id) + "?$select=" + PercentEncode(GraphUserSelect())),
                        {},
                        {},
                        {},
                        {}},
                       DeadlineIn(options_.operation_deadline), std::move(stop));
  if (!response) return std::unexpected(std::move(response.error()));
  if (response->status != 200) return std::unexpected(GraphError(*response, what));
  auto user = ParseUserBody(response->body);
  if (!user) return std::unexpected(std::move(user.error()).With(what));
  return user;
}

Result<OrganizationSync> GraphClient::GetOrganization(std::stop_token stop, GraphPriority priority) {
  auto response = Send(
      {HttpMethod::kGet,
       Url("/organization?$select=" + PercentEncode("id,onPremisesSyncEnabled,onPremisesLastSyncDateTime")),
       {},
       {},
       {},
       {}},
      DeadlineIn(options_.operation_deadline), std::move(stop), priority);
  if (!response) return std::unexpected(std::move(response.error()));
  if (response->status != 200) return std::unexpected(GraphError(*response, "graph GET /v1.0/organization"));
  return ParseOrganization(response->body);
}

Status GraphClient::CollectPages(std::string url, std::vector<CloudUser>& out, int pages_read,
                                 const std::vector<HttpHeader>& extra_headers, Deadline operation,
                                 std::stop_token stop) {
  const std::string origin = UrlOrigin(options_.graph_url);
  // Bounded by max_pages here and by `operation` inside every Send.
  for (int page = pages_read; !url.empty(); ++page) {
    const std::string what = "graph GET " + UrlForLog(url);
    if (page >= options_.max_pages) {
      return Fail(Errc::kUnavailable, what + ": more than " + std::to_string(options_.max_pages) + " pages",
                  "narrow the query or raise max_pages");
    }
    if (UrlOrigin(url) != origin) {
      return Fail(Errc::kInternal,
                  what + ": next link leaves " + origin + "; not following it with the token");
    }
    auto response = Send({HttpMethod::kGet, url, extra_headers, {}, {}, {}}, operation, stop);
    if (!response) return std::unexpected(std::move(response.error()));
    if (response->status != 200) return std::unexpected(GraphError(*response, what));
    auto parsed = ParseUserPage(response->body);
    if (!parsed) return std::unexpected(std::move(parsed.error()).With(what));
    std::move(parsed->users.begin(), parsed->users.end(), std::back_inserter(out));
    url = std::move(parsed->next_link);  // verbatim: the link already carries every query option
  }
  return {};
}

Result<std::vector<CloudUser>> GraphClient::ListUsers(std::string_view filter, bool advanced,
                                                      std::stop_token stop) {
  std::string url = Url("/users?$select=" + PercentEncode(GraphUserSelect()) + "&$top=999");
  std::vector<HttpHeader> headers;
  if (!filter.empty()) url += "&$filter=" + PercentEncode(filter);
  if (advanced) {
    url += "&$count=true";
    headers.push_back({"ConsistencyLevel", "eventual"});
  }
  std::vector<CloudUser> users;
  auto done = CollectPages(std::move(url), users, 0, headers, DeadlineIn(options_.operation_deadline),
                           std::move(stop));
  if (!done) return std::unexpected(std::move(done.error()));
  return users;
}

Result<UserLookup> GraphClient::GetUsersByIds(std::span<const std::string> ids, std::stop_token stop,
                                              GraphPriority priority) {
  if (options_.lookup == UserLookupPath::kBatchFilters)
    return GetUsersByFilters(ids, std::move(stop), priority);
  return GetUsersByIdsCall(ids, std::move(stop), priority);
}

Result<UserLookup> GraphClient::GetUsersByIdsCall(std::span<const std::string> ids, std::stop_token stop,
                                                  GraphPriority priority) {
  const Deadline operation = DeadlineIn(options_.operation_deadline);
  const std::vector<std::string> unique = UniqueIds(ids);
  const std::string url = Url("/directoryObjects/getByIds?$select=" + PercentEncode(GraphUserSelect()));
  UserLookup result;
  for (std::size_t i = 0; i < unique.size(); i += kGetByIdsMax) {
    const std::size_t n = std::min(kGetByIdsMax, unique.size() - i);
    Json body{{"ids", Json(std::vector<std::string>(unique.begin() + static_cast<std::ptrdiff_t>(i),
                                                    unique.begin() + static_cast<std::ptrdiff_t>(i + n)))},
              {"types", Json::array({"user"})}};
    const std::string what = "graph POST /v1.0/directoryObjects/getByIds (" + std::to_string(n) + " ids)";
    auto response =
        Send({HttpMethod::kPost, url, {{"Content-Type", "application/json"}}, {}, Secret(DumpJson(body)), {}},
             operation, stop, priority);
    if (!response) return std::unexpected(std::move(response.error()));
    if (response->status != 200) return std::unexpected(GraphError(*response, what));
    auto page = ParseUserPage(response->body);
    if (!page) return std::unexpected(std::move(page.error()).With(what));
    std::move(page->users.begin(), page->users.end(), std::back_inserter(result.users));
  }
  AddNotFound(ids, result);
  return result;
}

Result<UserLookup> GraphClient::GetUsersByFilters(std::span<const std::string> ids, std::stop_token stop,
                                                  GraphPriority priority) {
  const Deadline operation = DeadlineIn(options_.operation_deadline);
  const std::vector<std::string> paths = UsersByIdsPaths(ids);
  UserLookup result;
  const std::string item_what = "graph $batch item GET /users?$filter=id in (...)";
  auto done = RunBatch(
      "/v1.0", paths,
      [&](std::size_t, const HttpResponse& reply) -> Status {
        if (reply.status != 200) return std::unexpected(GraphError(reply, item_what));
        auto page = ParseUserPage(reply.body);
        if (!page) return std::unexpected(std::move(page.error()).With(item_what));
        std::move(page->users.begin(), page->users.end(), std::back_inserter(result.users));
        if (!page->next_link.empty())
          return CollectPages(std::move(page->next_link), result.users, 1, {}, operation, stop);
        return {};
      },
      operation, stop, priority);
  if (!done) return std::unexpected(std::move(done.error()));
  AddNotFound(ids, result);
  return result;
}

Result<SyncBehaviorLookup> GraphClient::GetSyncBehaviors(std::span<const std::string> ids,
                                                         std::stop_token stop, GraphPriority priority) {
  const Deadline operation = DeadlineIn(options_.operation_deadline);
  const std::vector<std::string> unique = UniqueIds(ids);
  std::vector<std::string> paths;
  paths.reserve(unique.size());
  for (const std::string& id : unique)
    paths.push_back("/users/" + PercentEncode(id) + "/onPremisesSyncBehavior");
  SyncBehaviorLookup result;
  std::size_t not_found = 0;
  std::string first_refusal;  // 403 and other refusals: the endpoint or the permission is missing
  std::string first_not_found;
  auto done = RunBatch(
      "/beta", paths,
      [&](std::size_t index, const HttpResponse& reply) -> Status {
        const std::string what = "graph beta GET /users/{id}/onPremisesSyncBehavior";
        if (reply.status == 200) {
          if (auto managed = ParseIsCloudManaged(reply.body)) {
            result.cloud_managed[LowerAscii(unique[index])] = *managed;
          } else if (first_refusal.empty()) {
            first_refusal = what + ": the reply has no isCloudManaged";
          }
          return {};
        }
        const Error error = GraphError(reply, what);
        if (reply.status == 404) {
          ++not_found;
          if (first_not_found.empty()) first_not_found = error.message;
        } else if (first_refusal.empty()) {
          first_refusal = error.message;
        }
        return {};
      },
      operation, stop, priority);
  if (!done) return std::unexpected(std::move(done.error()));
  if (!first_refusal.empty()) {
    result.unavailable = first_refusal;
  } else if (not_found > 0 && result.cloud_managed.empty()) {
    result.unavailable = first_not_found;  // no id answered: the endpoint itself is missing
  }
  return result;
}

Status GraphClient::RunBatch(std::string_view version, const std::vector<std::string>& paths,
                             const BatchItemSink& sink, Deadline operation, std::stop_token stop,
                             GraphPriority priority) {
  std::deque<PendingItem> pending;
  for (std::size_t i = 0; i < paths.size(); ++i) pending.push_back({i, 0});

  const int max_attempts = std::max(1, options_.retry.max_attempts);
  // Every item is sent at most max_attempts times, so this many rounds always suffice.
  const std::size_t max_rounds = pending.size() * static_cast<std::size_t>(max_attempts) + 1;
  for (std::size_t round = 0; !pending.empty(); ++round) {
    if (round >= max_rounds) return Fail(Errc::kInternal, "graph $batch: rounds exceeded their bound");
    std::vector<PendingItem> batch;
    std::vector<BatchRequestItem> items;
    while (!pending.empty() && batch.size() < kGraphRequestsPerBatch) {
      batch.push_back(pending.front());
      pending.pop_front();
      items.push_back({std::to_string(batch.size()), paths[batch.back().index]});
    }
    const std::string what =
        "graph POST " + std::string(version) + "/$batch (" + std::to_string(items.size()) + " requests)";
    auto response = Send({HttpMethod::kPost,
                          options_.graph_url + std::string(version) + "/$batch",
                          {{"Content-Type", "application/json"}},
                          {},
                          Secret(BatchRequestBody(items)),
                          {}},
                         operation, stop, priority);
    if (!response) return std::unexpected(std::move(response.error()));
    // Graph may fail a whole batch with 424 Failed Dependency when one of its items was throttled
    // (doc/cloud-api.md): every item is then judged as throttled, with the item's own answer (and
    // Retry-After) when the body carries one, else with the batch's.
    const bool whole_batch_failed = response->status == 424;
    if (response->status != 200 && !whole_batch_failed) return std::unexpected(GraphError(*response, what));
    auto replies = ParseBatchResponse(response->body);
    if (!replies && !whole_batch_failed) return std::unexpected(std::move(replies.error()));
    if (!replies) replies = std::vector<BatchResponseItem>();
    if (whole_batch_failed) resource_.counters().CountThrottled();
    for (const BatchResponseItem& reply : *replies) Observe(reply.response);

    milliseconds wait{0};
    std::size_t requeued = 0;
    const std::string item_what = "graph $batch item GET " + std::string(version) + "/...";
    for (std::size_t i = 0; i < batch.size(); ++i) {
      PendingItem& item = batch[i];
      ++item.attempts;
      const std::string item_id = std::to_string(i + 1);
      const auto reply = std::find_if(replies->begin(), replies->end(),
                                      [&](const BatchResponseItem& r) { return r.id == item_id; });
      Result<HttpResponse> outcome =
          reply != replies->end() ? Result<HttpResponse>(reply->response)
          : whole_batch_failed
              ? Result<HttpResponse>(*response)
              : Result<HttpResponse>(Fail(Errc::kUnavailable, item_what + ": missing from the reply"));
      const bool failed_dependency = outcome && outcome->status == 424;
      if (failed_dependency) outcome->status = 429;  // judged as throttling; named as 424 in the reason
      if (outcome && outcome->status == 429 && !failed_dependency) resource_.counters().CountThrottled();
      RetryDecision decision =
          DecideRetry(options_.retry, item.attempts, outcome, std::chrono::system_clock::now(),
                      Remaining(operation), RandomJitter());
      if (failed_dependency && decision.reason.starts_with("HTTP 429")) {
        decision.reason.replace(0, 8, "HTTP 424 Failed Dependency (an item was throttled)");
      }
      switch (decision.verdict) {
        case RetryVerdict::kAccept:
          if (!outcome) return std::unexpected(std::move(outcome.error()));
          if (Status s = sink(item.index, *outcome); !s) return s;
          break;
        case RetryVerdict::kGiveUp:
          return Fail(Errc::kUnavailable, item_what + ": " + decision.reason,
                      "Microsoft Graph is throttling or unavailable; try again later");
        case RetryVerdict::kRetry:
          resource_.counters().CountRetry();
          wait = std::max(wait, decision.wait);
          ++requeued;
          pending.push_front(item);
          break;
      }
    }
    if (requeued > 0) {
      SyncLog()->debug("graph $batch: {} of {} requests throttled or failed, re-sending in {} ms", requeued,
                       batch.size(), wait.count());
      if (!SleepFor(stop, std::min(wait, Remaining(operation)))) return std::unexpected(Stopped(what));
    }
  }
  return {};
}

}  // namespace ctim::sync
