// The app registration's certificate and its private key, loaded once from PEM, used to sign client
// assertions. OpenSSL stays in sync/posix/client_certificate.cpp, CNG in sync/windows/client_certificate.cpp.
// Immutable after loading; copies share the key; safe to use from several threads.
// The private key never leaves this object: callers get signatures and public facts only.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/secret.h"
#include "sync/http_date.h"

namespace ctim::sync {

// The JWS algorithm of the client assertion, with the matching certificate hash header.
enum class AssertionMode {
  kPs256,  // RSASSA-PSS SHA-256 + "x5t#S256" (current Microsoft doc)
  kRs256,  // RSASSA-PKCS1-v1_5 SHA-256 + "x5t" (SHA-1 thumbprint; older doc)
};
// "PS256" | "RS256" (case-insensitive).
[[nodiscard]] std::optional<AssertionMode> ParseAssertionMode(std::string_view text);
[[nodiscard]] std::string_view AssertionModeName(AssertionMode mode);

class ClientCertificate {
 public:
  // certificate_file: PEM, the first certificate is the app's. private_key_file: PEM, unencrypted
  // (PKCS#8 or traditional RSA); may be the same file. kInvalidInput when a file is unreadable, the key is
  // not RSA, is encrypted, or does not belong to the certificate.
  static Result<ClientCertificate> Load(const std::filesystem::path& certificate_file,
                                        const std::filesystem::path& private_key_file);
  static Result<ClientCertificate> FromPem(std::string_view certificate_pem, const Secret& private_key_pem);
  // Windows: the certificate in LocalMachine\My with this SHA-1 thumbprint (hex; spaces allowed), signing
  // with its private key inside its key storage provider (a non-exportable key works). kInvalidInput when
  // it is not there, is not RSA, or its key cannot be used by this account. Elsewhere: kInvalidInput.
  static Result<ClientCertificate> FromSystemStore(std::string_view thumbprint);

  // Raw digests of the certificate's DER encoding (what x5t / x5t#S256 carry, base64url-encoded).
  [[nodiscard]] const std::string& Sha1Digest() const;
  [[nodiscard]] const std::string& Sha256Digest() const;
  // Upper-case hex SHA-1: the "Thumbprint" column of the Entra admin center.
  [[nodiscard]] std::string Thumbprint() const;
  [[nodiscard]] const std::string& Subject() const;
  [[nodiscard]] SysTime NotBefore() const;
  [[nodiscard]] SysTime NotAfter() const;

  // Signature over `data` with the private key: PS256 = PSS, MGF1-SHA-256, salt length 32 (RFC 7518 3.5);
  // RS256 = PKCS#1 v1.5 SHA-256.
  [[nodiscard]] Result<std::string> Sign(AssertionMode mode, std::string_view data) const;

 private:
  struct Impl;
  explicit ClientCertificate(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

}  // namespace ctim::sync
