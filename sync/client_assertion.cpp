#include "sync/client_assertion.h"

#include "common/base64.h"
#include "sync/json_fields.h"

namespace ctim::sync {

Result<Secret> BuildClientAssertion(const ClientCertificate& certificate, AssertionMode mode,
                                    const AssertionClaims& claims) {
  Json header = {{"alg", AssertionModeName(mode)}, {"typ", "JWT"}};
  if (mode == AssertionMode::kPs256) {
    header["x5t#S256"] = Base64UrlEncode(certificate.Sha256Digest());
  } else {
    header["x5t"] = Base64UrlEncode(certificate.Sha1Digest());
  }
  const auto now = std::chrono::floor<std::chrono::seconds>(claims.now.time_since_epoch()).count();
  const Json body = {
      {"aud", claims.audience},
      {"iss", claims.client_id},
      {"sub", claims.client_id},
      {"jti", claims.jwt_id},
      {"nbf", now},
      {"iat", now},
      {"exp", now + claims.lifetime.count()},
  };
  const std::string signing_input = Base64UrlEncode(DumpJson(header)) + "." + Base64UrlEncode(DumpJson(body));
  auto signature = certificate.Sign(mode, signing_input);
  if (!signature) return std::unexpected(std::move(signature.error()).With("signing the client assertion"));
  return Secret(signing_input + "." + Base64UrlEncode(*signature));
}

}  // namespace ctim::sync
