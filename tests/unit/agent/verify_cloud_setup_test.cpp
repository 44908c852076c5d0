// service/cloud_setup: the [cloud] section as sync::CloudConfig (tested here, with the other verify parts).
#include "service/cloud_setup.h"

#include <gtest/gtest.h>

namespace ctim::service {
namespace {

Config Parsed(std::string_view text) {
  auto config = ParseConfig(text, "test.toml");
  EXPECT_TRUE(config) << config.error().ToString();
  Config out = config ? *config : Config{};
  out.source = "test.toml";
  return out;
}

TEST(VerifyCloudSetup, MapsEveryCloudKey) {
  const Config config = Parsed(R"(
[cloud]
preset = "gcchigh"
tenant_id = "11111111-2222-4333-8444-555555555555"
client_id = "66666666-7777-4888-8999-000000000000"
certificate_file = "/etc/ctim/app.pem"
private_key_file = "/etc/ctim/app.key"
assertion = "RS256"
login_url = "https://127.0.0.1:9441"
graph_url = "https://127.0.0.1:9442"
exo_url = "https://127.0.0.1:9443"
ca_file = "/etc/ctim/ca.pem"
timeout_seconds = 12
)");
  auto cloud = ToCloudConfig(config);
  ASSERT_TRUE(cloud) << cloud.error().ToString();
  EXPECT_EQ(cloud->preset, "gcchigh");
  EXPECT_EQ(cloud->tenant_id, "11111111-2222-4333-8444-555555555555");
  EXPECT_EQ(cloud->client_id, "66666666-7777-4888-8999-000000000000");
  EXPECT_EQ(cloud->certificate_file, "/etc/ctim/app.pem");
  EXPECT_EQ(cloud->private_key_file, "/etc/ctim/app.key");
  EXPECT_EQ(cloud->assertion, sync::AssertionMode::kRs256);
  EXPECT_EQ(cloud->login_url, "https://127.0.0.1:9441");
  EXPECT_EQ(cloud->graph_url, "https://127.0.0.1:9442");
  EXPECT_EQ(cloud->exo_url, "https://127.0.0.1:9443");
  EXPECT_EQ(cloud->ca_file, "/etc/ctim/ca.pem");
  EXPECT_EQ(cloud->limits.request_timeout, std::chrono::seconds(12));
}

TEST(VerifyCloudSetup, RefusesAMissingOrIncompleteSection) {
  for (const char* text : {"[agent]\njournal = \"j.db\"\n",
                           "[cloud]\ntenant_id = \"t\"\n",
                           "[cloud]\ntenant_id = \"t\"\nclient_id = \"c\"\nassertion = \"HS256\"\n",
                           "[cloud]\ntenant_id = \"t\"\nclient_id = \"c\"\ncertificate_file = \"a.pem\"\n"}) {
    auto cloud = ToCloudConfig(Parsed(text));
    ASSERT_FALSE(cloud) << text;
    EXPECT_EQ(cloud.error().code, Errc::kInvalidInput) << text;
    EXPECT_NE(cloud.error().message.find("test.toml"), std::string::npos) << cloud.error().message;
  }
}

TEST(VerifyCloudSetup, AnUnreadableCertificateIsBadInputNamingTheFile) {
  const Config config = Parsed(
      "[cloud]\ntenant_id = \"11111111-2222-4333-8444-555555555555\"\nclient_id = \"c\"\n"
      "certificate_file = \"/nonexistent/app.pem\"\nprivate_key_file = \"/nonexistent/app.key\"\n");
  auto client = MakeCloudClient(config);
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().code, Errc::kInvalidInput);
  EXPECT_NE(client.error().message.find("/nonexistent/app.pem"), std::string::npos) << client.error().message;
}

}  // namespace
}  // namespace ctim::service
