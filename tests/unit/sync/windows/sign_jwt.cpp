// win_sign_jwt.exe PS256|RS256 CERT.pem KEY.pem: prints a client assertion signed on CNG, for
// jwt_verified_by_openssl.sh to check with OpenSSL on Linux. Exit 1 with the error text when loading or
// signing fails (the script also checks the refusals' messages).
#include <chrono>
#include <cstdio>
#include <string>

#include "sync/client_assertion.h"
#include "sync/client_certificate.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fputs("usage: win_sign_jwt PS256|RS256 CERT.pem KEY.pem\n", stderr);
    return 2;
  }
  const auto mode = ctim::sync::ParseAssertionMode(argv[1]);
  if (!mode) return 2;
  auto certificate = ctim::sync::ClientCertificate::Load(argv[2], argv[3]);
  if (!certificate) {
    std::fprintf(stderr, "%s\n", certificate.error().message.c_str());
    return 1;
  }
  const ctim::sync::AssertionClaims claims{"https://login.example/t/oauth2/v2.0/token", "client-1", "jti-1",
                                           std::chrono::system_clock::now(), std::chrono::minutes(10)};
  auto jwt = ctim::sync::BuildClientAssertion(*certificate, *mode, claims);
  if (!jwt) {
    std::fprintf(stderr, "%s\n", jwt.error().message.c_str());
    return 1;
  }
  std::printf("%s\n%s\n", jwt->Reveal().c_str(), certificate->Thumbprint().c_str());
  return 0;
}
