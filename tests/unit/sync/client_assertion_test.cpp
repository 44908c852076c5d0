#include "sync/client_assertion.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <fstream>

#include "common/base64.h"
#include "common/c_free.h"
#include "sync/json_fields.h"
#include "test_certificate.h"

namespace ctim::sync {
namespace {

using Bio = std::unique_ptr<BIO, CFree<&BIO_free_all>>;
using X509Ptr = std::unique_ptr<X509, CFree<&X509_free>>;
using EvpMdCtx = std::unique_ptr<EVP_MD_CTX, CFree<&EVP_MD_CTX_free>>;

const testing::TestKeyPair& Keys() {
  static const testing::TestKeyPair keys = testing::MakeSelfSigned();
  return keys;
}

ClientCertificate LoadTestCertificate() {
  auto cert = ClientCertificate::FromPem(Keys().certificate_pem, Secret(Keys().private_key_pem));
  EXPECT_TRUE(cert) << cert.error().message;
  return *cert;
}

struct Jwt {
  Json header;
  Json claims;
  std::string signing_input;
  std::string signature;
};

Jwt Split(const std::string& token) {
  const std::size_t a = token.find('.');
  const std::size_t b = token.find('.', a + 1);
  EXPECT_NE(b, std::string::npos);
  EXPECT_EQ(token.find('.', b + 1), std::string::npos);
  Jwt jwt;
  jwt.signing_input = token.substr(0, b);
  jwt.header = ParseJson(Base64UrlDecode(token.substr(0, a)).value_or("")).value_or(Json());
  jwt.claims = ParseJson(Base64UrlDecode(token.substr(a + 1, b - a - 1)).value_or("")).value_or(Json());
  jwt.signature = Base64UrlDecode(token.substr(b + 1)).value_or("");
  return jwt;
}

// Verifies with the certificate's public key, independently of ClientCertificate.
bool Verify(const Jwt& jwt, bool pss) {
  const std::string& pem = Keys().certificate_pem;
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  EVP_PKEY* pub = X509_get0_pubkey(cert.get());
  EvpMdCtx ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (EVP_DigestVerifyInit(ctx.get(), &pctx, EVP_sha256(), nullptr, pub) != 1) return false;
  if (pss) {
    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32);  // exactly the hash length, as RFC 7518 requires
    EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256());
  } else {
    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING);
  }
  return EVP_DigestVerify(
             ctx.get(), reinterpret_cast<const unsigned char*>(jwt.signature.data()), jwt.signature.size(),
             reinterpret_cast<const unsigned char*>(jwt.signing_input.data()), jwt.signing_input.size()) == 1;
}

std::string Sha(const std::string& der, bool sha256) {
  unsigned char out[SHA256_DIGEST_LENGTH];
  const auto* in = reinterpret_cast<const unsigned char*>(der.data());
  if (sha256) {
    SHA256(in, der.size(), out);
    return std::string(reinterpret_cast<const char*>(out), SHA256_DIGEST_LENGTH);
  }
  SHA1(in, der.size(), out);
  return std::string(reinterpret_cast<const char*>(out), SHA_DIGEST_LENGTH);
}

const SysTime kNow = std::chrono::sys_days(std::chrono::year(2025) / 6 / 1) + std::chrono::hours(8);
constexpr std::int64_t kNowSeconds = 1748736000 + 8 * 3600;  // date -u -d 2025-06-01 +%s

AssertionClaims Claims() {
  return {"https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token",
          "11111111-2222-3333-4444-555555555555", "9f0e8d7c-6b5a-4938-8271-605f4e3d2c1b", kNow,
          std::chrono::minutes(10)};
}

TEST(ClientAssertion, Ps256HeaderClaimsAndSignatureVerify) {
  auto token = BuildClientAssertion(LoadTestCertificate(), AssertionMode::kPs256, Claims());
  ASSERT_TRUE(token) << token.error().message;
  const Jwt jwt = Split(token->Reveal());
  EXPECT_EQ(jwt.header, Json({{"alg", "PS256"},
                              {"typ", "JWT"},
                              {"x5t#S256", Base64UrlEncode(Sha(Keys().certificate_der, true))}}));
  EXPECT_EQ(jwt.claims["aud"], Claims().audience);
  EXPECT_EQ(jwt.claims["iss"], Claims().client_id);
  EXPECT_EQ(jwt.claims["sub"], Claims().client_id);
  EXPECT_EQ(jwt.claims["jti"], Claims().jwt_id);
  EXPECT_EQ(jwt.claims["nbf"], kNowSeconds);
  EXPECT_EQ(jwt.claims["iat"], kNowSeconds);
  EXPECT_EQ(jwt.claims["exp"], kNowSeconds + 600);
  EXPECT_EQ(jwt.claims.size(), 7U);
  EXPECT_EQ(jwt.signature.size(), 256U);
  EXPECT_TRUE(Verify(jwt, /*pss=*/true));
  EXPECT_FALSE(Verify(jwt, /*pss=*/false));
}

TEST(ClientAssertion, Rs256UsesSha1ThumbprintAndPkcs1) {
  auto token = BuildClientAssertion(LoadTestCertificate(), AssertionMode::kRs256, Claims());
  ASSERT_TRUE(token) << token.error().message;
  const Jwt jwt = Split(token->Reveal());
  EXPECT_EQ(
      jwt.header,
      Json({{"alg", "RS256"}, {"typ", "JWT"}, {"x5t", Base64UrlEncode(Sha(Keys().certificate_der, false))}}));
  EXPECT_TRUE(Verify(jwt, /*pss=*/false));
  EXPECT_FALSE(Verify(jwt, /*pss=*/true));
}

TEST(ClientAssertion, TamperedClaimsFailVerification) {
  auto token = BuildClientAssertion(LoadTestCertificate(), AssertionMode::kPs256, Claims());
  ASSERT_TRUE(token);
  Jwt jwt = Split(token->Reveal());
  jwt.signing_input.back() = jwt.signing_input.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(Verify(jwt, true));
}

TEST(ClientAssertion, AssertionIsASecretWhenFormatted) {
  auto token = BuildClientAssertion(LoadTestCertificate(), AssertionMode::kPs256, Claims());
  ASSERT_TRUE(token);
  EXPECT_EQ(fmt::format("{}", *token), "***");
}

TEST(ClientCertificate, ReportsThumbprintSubjectAndValidity) {
  const ClientCertificate cert = LoadTestCertificate();
  EXPECT_EQ(cert.Sha1Digest(), Sha(Keys().certificate_der, false));
  EXPECT_EQ(cert.Sha256Digest(), Sha(Keys().certificate_der, true));
  EXPECT_EQ(cert.Thumbprint().size(), 40U);
  EXPECT_NE(cert.Subject().find("ctim-agent-test"), std::string::npos);
  EXPECT_LT(cert.NotBefore(), std::chrono::system_clock::now());
  EXPECT_GT(cert.NotAfter(), std::chrono::system_clock::now() + std::chrono::hours(24 * 300));
}

TEST(ClientCertificate, LoadsFromFilesIncludingOneCombinedFile) {
  char dir_template[] = "/tmp/ctim-sync-cert-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const std::filesystem::path dir = dir_template;
  std::ofstream(dir / "cert.pem") << Keys().certificate_pem;
  std::ofstream(dir / "key.pem") << Keys().private_key_pem;
  std::ofstream(dir / "both.pem") << Keys().certificate_pem << Keys().private_key_pem;
  auto separate = ClientCertificate::Load(dir / "cert.pem", dir / "key.pem");
  EXPECT_TRUE(separate) << separate.error().message;
  auto combined = ClientCertificate::Load(dir / "both.pem", {});
  EXPECT_TRUE(combined) << combined.error().message;
  auto missing = ClientCertificate::Load(dir / "nope.pem", dir / "key.pem");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::kInvalidInput);
  EXPECT_NE(missing.error().message.find("nope.pem"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(ClientCertificate, RefusesWrongEncryptedAndNonRsaKeys) {
  const testing::TestKeyPair other = testing::MakeSelfSigned(2048);
  struct Case {
    const char* name;
    std::string key_pem;
    std::string expect;
  };
  const Case cases[] = {
      {"key of another certificate", other.private_key_pem, "does not belong"},
      {"encrypted key", testing::EncryptedKeyPem(Keys().private_key_pem), "encrypted"},
      {"EC key", testing::EcKeyPem(), "not an RSA key"},
      {"garbage", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "not a PEM private key"},
  };
  for (const Case& c : cases) {
    auto r = ClientCertificate::FromPem(Keys().certificate_pem, Secret(c.key_pem));
    ASSERT_FALSE(r) << c.name;
    EXPECT_EQ(r.error().code, Errc::kInvalidInput) << c.name;
    EXPECT_NE(r.error().message.find(c.expect), std::string::npos) << c.name << ": " << r.error().message;
    // No line of the key's base64 body appears in the error.
    const std::string text = r.error().ToString();
    std::size_t pos = 0;
    while ((pos = c.key_pem.find('\n', pos)) != std::string::npos && pos + 1 < c.key_pem.size()) {
      const std::string line = c.key_pem.substr(pos + 1, c.key_pem.find('\n', pos + 1) - pos - 1);
      ++pos;
      if (line.empty() || line.starts_with("-----")) continue;
      EXPECT_EQ(text.find(line), std::string::npos) << c.name;
    }
  }
  auto bad_cert = ClientCertificate::FromPem("not a cert", Secret(Keys().private_key_pem));
  ASSERT_FALSE(bad_cert);
  EXPECT_EQ(bad_cert.error().code, Errc::kInvalidInput);
}

TEST(ClientCertificate, ParsesAssertionModeNames) {
  EXPECT_EQ(ParseAssertionMode("PS256"), AssertionMode::kPs256);
  EXPECT_EQ(ParseAssertionMode("rs256"), AssertionMode::kRs256);
  EXPECT_FALSE(ParseAssertionMode("HS256"));
  EXPECT_EQ(AssertionModeName(AssertionMode::kRs256), "RS256");
}

}  // namespace
}  // namespace ctim::sync
