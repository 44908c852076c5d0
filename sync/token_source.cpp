#include "sync/token_source.h"

#include "common/wipe.h"
#include "sync/client_assertion.h"
#include "sync/random_id.h"

namespace ctim::sync {
namespace {

CredentialFacts FactsOf(const AppCredential& c) {
  CredentialFacts facts{c.client_id, c.tenant_id, c.token_url, {}, {}};
  if (c.certificate) {
    facts.thumbprint = c.certificate->Thumbprint();
    facts.certificate_not_after = c.certificate->NotAfter();
  }
  return facts;
}

}  // namespace

ClientCredentialsTokenSource::ClientCredentialsTokenSource(ApiCaller& caller, AppCredential credential)
    : caller_(caller), credential_(std::move(credential)), facts_(FactsOf(credential_)) {}

Result<HttpRequest> ClientCredentialsTokenSource::MakeRequest(std::string_view scope) const {
  Secret assertion;
  if (credential_.certificate) {
    auto built = BuildClientAssertion(*credential_.certificate, credential_.assertion_mode,
                                      {credential_.token_url, credential_.client_id, NewGuidText(),
                                       std::chrono::system_clock::now(), std::chrono::minutes(10)});
    if (!built) return std::unexpected(std::move(built.error()));
    assertion = std::move(*built);
  } else if (credential_.client_secret.empty()) {
    return Fail(Errc::kInvalidInput,
                "app " + credential_.client_id + " has neither a certificate nor a secret",
                "set certificate_file and private_key_file in [cloud]");
  }
  HttpRequest request;
  request.method = HttpMethod::kPost;
  request.url = credential_.token_url;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
  request.body = TokenRequestBody(credential_.client_id, scope, assertion, credential_.client_secret);
  return request;
}

Result<Secret> ClientCredentialsTokenSource::Token(std::string_view scope, Deadline deadline,
                                                   std::stop_token stop) {
  if (auto cached = cache_.Get(scope, std::chrono::system_clock::now())) return std::move(*cached);
  std::lock_guard lock(fetch_mutex_);
  // Another thread may have fetched it while this one waited for the lock.
  if (auto cached = cache_.Get(scope, std::chrono::system_clock::now())) return std::move(*cached);

  // Each attempt gets a fresh assertion (new jti, nbf = now), so retries never present a stale one.
  auto response = caller_.Call(
      Api::kToken, [this, scope](int) { return MakeRequest(scope); }, deadline, std::move(stop));
  const std::string where = "token for " + std::string(scope);
  if (!response) return std::unexpected(std::move(response.error()).With(where));
  const SysTime now = std::chrono::system_clock::now();
  auto token = ParseTokenResponse(*response, now, facts_);
  WipeString(response->body);  // it held the token (the body was received with AppendWiping)
  if (!token) return std::unexpected(std::move(token.error()).With(where));
  Secret value = token->value;
  cache_.Put(scope, std::move(*token), now);
  return value;
}

void ClientCredentialsTokenSource::Invalidate(std::string_view scope) { cache_.Invalidate(scope); }

}  // namespace ctim::sync
