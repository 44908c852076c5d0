#include "sync/graph_batch.h"

#include <cctype>
#include <unordered_set>

#include "common/ascii.h"
#include "sync/graph_parse.h"
#include "sync/json_fields.h"

namespace ctim::sync {

std::string UsersByIdsPath(std::span<const std::string> ids) {
  std::string filter = "id in (";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) filter += ",";
    filter += ODataQuote(ids[i]);
  }
  filter += ")";
  return "/users?$filter=" + PercentEncode(filter) + "&$select=" + PercentEncode(GraphUserSelect());
}

std::vector<std::string> UsersByIdsPaths(std::span<const std::string> ids) {
  std::vector<std::string> unique;
  std::unordered_set<std::string> seen;
  for (const std::string& id : ids) {
    std::string key = LowerAscii(id);
    if (!id.empty() && seen.insert(std::move(key)).second) unique.push_back(id);
  }
  std::vector<std::string> paths;
  for (std::size_t i = 0; i < unique.size(); i += kGraphIdsPerFilter) {
    const std::size_t n = std::min(kGraphIdsPerFilter, unique.size() - i);
    paths.push_back(UsersByIdsPath(std::span(unique).subspan(i, n)));
  }
  return paths;
}

std::string BatchRequestBody(std::span<const BatchRequestItem> items) {
  Json requests = Json::array();
  for (const BatchRequestItem& item : items) {
    requests.push_back({{"id", item.id}, {"method", "GET"}, {"url", item.url}});
  }
  return DumpJson(Json{{"requests", std::move(requests)}});
}

Result<std::vector<BatchResponseItem>> ParseBatchResponse(std::string_view body) {
  const auto parsed = ParseJson(body);
  const Json* responses = parsed ? Member(*parsed, "responses") : nullptr;
  if (responses == nullptr || !responses->is_array()) {
    return Fail(Errc::kInternal,
                "graph $batch reply has no \"responses\" array (" + std::to_string(body.size()) + " bytes)",
                "a proxy may have answered instead of Microsoft Graph; check graph_url");
  }
  std::vector<BatchResponseItem> items;
  items.reserve(responses->size());
  for (const Json& r : *responses) {
    auto id = StringMember(r, "id");
    auto status = IntMember(r, "status");
    if (!id || !status) {
      return Fail(Errc::kInternal,
                  "graph $batch reply item without id or status: " + DumpJson(r).substr(0, 200));
    }
    BatchResponseItem item;
    item.id = std::move(*id);
    item.response.status = static_cast<int>(*status);
    if (const Json* headers = Member(r, "headers"); headers != nullptr && headers->is_object()) {
      for (const auto& [name, value] : headers->items()) {
        std::string lower = LowerAscii(name);
        std::string text = value.is_string() ? value.get<std::string>() : DumpJson(value);
        item.response.headers.push_back({std::move(lower), std::move(text)});
      }
    }
    if (const Json* b = Member(r, "body"); b != nullptr && !b->is_null()) {
      item.response.body = b->is_string() ? b->get<std::string>() : DumpJson(*b);
    }
    items.push_back(std::move(item));
  }
  return items;
}

}  // namespace ctim::sync
