// Access tokens for the app (app-only, OAuth 2.0 client credentials), one per resource scope, cached
// until shortly before they expire. The credential is a certificate (a signed client assertion, built
// fresh for every request) or, discouraged, a client secret. Tokens, assertions and keys are Secrets and
// never reach a log.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/secret.h"
#include "sync/api_caller.h"
#include "sync/client_certificate.h"
#include "sync/token_response.h"

namespace ctim::sync {

class TokenSource {
 public:
  virtual ~TokenSource() = default;
  // A bearer token for `scope` (e.g. https://graph.microsoft.com/.default).
  virtual Result<Secret> Token(std::string_view scope, Deadline deadline, std::stop_token stop) = 0;
  // Forgets the cached token for `scope` (the resource answered 401), so the next Token() asks anew.
  virtual void Invalidate(std::string_view scope) = 0;
};

struct AppCredential {
  std::string tenant_id;
  std::string client_id;
  std::string token_url;                         // TokenUrl(endpoints, tenant_id); also the assertion's aud
  std::optional<ClientCertificate> certificate;  // preferred
  AssertionMode assertion_mode = AssertionMode::kPs256;
  Secret client_secret;  // used only without a certificate
};

// Thread-safe. Concurrent requests for an uncached scope are serialized so only one token is fetched.
class ClientCredentialsTokenSource final : public TokenSource {
 public:
  // REQUIRES: credential has a certificate or a non-empty client secret. `caller` outlives this object.
  ClientCredentialsTokenSource(ApiCaller& caller, AppCredential credential);

  Result<Secret> Token(std::string_view scope, Deadline deadline, std::stop_token stop) override;
  void Invalidate(std::string_view scope) override;

 private:
  Result<HttpRequest> MakeRequest(std::string_view scope) const;

  ApiCaller& caller_;
  const AppCredential credential_;
  const CredentialFacts facts_;
  TokenCache cache_;
  std::mutex fetch_mutex_;
};

}  // namespace ctim::sync
