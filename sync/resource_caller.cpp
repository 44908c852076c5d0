#include "sync/resource_caller.h"

namespace ctim::sync {

Result<HttpResponse> ResourceCaller::Send(const HttpRequest& request, Deadline deadline,
                                          std::stop_token stop) {
  auto attempt = [&]() {
    return caller_.Call(
        api_,
        [&](int) -> Result<HttpRequest> {
          auto token = tokens_.Token(scope_, deadline, stop);
          if (!token) return std::unexpected(std::move(token.error()));
          HttpRequest authorized = request;
          authorized.bearer_token = std::move(*token);
          return authorized;
        },
        deadline, stop);
  };
  auto response = attempt();
  if (response && response->status == 401) {
    tokens_.Invalidate(scope_);
    response = attempt();
  }
  return response;
}

}  // namespace ctim::sync
