// The signed JWT an app presents instead of a secret (OAuth 2.0 client credentials, RFC 7523):
//   header  {"alg":"PS256","typ":"JWT","x5t#S256":<b64url SHA-256 of cert DER>}   (AssertionMode::kPs256)
//           {"alg":"RS256","typ":"JWT","x5t":<b64url SHA-1 of cert DER>}          (AssertionMode::kRs256)
//   claims  aud = the exact token URL, iss = sub = client_id, jti = a new GUID, nbf = iat = now,
//           exp = now + lifetime
// (doc/facts.md §3.1 [CERT]). The result is a Secret: it is a bearer credential until it expires.
#pragma once

#include <chrono>
#include <string>

#include "common/result.h"
#include "common/secret.h"
#include "sync/client_certificate.h"

namespace ctim::sync {

struct AssertionClaims {
  std::string audience;   // the token URL the assertion is posted to, exactly
  std::string client_id;  // the app (client) id: iss and sub
  std::string jwt_id;     // jti: unique per assertion (NewGuidText())
  SysTime now;            // nbf and iat
  std::chrono::seconds lifetime{std::chrono::minutes(10)};
};

// "<b64url header>.<b64url claims>.<b64url signature>".
[[nodiscard]] Result<Secret> BuildClientAssertion(const ClientCertificate& certificate, AssertionMode mode,
                                                  const AssertionClaims& claims);

}  // namespace ctim::sync
