#include "sync/graph_parse.h"

#include <gtest/gtest.h>

namespace ctim::sync {
namespace {

TEST(GraphParse, UserWithEveryProperty) {
  const std::string body = R"({
    "id":"6a1e0d4f-0000-4000-8000-000000000001","userPrincipalName":"bob@contoso.com","mail":"bob@contoso.com",
    "proxyAddresses":["SMTP:bob@contoso.com","X500:/o=ExchangeLabs/ou=x/cn=Recipients/cn=bob",7],
    "assignedLicenses":[{"disabledPlans":[],"skuId":"6fd2c87f-b296-42f0-b197-1e91e994b900"}],
    "onPremisesSyncEnabled":true,"onPremisesImmutableId":"x1nAHpaDC02vTta9TBKo2A==",
    "onPremisesSecurityIdentifier":"S-1-5-21-1-2-3-1104","onPremisesDistinguishedName":"CN=Bob,OU=Staff,DC=contoso,DC=com",
    "onPremisesLastSyncDateTime":"2025-03-14T12:00:00Z",
    "onPremisesProvisioningErrors":[{"category":"PropertyConflict","propertyCausingError":"ProxyAddress",
      "value":"smtp:bob@fabrikam.com","occurredDateTime":"2025-03-14T12:01:00Z"}],
    "serviceProvisioningErrors":[{"@odata.type":"#microsoft.graph.serviceProvisioningXmlError",
      "serviceInstance":"exchange/namprd03-012-01","errorDetail":"<ServiceInstance/>","isResolved":false,
      "createdDateTime":"2025-03-14T12:02:00Z"}]})";
  auto user = ParseUserBody(body);
  ASSERT_TRUE(user) << user.error().message;
  EXPECT_EQ(user->id, "6a1e0d4f-0000-4000-8000-000000000001");
  EXPECT_EQ(user->user_principal_name, "bob@contoso.com");
  EXPECT_EQ(
      user->proxy_addresses,
      (std::vector<std::string>{"SMTP:bob@contoso.com", "X500:/o=ExchangeLabs/ou=x/cn=Recipients/cn=bob"}));
  EXPECT_EQ(user->assigned_license_sku_ids, std::vector<std::string>{"6fd2c87f-b296-42f0-b197-1e91e994b900"});
  EXPECT_EQ(user->on_premises_sync_enabled, true);
  EXPECT_EQ(user->on_premises_immutable_id, "x1nAHpaDC02vTta9TBKo2A==");
  EXPECT_EQ(user->on_premises_security_identifier, "S-1-5-21-1-2-3-1104");
  EXPECT_EQ(user->on_premises_distinguished_name, "CN=Bob,OU=Staff,DC=contoso,DC=com");
  EXPECT_EQ(user->on_premises_last_sync, ParseUtcIso8601("2025-03-14T12:00:00Z"));
  ASSERT_EQ(user->provisioning_errors.size(), 1U);
  EXPECT_EQ(user->provisioning_errors[0],
            (ProvisioningError{"PropertyConflict", "ProxyAddress", "smtp:bob@fabrikam.com",
                               "2025-03-14T12:01:00Z"}));
  ASSERT_EQ(user->service_provisioning_errors.size(), 1U);
  EXPECT_EQ(user->service_provisioning_errors[0].service_instance, "exchange/namprd03-012-01");
  EXPECT_FALSE(user->service_provisioning_errors[0].is_resolved);
}

TEST(GraphParse, NullsAndWrongTypesBecomeEmpty) {
  auto user = ParseUserBody(
      R"({"id":"u1","mail":null,"onPremisesSyncEnabled":null,"onPremisesImmutableId":5,"proxyAddresses":"x",
          "onPremisesLastSyncDateTime":"yesterday","onPremisesProvisioningErrors":null})");
  ASSERT_TRUE(user);
  EXPECT_EQ(user->mail, "");
  EXPECT_FALSE(user->on_premises_sync_enabled);
  EXPECT_EQ(user->on_premises_immutable_id, "");
  EXPECT_TRUE(user->proxy_addresses.empty());
  EXPECT_FALSE(user->on_premises_last_sync);
  EXPECT_TRUE(user->provisioning_errors.empty());
  EXPECT_FALSE(ParseUserBody(R"({"mail":"x"})"));
  EXPECT_FALSE(ParseUserBody("[1,2]"));
}

TEST(GraphParse, OrganizationHeartbeat) {
  auto org = ParseOrganization(
      R"({"value":[{"id":"72f988bf-86f1-41af-91ab-2d7cd011db47","onPremisesSyncEnabled":true,"onPremisesLastSyncDateTime":"2025-03-14T11:30:00Z"}]})");
  ASSERT_TRUE(org) << org.error().message;
  EXPECT_EQ(org->tenant_id, "72f988bf-86f1-41af-91ab-2d7cd011db47");
  EXPECT_EQ(org->on_premises_sync_enabled, true);
  EXPECT_EQ(org->on_premises_last_sync, ParseUtcIso8601("2025-03-14T11:30:00Z"));
  auto never = ParseOrganization(
      R"({"value":[{"id":"t","onPremisesSyncEnabled":null,"onPremisesLastSyncDateTime":null}]})");
  ASSERT_TRUE(never);
  EXPECT_FALSE(never->on_premises_last_sync);
  auto none = ParseOrganization(R"({"value":[]})");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, Errc::kPermissionDenied);
}

TEST(GraphParse, ErrorsMapToCodesWithGraphWords) {
  struct Case {
    int status;
    Errc code;
  };
  const Case cases[] = {{400, Errc::kInvalidInput},     {401, Errc::kUnauthenticated},
                        {403, Errc::kPermissionDenied}, {404, Errc::kNotFound},
                        {429, Errc::kUnavailable},      {503, Errc::kUnavailable},
                        {302, Errc::kInvalidInput},     {409, Errc::kInternal}};
  for (const Case& c : cases) {
    HttpResponse r;
    r.status = c.status;
    r.body =
        R"({"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation.","innerError":{"request-id":"7c1e","date":"2025-03-14T12:00:00"}}})";
    const Error e = GraphError(r, "graph GET /v1.0/users/u1");
    EXPECT_EQ(e.code, c.code) << c.status;
    EXPECT_EQ(e.message.rfind(
                  "graph GET /v1.0/users/u1: " + std::to_string(c.status) +
                      " Authorization_RequestDenied: Insufficient privileges to complete the operation. "
                      "(request-id 7c1e)",
                  0),
              0U)
        << e.message;
  }
  HttpResponse r;
  r.status = 403;
  r.body = "{}";
  EXPECT_NE(GraphError(r, "x").hint.find("User.Read.All"), std::string::npos);
}

TEST(GraphParse, ODataQuoteDoublesQuotes) {
  EXPECT_EQ(ODataQuote("abc"), "'abc'");
  EXPECT_EQ(ODataQuote("o'hara"), "'o''hara'");
  EXPECT_EQ(ODataQuote(""), "''");
}

}  // namespace
}  // namespace ctim::sync
