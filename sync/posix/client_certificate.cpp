// ClientCertificate on OpenSSL 3. The X509/EVP_PKEY handles live only in this file.
#include "sync/client_certificate.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <array>
#include <ctime>

#include "common/c_free.h"

namespace ctim::sync {
namespace {

using Bio = std::unique_ptr<BIO, CFree<&BIO_free_all>>;
using X509Ptr = std::unique_ptr<X509, CFree<&X509_free>>;
using EvpPkey = std::unique_ptr<EVP_PKEY, CFree<&EVP_PKEY_free>>;
using EvpMdCtx = std::unique_ptr<EVP_MD_CTX, CFree<&EVP_MD_CTX_free>>;

// The newest error on OpenSSL's thread-local queue, and the queue cleared.
std::string OpenSslError() {
  unsigned long code = 0;
  unsigned long last = 0;
  while ((code = ERR_get_error()) != 0) last = code;
  if (last == 0) return "no OpenSSL detail";
  std::array<char, 256> buf{};
  ERR_error_string_n(last, buf.data(), buf.size());
  return buf.data();
}

// A password callback that declines: an encrypted key fails to load instead of prompting on a tty.
int NoPassword(char*, int, int, void*) { return 0; }

SysTime ToSysTime(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return SysTime{};
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::string Digest(const X509* cert, const EVP_MD* md) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> buf{};
  unsigned int len = 0;
  if (X509_digest(cert, md, buf.data(), &len) != 1) return {};
  return std::string(reinterpret_cast<const char*>(buf.data()), len);
}

}  // namespace

struct ClientCertificate::Impl {
  X509Ptr cert;
  EvpPkey key;
  std::string sha1;
  std::string sha256;
  std::string subject;
  SysTime not_before;
  SysTime not_after;
};

Result<ClientCertificate> ClientCertificate::FromPem(std::string_view certificate_pem,
                                                     const Secret& private_key_pem) {
  ERR_clear_error();
  auto impl = std::make_shared<Impl>();

  Bio cert_bio(BIO_new_mem_buf(certificate_pem.data(), static_cast<int>(certificate_pem.size())));
  if (!cert_bio) return Fail(Errc::kInternal, "BIO_new_mem_buf: " + OpenSslError());
  impl->cert.reset(PEM_read_bio_X509(cert_bio.get(), nullptr, &NoPassword, nullptr));
  if (!impl->cert) {
    return Fail(Errc::kInvalidInput, "certificate is not a PEM certificate (" + OpenSslError() + ")",
                "export the app's certificate as PEM (-----BEGIN CERTIFICATE-----)");
  }

  const std::string& key_text = private_key_pem.Reveal();
  Bio key_bio(BIO_new_mem_buf(key_text.data(), static_cast<int>(key_text.size())));
  if (!key_bio) return Fail(Errc::kInternal, "BIO_new_mem_buf: " + OpenSslError());
  impl->key.reset(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, &NoPassword, nullptr));
  if (!impl->key) {
    const bool encrypted = key_text.find("ENCRYPTED") != std::string::npos;
    return Fail(Errc::kInvalidInput,
                encrypted ? std::string("private key is encrypted")
                          : "private key is not a PEM private key (" + OpenSslError() + ")",
                encrypted ? "store the key unencrypted in a file only the agent's account can read "
                            "(openssl pkey -in key.pem -out plain.pem)"
                          : "give the certificate's private key as PEM (-----BEGIN PRIVATE KEY-----)");
  }
  if (EVP_PKEY_base_id(impl->key.get()) != EVP_PKEY_RSA) {
    return Fail(Errc::kInvalidInput, "private key is not an RSA key",
                "Entra client assertions are signed with RSA (PS256/RS256): use an RSA certificate");
  }
  if (X509_check_private_key(impl->cert.get(), impl->key.get()) != 1) {
    ERR_clear_error();
    return Fail(Errc::kInvalidInput, "private key does not belong to the certificate",
                "give the key file that was generated with this certificate");
  }

  impl->sha1 = Digest(impl->cert.get(), EVP_sha1());
  impl->sha256 = Digest(impl->cert.get(), EVP_sha256());
  if (impl->sha1.empty() || impl->sha256.empty())
    return Fail(Errc::kInternal, "X509_digest: " + OpenSslError());
  std::array<char, 512> subject{};
  X509_NAME_oneline(X509_get_subject_name(impl->cert.get()), subject.data(),
                    static_cast<int>(subject.size()));
  impl->subject = subject.data();
  impl->not_before = ToSysTime(X509_get0_notBefore(impl->cert.get()));
  impl->not_after = ToSysTime(X509_get0_notAfter(impl->cert.get()));
  return ClientCertificate(std::move(impl));
}

Result<ClientCertificate> ClientCertificate::FromSystemStore(std::string_view thumbprint) {
  return Fail(
      Errc::kInvalidInput,
      "certificate_thumbprint " + std::string(thumbprint) + " names a Windows certificate store entry",
      "on Linux give certificate_file and private_key_file (PEM) instead");
}

const std::string& ClientCertificate::Sha1Digest() const { return impl_->sha1; }
const std::string& ClientCertificate::Sha256Digest() const { return impl_->sha256; }
const std::string& ClientCertificate::Subject() const { return impl_->subject; }
SysTime ClientCertificate::NotBefore() const { return impl_->not_before; }
SysTime ClientCertificate::NotAfter() const { return impl_->not_after; }

std::string ClientCertificate::Thumbprint() const {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : impl_->sha1) {
    out.push_back(kHex[c >> 4U]);
    out.push_back(kHex[c & 15U]);
  }
  return out;
}

Result<std::string> ClientCertificate::Sign(AssertionMode mode, std::string_view data) const {
  ERR_clear_error();
  EvpMdCtx ctx(EVP_MD_CTX_new());
  if (!ctx) return Fail(Errc::kInternal, "EVP_MD_CTX_new: " + OpenSslError());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  if (EVP_DigestSignInit(ctx.get(), &pctx, EVP_sha256(), nullptr, impl_->key.get()) != 1) {
    return Fail(Errc::kInternal, "EVP_DigestSignInit: " + OpenSslError());
  }
  bool ok = true;
  if (mode == AssertionMode::kPs256) {
    // RFC 7518 3.5: MGF1 with SHA-256 and a salt as long as the hash.
    ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) == 1;
  } else {
    ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1;
  }
  if (!ok) return Fail(Errc::kInternal, "RSA padding setup: " + OpenSslError());

  const auto* in = reinterpret_cast<const unsigned char*>(data.data());
  std::size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, in, data.size()) != 1) {
    return Fail(Errc::kInternal, "EVP_DigestSign (size): " + OpenSslError());
  }
  std::string signature(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &len, in, data.size()) !=
      1) {
    return Fail(Errc::kInternal, "EVP_DigestSign: " + OpenSslError());
  }
  signature.resize(len);
  return signature;
}

}  // namespace ctim::sync
