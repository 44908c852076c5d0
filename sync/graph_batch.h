// Graph JSON batching (doc/facts.md §3.3 [GBATCH][GFILTER]): users are looked up 15 ids per
// `id in (...)` filter, 20 filters per POST /$batch, so one round trip covers 300 users. Pure functions:
// request assembly and response parsing, unit-tested without a network.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "sync/http_client.h"

namespace ctim::sync {

inline constexpr std::size_t kGraphIdsPerFilter = 15;      // `in` accepts at most 15 expressions
inline constexpr std::size_t kGraphRequestsPerBatch = 20;  // $batch accepts at most 20 requests

// "/users?$filter=id%20in%20(...)&$select=..." relative to the version root.
// REQUIRES: 1 <= ids.size() <= kGraphIdsPerFilter.
[[nodiscard]] std::string UsersByIdsPath(std::span<const std::string> ids);
// The ids without duplicates (case-insensitive, first spelling kept) in groups of at most 15, one path each.
[[nodiscard]] std::vector<std::string> UsersByIdsPaths(std::span<const std::string> ids);

struct BatchRequestItem {
  std::string id;   // unique within the batch; the reply's items carry it back
  std::string url;  // relative to the version root, e.g. "/users?..."
};
// {"requests":[{"id":"1","method":"GET","url":"/users?..."},...]}. REQUIRES: items.size() <= 20.
[[nodiscard]] std::string BatchRequestBody(std::span<const BatchRequestItem> items);

struct BatchResponseItem {
  std::string id;
  HttpResponse response;  // status, headers (names lower-cased) and the body re-serialized as text
};
// {"responses":[{"id","status","headers":{},"body":{}}]} in any order. kInternal when the shape is wrong.
[[nodiscard]] Result<std::vector<BatchResponseItem>> ParseBatchResponse(std::string_view body);

}  // namespace ctim::sync
