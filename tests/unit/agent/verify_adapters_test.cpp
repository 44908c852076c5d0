// The pure parts of the cloud adapters: which EXO lookup to use, and Graph/EXO values as the agent sees them.
#include <gtest/gtest.h>

#include "agent/adapters/cloud_verify_source.h"
#include "agent/adapters/graph_cloud.h"
#include "agent_test_util.h"

namespace ctim::agent {
namespace {

using testing::G;

TEST(VerifyExoLookup, BulkFirstThenPerUserWhenCheaperOrRefused) {
  EXPECT_EQ(ChooseExoLookup(20000, std::nullopt, false), ExoLookup::kBulk);  // cost not known yet
  EXPECT_EQ(ChooseExoLookup(1, std::nullopt, false), ExoLookup::kBulk);
  EXPECT_EQ(ChooseExoLookup(19, 20, false), ExoLookup::kPerUser);  // 19 calls < 20 pages
  EXPECT_EQ(ChooseExoLookup(20, 20, false), ExoLookup::kBulk);
  EXPECT_EQ(ChooseExoLookup(5000, 20, false), ExoLookup::kBulk);
  EXPECT_EQ(ChooseExoLookup(5000, 20, true), ExoLookup::kPerUser);  // bulk refused by the tenant
}

sync::CloudUser GraphUser() {
  sync::CloudUser u;
  u.id = "7c1e3c2a-51d4-4d8e-8f63-2d8f0b6a1c11";
  u.on_premises_sync_enabled = true;
  u.on_premises_immutable_id = "x1nAHpaDC02vTta9TBKo2A==";
  u.on_premises_security_identifier = "S-1-5-21-1-2-3-1104";
  u.on_premises_distinguished_name = "CN=Lara,OU=CTIM,DC=lab,DC=example";
  u.assigned_license_sku_ids = {"6fd2c87f-b296-42f0-b197-1e91e994b900"};
  u.proxy_addresses = {"SMTP:lara@target.example"};
  u.provisioning_errors = {{"PropertyConflict", "ProxyAddress", "X500:/o=A/cn=x", "2026-01-10T12:00:00Z"}};
  u.service_provisioning_errors = {{"exchange/nam01", "<Error>dup\r\nlicate</Error>", false, ""},
                                   {"exchange/nam01", "resolved", true, ""}};
  return u;
}

TEST(VerifyAdapters, GraphUserToCloudIdentity) {
  const CloudIdentity id = ToCloudIdentity(GraphUser());
  EXPECT_TRUE(id.on_premises_sync_enabled);
  EXPECT_EQ(id.immutable_id, "x1nAHpaDC02vTta9TBKo2A==");
  EXPECT_EQ(id.security_identifier, "S-1-5-21-1-2-3-1104");
  EXPECT_EQ(id.distinguished_name, "CN=Lara,OU=CTIM,DC=lab,DC=example");
  EXPECT_EQ(id.exchange_license_assigned, std::optional<bool>(true));
  EXPECT_FALSE(id.recipient_type_details);

  sync::CloudUser cloud_only;
  cloud_only.id = "7c1e3c2a-51d4-4d8e-8f63-2d8f0b6a1c12";
  const CloudIdentity none = ToCloudIdentity(cloud_only);
  EXPECT_FALSE(none.on_premises_sync_enabled);
  EXPECT_FALSE(none.immutable_id);
  EXPECT_FALSE(none.security_identifier);
  EXPECT_EQ(none.exchange_license_assigned, std::optional<bool>(false));
}

TEST(VerifyAdapters, GraphUserToCloudUserState) {
  const CloudUserState s = ToCloudUserState(GraphUser());
  EXPECT_TRUE(s.sync_enabled);
  EXPECT_EQ(s.exchange_license, std::optional<bool>(true));
  ASSERT_EQ(s.provisioning_errors.size(), 1u);
  EXPECT_EQ(s.provisioning_errors[0].property, "ProxyAddress");
  EXPECT_EQ(s.provisioning_errors[0].value, "X500:/o=A/cn=x");
  ASSERT_EQ(s.service_errors.size(), 1u);  // the resolved one is left out
  EXPECT_EQ(s.service_errors[0], "exchange/nam01: <Error>dup  licate</Error>");
  EXPECT_FALSE(s.mail_user);
}

TEST(VerifyAdapters, MailUserToMailUserState) {
  sync::MailUser m;
  m.exchange_guid = G("1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8");
  m.email_addresses = {"X500:/o=A/cn=x"};
  m.external_email_address = "SMTP:lara@fabrikam.com";
  m.recipient_type_details = "MailUser";
  const MailUserState s = ToMailUserState(m);
  EXPECT_EQ(s.exchange_guid, m.exchange_guid);
  EXPECT_FALSE(s.archive_guid);
  EXPECT_EQ(s.email_addresses, m.email_addresses);
  EXPECT_EQ(s.external_email_address, "SMTP:lara@fabrikam.com");
  EXPECT_EQ(s.recipient_type_details, "MailUser");
}

}  // namespace
}  // namespace ctim::agent
