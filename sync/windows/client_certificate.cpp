// ClientCertificate on CNG (doc/windows.md, "Signing the client assertion"). Two sources of the key:
//   PEM files      the certificate through crypt32, the RSA key read by sync/pem_der.cpp and imported into
//                  BCrypt as a BCRYPT_RSAPRIVATE_BLOB (Wine's CryptDecodeObjectEx cannot decode PKCS#8);
//   the store      a certificate in LocalMachine\My found by its SHA-1 thumbprint, its private key opened
//                  through its key storage provider with NCrypt, so a non-exportable key signs in place.
// The CNG handles live only in this file.
#include "sync/client_certificate.h"

#include <array>
#include <vector>

#include "common/windows/utf16.h"
#include "sync/pem_der.h"
#include "sync/windows/handles.h"

namespace ctim::sync {
namespace {

using windows::AlgorithmHandle;
using windows::CertificateContext;
using windows::CertStore;
using windows::HashHandle;
using windows::KeyHandle;
using windows::NcryptKey;

std::string Hex(NTSTATUS status) {
  std::array<char, 16> buf{};
  std::snprintf(buf.data(), buf.size(), "0x%08lx", static_cast<unsigned long>(status));
  return buf.data();
}

Result<std::string> Hash(const wchar_t* algorithm, std::string_view data) {
  BCRYPT_ALG_HANDLE raw_alg = nullptr;
  NTSTATUS st = BCryptOpenAlgorithmProvider(&raw_alg, algorithm, nullptr, 0);
  const AlgorithmHandle alg(raw_alg);
  if (st != 0) return Fail(Errc::kInternal, "BCryptOpenAlgorithmProvider: " + Hex(st));
  DWORD length = 0;
  ULONG got = 0;
  st = BCryptGetProperty(alg.get(), BCRYPT_HASH_LENGTH, reinterpret_cast<PUCHAR>(&length), sizeof(length),
                         &got, 0);
  if (st != 0) return Fail(Errc::kInternal, "BCryptGetProperty(BCRYPT_HASH_LENGTH): " + Hex(st));
  BCRYPT_HASH_HANDLE raw_hash = nullptr;
  st = BCryptCreateHash(alg.get(), &raw_hash, nullptr, 0, nullptr, 0, 0);
  const HashHandle hash(raw_hash);
  if (st != 0) return Fail(Errc::kInternal, "BCryptCreateHash: " + Hex(st));
  std::string digest(length, '\0');
  st = BCryptHashData(hash.get(), reinterpret_cast<PUCHAR>(const_cast<char*>(data.data())),
                      static_cast<ULONG>(data.size()), 0);
  if (st == 0) st = BCryptFinishHash(hash.get(), reinterpret_cast<PUCHAR>(digest.data()), length, 0);
  if (st != 0) return Fail(Errc::kInternal, "BCrypt hash: " + Hex(st));
  return digest;
}

SysTime ToSysTime(const FILETIME& ft) {
  // FILETIME counts 100 ns ticks since 1601-01-01; the Unix epoch is 11644473600 s later.
  const std::uint64_t ticks = (static_cast<std::uint64_t>(ft.dwHighDateTime) << 32U) | ft.dwLowDateTime;
  constexpr std::uint64_t kEpochTicks = 116444736000000000ULL;
  if (ticks < kEpochTicks) return SysTime{};
  return SysTime{} + std::chrono::duration_cast<SysTime::duration>(
                         std::chrono::microseconds((ticks - kEpochTicks) / 10U));
}

// The public modulus and exponent of the certificate, as big-endian bytes, to match the private key.
Result<std::pair<std::string, std::string>> CertificateRsaPublic(const CERT_CONTEXT* cert) {
  if (std::string_view(cert->pCertInfo->SubjectPublicKeyInfo.Algorithm.pszObjId) != szOID_RSA_RSA) {
    return Fail(Errc::kInvalidInput, "certificate does not hold an RSA key",
                "Entra client assertions are signed with RSA (PS256/RS256): use an RSA certificate");
  }
  BCRYPT_KEY_HANDLE raw = nullptr;
  if (!CryptImportPublicKeyInfoEx2(X509_ASN_ENCODING, &cert->pCertInfo->SubjectPublicKeyInfo, 0, nullptr,
                                   &raw)) {
    return Fail(Errc::kInvalidInput, "certificate's public key cannot be read (" +
                                         ctim::windows::SystemMessage(GetLastError()) + ")");
  }
  const KeyHandle key(raw);
  ULONG size = 0;
  NTSTATUS st = BCryptExportKey(key.get(), nullptr, BCRYPT_RSAPUBLIC_BLOB, nullptr, 0, &size, 0);
  std::string blob(size, '\0');
  if (st == 0) {
    st = BCryptExportKey(key.get(), nullptr, BCRYPT_RSAPUBLIC_BLOB, reinterpret_cast<PUCHAR>(blob.data()),
                         size, &size, 0);
  }
  if (st != 0 || size < sizeof(BCRYPT_RSAKEY_BLOB)) {
    return Fail(Errc::kInternal, "BCryptExportKey(BCRYPT_RSAPUBLIC_BLOB): " + Hex(st));
  }
  BCRYPT_RSAKEY_BLOB header{};
  std::memcpy(&header, blob.data(), sizeof(header));
  if (size < sizeof(header) + header.cbPublicExp + header.cbModulus) {
    return Fail(Errc::kInternal, "BCryptExportKey: short RSA public blob");
  }
  std::string exponent = blob.substr(sizeof(header), header.cbPublicExp);
  std::string modulus = blob.substr(sizeof(header) + header.cbPublicExp, header.cbModulus);
  for (std::string* n : {&exponent, &modulus}) {
    while (n->size() > 1 && (*n)[0] == '\0') n->erase(0, 1);
  }
  return std::pair{std::move(modulus), std::move(exponent)};
}

// BCRYPT_RSAPRIVATE_BLOB: the header, then e, n, p, q big-endian (CNG's "RSA private key BLOB").
Secret PrivateBlob(const RsaPrivateNumbers& k) {
  BCRYPT_RSAKEY_BLOB header{};
  header.Magic = BCRYPT_RSAPRIVATE_MAGIC;
  header.BitLength = static_cast<ULONG>(k.modulus.Reveal().size() * 8);
  header.cbPublicExp = static_cast<ULONG>(k.public_exponent.Reveal().size());
  header.cbModulus = static_cast<ULONG>(k.modulus.Reveal().size());
  header.cbPrime1 = static_cast<ULONG>(k.prime1.Reveal().size());
  header.cbPrime2 = static_cast<ULONG>(k.prime2.Reveal().size());
  std::string blob;
  blob.reserve(sizeof(header) + header.cbPublicExp + header.cbModulus + header.cbPrime1 + header.cbPrime2);
  blob.append(reinterpret_cast<const char*>(&header), sizeof(header));
  for (const Secret* part : {&k.public_exponent, &k.modulus, &k.prime1, &k.prime2}) blob += part->Reveal();
  return Secret(std::move(blob));
}

Error KeyFormatError(std::string_view key_text) {
  if (key_text.find("ENCRYPTED") != std::string_view::npos) {
    return {Errc::kInvalidInput, "private key is encrypted",
            "store the key unencrypted in a file only the agent's account can read "
            "(openssl pkey -in key.pem -out plain.pem), or use certificate_thumbprint with the certificate "
            "in LocalMachine\\My"};
  }
  const std::string labels = PemLabels(key_text);
  return {
      Errc::kInvalidInput,
      "private key is not a PEM private key (" + (labels.empty() ? "no PEM block" : "found " + labels) + ")",
      "give the certificate's private key as PEM (-----BEGIN PRIVATE KEY-----)"};
}

}  // namespace

struct ClientCertificate::Impl {
  CertificateContext cert;
  AlgorithmHandle rsa;  // outlives key (declared first, destroyed last)
  KeyHandle key;        // PEM: the imported key
  NcryptKey store_key;  // the store: the certificate's key in its provider
  std::string sha1;
  std::string sha256;
  std::string subject;
  SysTime not_before;
  SysTime not_after;
};

namespace {

// A template so that it can take ClientCertificate's private Impl by deduction.
template <class Impl>
Status FillPublicFacts(Impl& impl) {
  const std::string_view der(reinterpret_cast<const char*>(impl.cert->pbCertEncoded),
                             impl.cert->cbCertEncoded);
  auto sha1 = Hash(BCRYPT_SHA1_ALGORITHM, der);
  if (!sha1) return std::unexpected(std::move(sha1.error()));
  auto sha256 = Hash(BCRYPT_SHA256_ALGORITHM, der);
  if (!sha256) return std::unexpected(std::move(sha256.error()));
  impl.sha1 = std::move(*sha1);
  impl.sha256 = std::move(*sha256);
  auto* name = &impl.cert->pCertInfo->Subject;
  const DWORD n = CertNameToStrW(X509_ASN_ENCODING, name, CERT_X500_NAME_STR, nullptr, 0);
  std::wstring subject(n, L'\0');
  if (n > 1) CertNameToStrW(X509_ASN_ENCODING, name, CERT_X500_NAME_STR, subject.data(), n);
  if (!subject.empty()) subject.pop_back();  // the terminating NUL
  impl.subject = ctim::windows::Utf8(subject);
  impl.not_before = ToSysTime(impl.cert->pCertInfo->NotBefore);
  impl.not_after = ToSysTime(impl.cert->pCertInfo->NotAfter);
  return {};
}

}  // namespace

Result<ClientCertificate> ClientCertificate::FromPem(std::string_view certificate_pem,
                                                     const Secret& private_key_pem) {
  auto impl = std::make_shared<Impl>();
  const auto cert_der = PemBlock(certificate_pem, "CERTIFICATE");
  if (cert_der) {
    impl->cert.reset(CertCreateCertificateContext(X509_ASN_ENCODING | PKCS_7_ASN_ENCODING,
                                                  reinterpret_cast<const BYTE*>(cert_der->data()),
                                                  static_cast<DWORD>(cert_der->size())));
  }
  if (!impl->cert) {
    return Fail(Errc::kInvalidInput, "certificate is not a PEM certificate",
                "export the app's certificate as PEM (-----BEGIN CERTIFICATE-----)");
  }

  const std::string& key_text = private_key_pem.Reveal();
  Result<RsaPrivateNumbers> numbers = std::unexpected(KeyFormatError(key_text));
  if (auto der = PemBlock(key_text, "PRIVATE KEY")) {
    const Secret wiped(std::move(*der));
    numbers = ParseRsaPrivateKeyDer(wiped.Reveal(), /*pkcs8=*/true);
  } else if (auto rsa_der = PemBlock(key_text, "RSA PRIVATE KEY")) {
    const Secret wiped(std::move(*rsa_der));
    numbers = ParseRsaPrivateKeyDer(wiped.Reveal(), /*pkcs8=*/false);
  }
  if (!numbers) return std::unexpected(std::move(numbers.error()));

  auto cert_public = CertificateRsaPublic(impl->cert.get());
  if (!cert_public) return std::unexpected(std::move(cert_public.error()));
  if (cert_public->first != numbers->modulus.Reveal() ||
      cert_public->second != numbers->public_exponent.Reveal()) {
    return Fail(Errc::kInvalidInput, "private key does not belong to the certificate",
                "give the key file that was generated with this certificate");
  }

  BCRYPT_ALG_HANDLE raw_alg = nullptr;
  NTSTATUS st = BCryptOpenAlgorithmProvider(&raw_alg, BCRYPT_RSA_ALGORITHM, nullptr, 0);
  impl->rsa.reset(raw_alg);
  if (st != 0) return Fail(Errc::kInternal, "BCryptOpenAlgorithmProvider(RSA): " + Hex(st));
  const Secret blob = PrivateBlob(*numbers);
  BCRYPT_KEY_HANDLE raw_key = nullptr;
  st = BCryptImportKeyPair(impl->rsa.get(), nullptr, BCRYPT_RSAPRIVATE_BLOB, &raw_key,
                           reinterpret_cast<PUCHAR>(const_cast<char*>(blob.Reveal().data())),
                           static_cast<ULONG>(blob.Reveal().size()), 0);
  impl->key.reset(raw_key);
  if (st != 0) {
    return Fail(Errc::kInvalidInput, "CNG refused the RSA private key (BCryptImportKeyPair " + Hex(st) + ")",
                "check that the key file holds one complete RSA key");
  }
  if (auto facts = FillPublicFacts(*impl); !facts) return std::unexpected(std::move(facts.error()));
  return ClientCertificate(std::move(impl));
}

Result<ClientCertificate> ClientCertificate::FromSystemStore(std::string_view thumbprint) {
  // certlm.msc shows the thumbprint with spaces, and a copy from its dialog can start with an invisible
  // U+200E (left-to-right mark): both are dropped.
  std::string text(thumbprint);
  for (std::size_t at = text.find("\u200e"); at != std::string::npos; at = text.find("\u200e"))
    text.erase(at, 3);
  std::string hash;
  for (char c : text) {
    if (c == ' ' || c == ':') continue;
    const int v = (c >= '0' && c <= '9')   ? c - '0'
                  : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                  : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                           : -1;
    if (v < 0) {
      return Fail(Errc::kInvalidInput,
                  "certificate_thumbprint \"" + std::string(thumbprint) + "\" is not hex",
                  "copy the Thumbprint of the certificate (40 hex digits) from certlm.msc or "
                  "Get-ChildItem Cert:\\LocalMachine\\My");
    }
    hash.push_back(static_cast<char>(v));
  }
  if (hash.size() != 40) {
    return Fail(Errc::kInvalidInput, "certificate_thumbprint must be 40 hex digits (a SHA-1 thumbprint)",
                "copy the Thumbprint of the certificate from Get-ChildItem Cert:\\LocalMachine\\My");
  }
  std::string bytes;
  for (std::size_t i = 0; i < hash.size(); i += 2)
    bytes.push_back(static_cast<char>((hash[i] << 4) | hash[i + 1]));

  const CertStore store(CertOpenStore(
      CERT_STORE_PROV_SYSTEM_W, 0, 0,
      CERT_SYSTEM_STORE_LOCAL_MACHINE | CERT_STORE_OPEN_EXISTING_FLAG | CERT_STORE_READONLY_FLAG, L"My"));
  if (!store) {
    return Fail(Errc::kInvalidInput, "cannot open the certificate store LocalMachine\\My (" +
                                         ctim::windows::SystemMessage(GetLastError()) + ")");
  }
  CRYPT_HASH_BLOB blob{static_cast<DWORD>(bytes.size()), reinterpret_cast<BYTE*>(bytes.data())};
  auto impl = std::make_shared<Impl>();
  impl->cert.reset(
      CertFindCertificateInStore(store.get(), X509_ASN_ENCODING, 0, CERT_FIND_SHA1_HASH, &blob, nullptr));
  if (!impl->cert) {
    return Fail(Errc::kInvalidInput,
                "no certificate with thumbprint " + std::string(thumbprint) + " in LocalMachine\\My",
                "import the app's certificate with its private key into Local Computer > Personal "
                "(Import-PfxCertificate -CertStoreLocation Cert:\\LocalMachine\\My)");
  }
  if (auto rsa = CertificateRsaPublic(impl->cert.get()); !rsa) return std::unexpected(std::move(rsa.error()));
  HCRYPTPROV_OR_NCRYPT_KEY_HANDLE handle = 0;
  DWORD spec = 0;
  BOOL must_free = FALSE;
  if (!CryptAcquireCertificatePrivateKey(impl->cert.get(),
                                         CRYPT_ACQUIRE_ONLY_NCRYPT_KEY_FLAG | CRYPT_ACQUIRE_SILENT_FLAG,
                                         nullptr, &handle, &spec, &must_free) ||
      spec != CERT_NCRYPT_KEY_SPEC) {
    return Fail(Errc::kInvalidInput,
                "the certificate " + std::string(thumbprint) + " has no private key this account may use (" +
                    ctim::windows::SystemMessage(GetLastError()) + ")",
                "import it with its private key, and grant the service account read access to the key "
                "(certlm.msc > the certificate > All Tasks > Manage Private Keys)");
  }
  // Without CRYPT_ACQUIRE_CACHE_FLAG the caller owns the handle (must_free is TRUE).
  impl->store_key = NcryptKey(handle);
  if (auto facts = FillPublicFacts(*impl); !facts) return std::unexpected(std::move(facts.error()));
  return ClientCertificate(std::move(impl));
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
  auto digest = Hash(BCRYPT_SHA256_ALGORITHM, data);
  if (!digest) return std::unexpected(std::move(digest.error()));
  // RFC 7518 3.5: PSS with MGF1-SHA-256 and a salt as long as the hash; CNG's PSS uses the same hash for
  // MGF1. RS256: PKCS#1 v1.5 with the SHA-256 DigestInfo.
  BCRYPT_PSS_PADDING_INFO pss{BCRYPT_SHA256_ALGORITHM, 32};
  BCRYPT_PKCS1_PADDING_INFO pkcs1{BCRYPT_SHA256_ALGORITHM};
  const bool is_pss = mode == AssertionMode::kPs256;
  void* padding = is_pss ? static_cast<void*>(&pss) : static_cast<void*>(&pkcs1);
  const ULONG flags = is_pss ? BCRYPT_PAD_PSS : BCRYPT_PAD_PKCS1;
  auto* hash = reinterpret_cast<PUCHAR>(digest->data());
  const auto hash_size = static_cast<ULONG>(digest->size());
  ULONG size = 0;
  std::string signature;
  if (impl_->key) {
    NTSTATUS st = BCryptSignHash(impl_->key.get(), padding, hash, hash_size, nullptr, 0, &size, flags);
    signature.resize(size);
    if (st == 0) {
      st = BCryptSignHash(impl_->key.get(), padding, hash, hash_size,
                          reinterpret_cast<PUCHAR>(signature.data()), size, &size, flags);
    }
    if (st != 0) return Fail(Errc::kInternal, "BCryptSignHash: " + Hex(st));
  } else {
    DWORD nsize = 0;
    SECURITY_STATUS st =
        NCryptSignHash(impl_->store_key.get(), padding, hash, hash_size, nullptr, 0, &nsize, flags);
    signature.resize(nsize);
    if (st == 0) {
      st = NCryptSignHash(impl_->store_key.get(), padding, hash, hash_size,
                          reinterpret_cast<PBYTE>(signature.data()), nsize, &nsize,
                          flags | NCRYPT_SILENT_FLAG);
    }
    if (st != 0) {
      return Fail(Errc::kInternal, "NCryptSignHash with the certificate's key: " + Hex(st),
                  "check that the service account may use the certificate's private key");
    }
    size = nsize;
  }
  signature.resize(size);
  return signature;
}

}  // namespace ctim::sync
