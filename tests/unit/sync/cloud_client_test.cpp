#include "sync/cloud_client.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "test_certificate.h"

namespace ctim::sync {
namespace {

class CloudClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir_template[] = "/tmp/ctim-sync-cloud-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return dir_ / name;
  }

  CloudConfig Config(int days_valid = 365) {
    const auto keys = testing::MakeSelfSigned(2048, days_valid);
    CloudConfig c;
    c.tenant_id = "contoso.onmicrosoft.com";
    c.client_id = "11111111-2222-3333-4444-555555555555";
    c.certificate_file = Write("cert.pem", keys.certificate_pem);
    c.private_key_file = Write("key.pem", keys.private_key_pem);
    return c;
  }

  std::filesystem::path dir_;
};

TEST_F(CloudClientTest, ResolvesPresetWithIndividualOverrides) {
  CloudConfig c = Config();
  c.preset = "gcchigh";
  c.graph_url = "https://127.0.0.1:9442/";
  auto e = ResolveEndpoints(c);
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->login_url, "https://login.microsoftonline.us");
  EXPECT_EQ(e->graph_url, "https://127.0.0.1:9442");
  EXPECT_EQ(e->exo_url, "https://outlook.office365.us");
  EXPECT_EQ(GraphScope(*e), "https://127.0.0.1:9442/.default");
}

TEST_F(CloudClientTest, CreatesWithCertificateAndStartsWithZeroCounts) {
  auto client = CloudClient::Create(Config());
  ASSERT_TRUE(client) << client.error().message;
  EXPECT_TRUE((*client)->warnings().empty());
  EXPECT_EQ((*client)->counts(), CallCounts{});
  EXPECT_EQ((*client)->endpoints().graph_url, "https://graph.microsoft.com");
}

// certificate_thumbprint takes the certificate from the Windows store instead of the files; a thumbprint that
// names no certificate there (and any thumbprint on Linux) is refused, naming it.
TEST_F(CloudClientTest, CertificateThumbprintIsLookedUpInTheStoreInsteadOfTheFiles) {
  CloudConfig c = Config();
  c.certificate_file.clear();
  c.private_key_file.clear();
  c.certificate_thumbprint = "00112233445566778899aabbccddeeff00112233";
  auto client = CloudClient::Create(c);
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().code, Errc::kInvalidInput);
  EXPECT_NE(client.error().message.find(c.certificate_thumbprint), std::string::npos)
      << client.error().message;
}

TEST_F(CloudClientTest, ClientSecretIsAcceptedWithAWarning) {
  CloudConfig c = Config();
  c.certificate_file.clear();
  c.private_key_file.clear();
  c.client_secret = Secret("s3cr3t-value");
  auto client = CloudClient::Create(c);
  ASSERT_TRUE(client) << client.error().message;
  ASSERT_EQ((*client)->warnings().size(), 1U);
  EXPECT_NE((*client)->warnings()[0].find("client secret"), std::string::npos);
  EXPECT_EQ((*client)->warnings()[0].find("s3cr3t-value"), std::string::npos);
}

TEST_F(CloudClientTest, ClientSecretFileIsReadAndMustNotBeEmpty) {
  CloudConfig c = Config();
  c.certificate_file.clear();
  c.client_secret_file = Write("secret.txt", "s3cr3t-value\n");
  auto client = CloudClient::Create(c);
  ASSERT_TRUE(client) << client.error().message;
  EXPECT_EQ((*client)->warnings().size(), 1U);
  c.client_secret_file = Write("empty.txt", "\n");
  auto empty = CloudClient::Create(c);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, Errc::kInvalidInput);
  c.client_secret_file = dir_ / "missing.txt";
  auto missing = CloudClient::Create(c);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("client_secret_file"), std::string::npos);
}

TEST_F(CloudClientTest, ExpiredCertificateIsAWarningNamingIt) {
  auto client = CloudClient::Create(Config(-1));
  ASSERT_TRUE(client) << client.error().message;
  ASSERT_EQ((*client)->warnings().size(), 1U);
  EXPECT_NE((*client)->warnings()[0].find("expired"), std::string::npos);
}

TEST_F(CloudClientTest, ConfigurationErrorsNameTheField) {
  struct Case {
    const char* name;
    std::function<void(CloudConfig&)> change;
    std::string expect;
  };
  const Case cases[] = {
      {"preset", [](CloudConfig& c) { c.preset = "mars"; }, "preset"},
      {"tenant", [](CloudConfig& c) { c.tenant_id = "a/b"; }, "tenant_id"},
      {"client", [](CloudConfig& c) { c.client_id = ""; }, "client_id"},
      {"exo_url", [](CloudConfig& c) { c.exo_url = "http://127.0.0.1:9443"; }, "exo_url"},
      {"no credential", [](CloudConfig& c) { c.certificate_file.clear(); }, "no credential"},
      {"certificate file", [](CloudConfig& c) { c.certificate_file = "/nonexistent.pem"; },
       "certificate_file"},
      {"ca file", [](CloudConfig& c) { c.ca_file = "/nonexistent-ca.pem"; }, "ca_file"},
  };
  for (const Case& c : cases) {
    CloudConfig config = Config();
    c.change(config);
    auto client = CloudClient::Create(config);
    ASSERT_FALSE(client) << c.name;
    EXPECT_EQ(client.error().code, Errc::kInvalidInput) << c.name;
    EXPECT_NE(client.error().message.find(c.expect), std::string::npos)
        << c.name << ": " << client.error().message;
  }
}

}  // namespace
}  // namespace ctim::sync
