// A throwaway RSA key and self-signed certificate made with OpenSSL for the tests, as PEM text.
#pragma once

#include <string>

namespace ctim::sync::testing {

struct TestKeyPair {
  std::string certificate_pem;
  std::string private_key_pem;  // PKCS#8, unencrypted
  std::string certificate_der;
};

// REQUIRES: days_valid may be negative (an already expired certificate).
TestKeyPair MakeSelfSigned(int rsa_bits = 2048, int days_valid = 365);
// Same key, encrypted with a passphrase (to test the refusal).
std::string EncryptedKeyPem(const std::string& private_key_pem);
// An EC P-256 key (to test the RSA-only rule).
std::string EcKeyPem();

}  // namespace ctim::sync::testing
