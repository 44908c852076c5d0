// The pure parts of the OAuth 2.0 client-credentials exchange (doc/facts.md §3.1 [CC]): the form body,
// the reply, Entra's error shape with an actionable hint per AADSTS code, and the per-scope cache.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/secret.h"
#include "sync/http_client.h"
#include "sync/http_date.h"

namespace ctim::sync {

struct AccessToken {
  Secret value;
  SysTime expires_at;
};

// The x-www-form-urlencoded body. Exactly one of the credentials is sent: the assertion when set, else
// the client secret. A Secret, since it carries the credential.
[[nodiscard]] Secret TokenRequestBody(std::string_view client_id, std::string_view scope,
                                      const Secret& assertion, const Secret& client_secret);

// What the admin should know about the credential when a token request fails (goes into hints).
struct CredentialFacts {
  std::string client_id;
  std::string tenant_id;
  std::string token_url;
  std::string thumbprint;  // empty for a client secret
  std::optional<SysTime> certificate_not_after;
};

// 200 {"token_type":"Bearer","expires_in":3599,"access_token":"..."} -> AccessToken (expires_at = now +
// expires_in). Any other status -> Error: kUnauthenticated for 4xx with the AADSTS code, Entra's first
// description line, trace and correlation ids, and a hint for the code; kUnavailable for 5xx/429.
[[nodiscard]] Result<AccessToken> ParseTokenResponse(const HttpResponse& response, SysTime now,
                                                     const CredentialFacts& facts);

// "AADSTS700027" -> 700027, from error_codes[0] or the description text; nullopt if neither has one.
[[nodiscard]] std::optional<long> AadstsCode(std::string_view body);
// What to do about an AADSTS code; empty when the code is not one we know.
[[nodiscard]] std::string AadstsHint(long code, const CredentialFacts& facts, SysTime now);

// Tokens per scope, handed out until `margin` before expiry. The margin is 5 minutes, or half the
// token's lifetime when that is shorter (test emulators issue short tokens). Thread-safe.
class TokenCache {
 public:
  [[nodiscard]] std::optional<Secret> Get(std::string_view scope, SysTime now) const;
  void Put(std::string_view scope, AccessToken token, SysTime issued_at);
  void Invalidate(std::string_view scope);

 private:
  struct Entry {
    Secret value;
    SysTime refresh_at;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace ctim::sync
