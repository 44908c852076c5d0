// Calls to one protected resource (Graph or Exchange Online): every attempt carries a bearer token for
// the resource's scope, taken from the TokenSource (cached). When the resource answers 401, the cached
// token is dropped and the call is made once more with a new one (a token revoked or rotated early).
#pragma once

#include <stop_token>
#include <string>

#include "sync/api_caller.h"
#include "sync/token_source.h"

namespace ctim::sync {

// Thread-safe. `caller` and `tokens` outlive this object.
class ResourceCaller {
 public:
  ResourceCaller(ApiCaller& caller, TokenSource& tokens, Api api, std::string scope)
      : caller_(caller), tokens_(tokens), api_(api), scope_(std::move(scope)) {}

  // As ApiCaller::Call; `request.bearer_token` is filled in here.
  Result<HttpResponse> Send(const HttpRequest& request, Deadline deadline, std::stop_token stop);

  [[nodiscard]] CallCounters& counters() { return caller_.counters(); }
  [[nodiscard]] Api api() const { return api_; }

 private:
  ApiCaller& caller_;
  TokenSource& tokens_;
  const Api api_;
  const std::string scope_;
};

}  // namespace ctim::sync
