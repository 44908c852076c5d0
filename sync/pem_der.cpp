#include "sync/pem_der.h"

#include <cstdint>

#include "common/base64.h"

namespace ctim::sync {
namespace {

constexpr unsigned char kSequence = 0x30;
constexpr unsigned char kInteger = 0x02;
constexpr unsigned char kOctetString = 0x04;
constexpr unsigned char kOid = 0x06;
// 1.2.840.113549.1.1.1 rsaEncryption, DER content octets.
constexpr std::string_view kRsaEncryptionOid = "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01";

// Reads one DER TLV with tag `tag` from the front of `in`; its content goes to `content` and `in` moves
// past it. Definite lengths only (DER has no others), at most 4 length octets.
bool Next(std::string_view& in, unsigned char tag, std::string_view& content) {
  if (in.size() < 2 || static_cast<unsigned char>(in[0]) != tag) return false;
  std::size_t pos = 1;
  const auto first = static_cast<unsigned char>(in[pos++]);
  std::size_t len = 0;
  if (first < 0x80) {
    len = first;
  } else {
    const std::size_t octets = first & 0x7FU;
    if (octets == 0 || octets > 4 || in.size() < pos + octets) return false;
    for (std::size_t i = 0; i < octets; ++i) len = (len << 8U) | static_cast<unsigned char>(in[pos++]);
  }
  if (in.size() - pos < len) return false;
  content = in.substr(pos, len);
  in.remove_prefix(pos + len);
  return true;
}

// An INTEGER as unsigned big-endian bytes without the sign octet (RSA numbers are positive).
bool NextUnsigned(std::string_view& in, Secret& out) {
  std::string_view content;
  if (!Next(in, kInteger, content) || content.empty() || (static_cast<unsigned char>(content[0]) & 0x80U)) {
    return false;
  }
  while (content.size() > 1 && content[0] == '\0') content.remove_prefix(1);
  out = Secret(std::string(content));
  return true;
}

Error Malformed(std::string_view what) {
  return {Errc::kInvalidInput, "private key is not a valid RSA key (" + std::string(what) + ")",
          "give the certificate's private key as unencrypted PEM (-----BEGIN PRIVATE KEY----- or "
          "-----BEGIN RSA PRIVATE KEY-----)"};
}

}  // namespace

std::optional<std::string> PemBlock(std::string_view text, std::string_view label) {
  const std::string begin = "-----BEGIN " + std::string(label) + "-----";
  const std::string end = "-----END " + std::string(label) + "-----";
  const std::size_t b = text.find(begin);
  if (b == std::string_view::npos) return std::nullopt;
  const std::size_t body = b + begin.size();
  const std::size_t e = text.find(end, body);
  if (e == std::string_view::npos) return std::nullopt;
  std::string base64;
  for (char c : text.substr(body, e - body)) {
    if (c != '\r' && c != '\n' && c != ' ' && c != '\t') base64.push_back(c);
  }
  return Base64Decode(base64);
}

std::string PemLabels(std::string_view text) {
  std::string labels;
  constexpr std::string_view kBegin = "-----BEGIN ";
  for (std::size_t at = text.find(kBegin); at != std::string_view::npos; at = text.find(kBegin, at + 1)) {
    const std::size_t from = at + kBegin.size();
    const std::size_t to = text.find("-----", from);
    if (to == std::string_view::npos) break;
    if (!labels.empty()) labels += ", ";
    labels += text.substr(from, to - from);
  }
  return labels;
}

Result<RsaPrivateNumbers> ParseRsaPrivateKeyDer(std::string_view der, bool pkcs8) {
  std::string_view rsa_der = der;
  if (pkcs8) {
    std::string_view info;
    std::string_view in = der;
    std::string_view version;
    std::string_view algorithm;
    std::string_view oid;
    if (!Next(in, kSequence, info)) return std::unexpected(Malformed("PKCS#8: no PrivateKeyInfo sequence"));
    if (!Next(info, kInteger, version)) return std::unexpected(Malformed("PKCS#8: no version"));
    if (!Next(info, kSequence, algorithm) || !Next(algorithm, kOid, oid)) {
      return std::unexpected(Malformed("PKCS#8: no algorithm identifier"));
    }
    if (oid != kRsaEncryptionOid) {
      return Fail(Errc::kInvalidInput, "private key is not an RSA key",
                  "Entra client assertions are signed with RSA (PS256/RS256): use an RSA certificate");
    }
    if (!Next(info, kOctetString, rsa_der)) return std::unexpected(Malformed("PKCS#8: no key octets"));
  }
  std::string_view key;
  if (!Next(rsa_der, kSequence, key)) return std::unexpected(Malformed("no RSAPrivateKey sequence"));
  std::string_view version;
  if (!Next(key, kInteger, version)) return std::unexpected(Malformed("no version"));
  if (version != std::string_view("\x00", 1)) {
    return std::unexpected(Malformed("multi-prime RSA keys are not supported"));
  }
  RsaPrivateNumbers numbers;
  Secret private_exponent;
  if (!NextUnsigned(key, numbers.modulus) || !NextUnsigned(key, numbers.public_exponent) ||
      !NextUnsigned(key, private_exponent) || !NextUnsigned(key, numbers.prime1) ||
      !NextUnsigned(key, numbers.prime2)) {
    return std::unexpected(Malformed("an RSA number is missing or negative"));
  }
  return numbers;
}

}  // namespace ctim::sync
