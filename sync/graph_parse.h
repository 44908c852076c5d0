// Graph JSON -> plain values, and Graph's error shape -> Error. Pure; no I/O.
//   error: {"error":{"code":"Authorization_RequestDenied","message":"...","innerError":{"request-id":...}}}
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "sync/graph_types.h"
#include "sync/http_client.h"
#include "sync/json_fields.h"

namespace ctim::sync {

// The $select list for users: every property CloudUser carries.
[[nodiscard]] std::string_view GraphUserSelect();

[[nodiscard]] CloudUser ParseCloudUser(const Json& user);

// A collection page: {"value":[...], "@odata.nextLink":"..."}.
struct UserPage {
  std::vector<CloudUser> users;
  std::string next_link;  // empty on the last page
};
[[nodiscard]] Result<UserPage> ParseUserPage(std::string_view body);
[[nodiscard]] Result<CloudUser> ParseUserBody(std::string_view body);
// GET /organization: the first (only) organization of the tenant.
[[nodiscard]] Result<OrganizationSync> ParseOrganization(std::string_view body);

// A non-2xx Graph response as an Error naming `what` ("graph GET /v1.0/users/{id}"), Graph's code and
// message, the request-id, and a hint: 400 kInvalidInput, 401 kUnauthenticated, 403 kPermissionDenied,
// 404 kNotFound, 429/5xx kUnavailable, 3xx kInvalidInput (redirects are not followed), else kInternal.
[[nodiscard]] Error GraphError(const HttpResponse& response, std::string_view what);

// An OData string literal: 'value' with each ' doubled.
[[nodiscard]] std::string ODataQuote(std::string_view value);

}  // namespace ctim::sync
