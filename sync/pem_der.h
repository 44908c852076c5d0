// PEM blocks and the DER structure of an unencrypted RSA private key, without a crypto library: what the
// Windows signer (sync/windows/client_certificate.cpp) needs before it hands the numbers to CNG, which
// imports a key only as a BCRYPT_RSAPRIVATE_BLOB. Pure functions over bytes; no I/O.
//   PKCS#1 (RFC 8017 A.1.2):  RSAPrivateKey ::= SEQUENCE { version, n, e, d, p, q, dP, dQ, qInv }
//   PKCS#8 (RFC 5208 5):      PrivateKeyInfo ::= SEQUENCE { version, AlgorithmIdentifier, OCTET STRING key }
// doc/windows.md says why the DER is read here and not by CryptDecodeObjectEx.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/secret.h"

namespace ctim::sync {

// The decoded body of the first "-----BEGIN <label>-----" block, or nullopt when there is none or its
// base64 is broken.
[[nodiscard]] std::optional<std::string> PemBlock(std::string_view text, std::string_view label);

// The labels of every BEGIN line in `text`, in order ("CERTIFICATE", "PRIVATE KEY", ...).
[[nodiscard]] std::string PemLabels(std::string_view text);

// The RSA numbers a signer needs, big-endian without leading zero bytes. Key material: wiped on drop.
struct RsaPrivateNumbers {
  Secret modulus;
  Secret public_exponent;
  Secret prime1;
  Secret prime2;
};

// From the DER of a PKCS#1 RSAPrivateKey (pkcs8 = false) or a PKCS#8 PrivateKeyInfo holding one
// (pkcs8 = true). kInvalidInput saying which part is malformed, or that a PKCS#8 key is not RSA.
[[nodiscard]] Result<RsaPrivateNumbers> ParseRsaPrivateKeyDer(std::string_view der, bool pkcs8);

}  // namespace ctim::sync
