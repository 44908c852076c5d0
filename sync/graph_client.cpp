#include "sync/graph_client.h"

#include <algorithm>
#include <cctype>
#include <deque>
#include <unordered_set>

#include "common/ascii.h"
#include "common/stop.h"
#include "sync/graph_batch.h"
#include "sync/graph_parse.h"
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

// One `id in (...)` filter waiting to be sent, and how often it was sent already.
struct PendingLookup {
  std::string path;
  int attempts = 0;
};

}  // namespace

GraphClient::GraphClient(ResourceCaller& resource, GraphOptions options)
    : resource_(resource), options_(std::move(options)) {}

std::string GraphClient::Url(std::string_view path) const {
  return options_.graph_url + "/v1.0" + std::string(path);
}

Result<HttpResponse> GraphClient::Send(HttpRequest request, Deadline operation, std::stop_token stop) {
  request.headers.push_back({"Accept", "application/json"});
  request.headers.push_back({"client-request-id", NewGuidText()});  // Graph echoes it; support can trace it
  const Deadline call = std::min(operation, DeadlineIn(options_.call_deadline));
  return resource_.Send(request, call, std::move(stop));
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

Result<OrganizationSync> GraphClient::GetOrganization(std::stop_token stop) {
  auto response = Send(
      {HttpMethod::kGet,
       Url("/organization?$select=" + PercentEncode("id,onPremisesSyncEnabled,onPremisesLastSyncDateTime")),
       {},
       {},
       {},
       {}},
      DeadlineIn(options_.operation_deadline), std::move(stop));
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

Result<UserLookup> GraphClient::GetUsersByIds(std::span<const std::string> ids, std::stop_token stop) {
  const Deadline operation = DeadlineIn(options_.operation_deadline);
  std::deque<PendingLookup> pending;
  for (std::string& path : UsersByIdsPaths(ids)) pending.push_back({std::move(path), 0});

  UserLookup result;
  const int max_attempts = std::max(1, options_.retry.max_attempts);
  // Every filter is sent at most max_attempts times, so this many rounds always suffice.
  const std::size_t max_rounds = pending.size() * static_cast<std::size_t>(max_attempts) + 1;
  for (std::size_t round = 0; !pending.empty(); ++round) {
    if (round >= max_rounds) return Fail(Errc::kInternal, "graph $batch: lookup rounds exceeded their bound");
    std::vector<PendingLookup> batch;
    std::vector<BatchRequestItem> items;
    while (!pending.empty() && batch.size() < kGraphRequestsPerBatch) {
      batch.push_back(std::move(pending.front()));
      pending.pop_front();
      items.push_back({std::to_string(batch.size()), batch.back().path});
    }
    const std::string what = "graph POST /v1.0/$batch (" + std::to_string(items.size()) + " user lookups)";
    auto response = Send({HttpMethod::kPost,
                          Url("/$batch"),
                          {{"Content-Type", "application/json"}},
                          {},
                          Secret(BatchRequestBody(items)),
                          {}},
                         operation, stop);
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

    milliseconds wait{0};
    std::size_t requeued = 0;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      PendingLookup& lookup = batch[i];
      ++lookup.attempts;
      const std::string item_id = std::to_string(i + 1);
      const auto reply = std::find_if(replies->begin(), replies->end(),
                                      [&](const BatchResponseItem& r) { return r.id == item_id; });
      const std::string item_what = "graph $batch item GET /users?$filter=id in (...)";
      Result<HttpResponse> outcome =
          reply != replies->end() ? Result<HttpResponse>(reply->response)
          : whole_batch_failed
              ? Result<HttpResponse>(*response)
              : Result<HttpResponse>(Fail(Errc::kUnavailable, item_what + ": missing from the reply"));
      const bool failed_dependency = outcome && outcome->status == 424;
      if (failed_dependency) outcome->status = 429;  // judged as throttling; named as 424 in the reason
      if (outcome && outcome->status == 200) {
        auto page = ParseUserPage(outcome->body);
        if (!page) return std::unexpected(std::move(page.error()).With(item_what));
        std::move(page->users.begin(), page->users.end(), std::back_inserter(result.users));
        if (!page->next_link.empty()) {
          auto more = CollectPages(std::move(page->next_link), result.users, 1, {}, operation, stop);
          if (!more) return std::unexpected(std::move(more.error()));
        }
        continue;
      }
      if (outcome && outcome->status == 429 && !failed_dependency) resource_.counters().CountThrottled();
      RetryDecision decision =
          DecideRetry(options_.retry, lookup.attempts, outcome, std::chrono::system_clock::now(),
                      Remaining(operation), RandomJitter());
      if (failed_dependency && decision.reason.starts_with("HTTP 429")) {
        decision.reason.replace(0, 8, "HTTP 424 Failed Dependency (an item was throttled)");
      }
      switch (decision.verdict) {
        case RetryVerdict::kAccept:
          if (!outcome) return std::unexpected(std::move(outcome.error()));
          return std::unexpected(GraphError(*outcome, item_what));
        case RetryVerdict::kGiveUp:
          return Fail(Errc::kUnavailable, item_what + ": " + decision.reason,
                      "Microsoft Graph is throttling or unavailable; try again later");
        case RetryVerdict::kRetry:
          resource_.counters().CountRetry();
          wait = std::max(wait, decision.wait);
          ++requeued;
          pending.push_front(std::move(lookup));
          break;
      }
    }
    if (requeued > 0) {
      SyncLog()->debug("graph $batch: {} of {} lookups throttled or failed, re-sending in {} ms", requeued,
                       batch.size(), wait.count());
      if (!SleepFor(stop, std::min(wait, Remaining(operation)))) return std::unexpected(Stopped(what));
    }
  }

  std::unordered_set<std::string> found;
  for (const CloudUser& user : result.users) found.insert(LowerAscii(user.id));
  std::unordered_set<std::string> reported;
  for (const std::string& id : ids) {
    std::string key = LowerAscii(id);
    if (!id.empty() && !found.contains(key) && reported.insert(key).second) result.not_found.push_back(id);
  }
  return result;
}

}  // namespace ctim::sync
