#include "sync/pem_der.h"

#include <gtest/gtest.h>

#include "common/base64.h"

namespace ctim::sync {
namespace {

// A hand-built PKCS#1 RSAPrivateKey with small numbers: n = 0x00C5 (sign octet), e = 3, d = 0x11, p = 0x0B,
// q = 0x13, then the CRT numbers, each one octet.
std::string Pkcs1() {
  return std::string(
      "\x30\x19"                               // SEQUENCE
      "\x02\x01\x00"                           // version 0
      "\x02\x02\x00\xc5"                       // n
      "\x02\x01\x03"                           // e
      "\x02\x01\x11"                           // d
      "\x02\x01\x0b"                           // p
      "\x02\x01\x13"                           // q
      "\x02\x01\x01\x02\x01\x02\x02\x01\x03",  // dP dQ qInv
      27);
}

// DER TLV with a short-form length (every test structure is under 128 octets).
std::string Tlv(char tag, std::string_view content) {
  std::string out;
  out.push_back(tag);
  out.push_back(static_cast<char>(content.size()));
  out.append(content);
  return out;
}

std::string Pkcs8(std::string_view oid) {
  std::string algorithm = Tlv('\x06', oid);
  algorithm.append("\x05\x00", 2);
  std::string body("\x02\x01\x00", 3);
  body += Tlv('\x30', algorithm);
  body += Tlv('\x04', Pkcs1());
  return Tlv('\x30', body);
}

TEST(PemDer, Pkcs1NumbersWithoutSignOctet) {
  auto k = ParseRsaPrivateKeyDer(Pkcs1(), false);
  ASSERT_TRUE(k) << k.error().message;
  EXPECT_EQ(k->modulus.Reveal(), "\xc5");
  EXPECT_EQ(k->public_exponent.Reveal(), "\x03");
  EXPECT_EQ(k->prime1.Reveal(), "\x0b");
  EXPECT_EQ(k->prime2.Reveal(), "\x13");
}

TEST(PemDer, Pkcs8UnwrapsRsaAndRefusesOtherAlgorithms) {
  auto k = ParseRsaPrivateKeyDer(Pkcs8("\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01"), true);
  ASSERT_TRUE(k) << k.error().message;
  EXPECT_EQ(k->modulus.Reveal(), "\xc5");
  auto ec = ParseRsaPrivateKeyDer(Pkcs8("\x2a\x86\x48\xce\x3d\x02\x01"), true);  // id-ecPublicKey
  ASSERT_FALSE(ec);
  EXPECT_EQ(ec.error().message, "private key is not an RSA key");
}

TEST(PemDer, TruncatedOrWrongDerIsInvalidInput) {
  const std::string good = Pkcs1();
  for (std::size_t n = 0; n < good.size(); ++n) {
    auto k = ParseRsaPrivateKeyDer(good.substr(0, n), false);
    ASSERT_FALSE(k) << n;
    EXPECT_EQ(k.error().code, Errc::kInvalidInput);
  }
  EXPECT_FALSE(ParseRsaPrivateKeyDer(good, true));  // PKCS#1 where PKCS#8 is expected
}

TEST(PemDer, PemBlockByLabelAndLabelsListed) {
  const std::string text = "junk\n-----BEGIN CERTIFICATE-----\n" + Base64Encode("abc") +
                           "\n-----END CERTIFICATE-----\n-----BEGIN RSA PRIVATE KEY-----\n" +
                           Base64Encode("k") + "\r\n-----END RSA PRIVATE KEY-----\n";
  EXPECT_EQ(PemBlock(text, "CERTIFICATE").value_or(""), "abc");
  EXPECT_EQ(PemBlock(text, "RSA PRIVATE KEY").value_or(""), "k");
  EXPECT_FALSE(PemBlock(text, "PRIVATE KEY"));
  EXPECT_EQ(PemLabels(text), "CERTIFICATE, RSA PRIVATE KEY");
  EXPECT_FALSE(PemBlock("-----BEGIN X-----\n!!!\n-----END X-----", "X"));
}

}  // namespace
}  // namespace ctim::sync
