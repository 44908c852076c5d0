#include "test_certificate.h"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <memory>
#include <stdexcept>

#include "common/c_free.h"

namespace ctim::sync::testing {
namespace {

using Bio = std::unique_ptr<BIO, CFree<&BIO_free_all>>;
using X509Ptr = std::unique_ptr<X509, CFree<&X509_free>>;
using EvpPkey = std::unique_ptr<EVP_PKEY, CFree<&EVP_PKEY_free>>;

std::string Drain(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(n));
}

void Check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(what);
}

EvpPkey ReadKey(const std::string& pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EvpPkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  Check(key != nullptr, "PEM_read_bio_PrivateKey");
  return key;
}

}  // namespace

TestKeyPair MakeSelfSigned(int rsa_bits, int days_valid) {
  EvpPkey key(EVP_RSA_gen(static_cast<unsigned>(rsa_bits)));
  Check(key != nullptr, "EVP_RSA_gen");
  X509Ptr cert(X509_new());
  Check(cert != nullptr, "X509_new");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 4711);
  const long validity = static_cast<long>(days_valid) * 86400;
  if (days_valid >= 0) {
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), validity);
  } else {
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), 2 * validity);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), validity);
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("ctim-agent-test"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  Check(X509_set_pubkey(cert.get(), key.get()) == 1, "X509_set_pubkey");
  Check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "X509_sign");

  TestKeyPair out;
  Bio cert_bio(BIO_new(BIO_s_mem()));
  Check(PEM_write_bio_X509(cert_bio.get(), cert.get()) == 1, "PEM_write_bio_X509");
  out.certificate_pem = Drain(cert_bio.get());
  Bio key_bio(BIO_new(BIO_s_mem()));
  Check(PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "PEM_write_bio_PrivateKey");
  out.private_key_pem = Drain(key_bio.get());
  unsigned char* der = nullptr;
  const int der_len = i2d_X509(cert.get(), &der);
  Check(der_len > 0, "i2d_X509");
  out.certificate_der.assign(reinterpret_cast<const char*>(der), static_cast<std::size_t>(der_len));
  OPENSSL_free(der);
  return out;
}

std::string EncryptedKeyPem(const std::string& private_key_pem) {
  EvpPkey key = ReadKey(private_key_pem);
  Bio bio(BIO_new(BIO_s_mem()));
  static const char kPass[] = "correct horse";
  Check(PEM_write_bio_PKCS8PrivateKey(bio.get(), key.get(), EVP_aes_256_cbc(), kPass,
                                      static_cast<int>(sizeof kPass - 1), nullptr, nullptr) == 1,
        "PEM_write_bio_PKCS8PrivateKey");
  return Drain(bio.get());
}

std::string EcKeyPem() {
  EvpPkey key(EVP_EC_gen("P-256"));
  Check(key != nullptr, "EVP_EC_gen");
  Bio bio(BIO_new(BIO_s_mem()));
  Check(PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "PEM_write_bio_PrivateKey");
  return Drain(bio.get());
}

}  // namespace ctim::sync::testing
