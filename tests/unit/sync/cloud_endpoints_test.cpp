#include "sync/cloud_endpoints.h"

#include <gtest/gtest.h>

namespace ctim::sync {
namespace {

TEST(CloudEndpoints, PresetsMatchFactSheet) {
  struct Case {
    std::string_view preset;
    std::string_view login, graph, exo;
  };
  const Case cases[] = {
      {"worldwide", "https://login.microsoftonline.com", "https://graph.microsoft.com",
       "https://outlook.office365.com"},
      {"gcc", "https://login.microsoftonline.com", "https://graph.microsoft.com",
       "https://outlook.office365.com"},
      {"gcchigh", "https://login.microsoftonline.us", "https://graph.microsoft.us",
       "https://outlook.office365.us"},
      {"dod", "https://login.microsoftonline.us", "https://dod-graph.microsoft.us",
       "https://outlook-dod.office365.us"},
      {"china", "https://login.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn",
       "https://partner.outlook.cn"},
  };
  ASSERT_EQ(EndpointPresetNames().size(), std::size(cases));
  for (const Case& c : cases) {
    auto e = EndpointPreset(c.preset);
    ASSERT_TRUE(e) << c.preset;
    EXPECT_EQ(e->login_url, c.login) << c.preset;
    EXPECT_EQ(e->graph_url, c.graph) << c.preset;
    EXPECT_EQ(e->exo_url, c.exo) << c.preset;
    EXPECT_EQ(GraphScope(*e), std::string(c.graph) + "/.default") << c.preset;
    EXPECT_EQ(ExoScope(*e), std::string(c.exo) + "/.default") << c.preset;
  }
}

TEST(CloudEndpoints, PresetNamesAreCaseInsensitiveAndUnknownIsInvalidInput) {
  EXPECT_TRUE(EndpointPreset("GccHigh"));
  auto bad = EndpointPreset("moon");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::kInvalidInput);
  EXPECT_NE(bad.error().hint.find("gcchigh"), std::string::npos);
}

TEST(CloudEndpoints, TokenUrlAndScopeOverrides) {
  CloudEndpoints e{"https://127.0.0.1:9441", "https://127.0.0.1:9442", "https://127.0.0.1:9443", {}, {}};
  EXPECT_EQ(TokenUrl(e, "contoso.onmicrosoft.com"),
            "https://127.0.0.1:9441/contoso.onmicrosoft.com/oauth2/v2.0/token");
  EXPECT_EQ(GraphScope(e), "https://127.0.0.1:9442/.default");
  e.exo_scope = "https://outlook.office365.com/.default";
  EXPECT_EQ(ExoScope(e), "https://outlook.office365.com/.default");
}

TEST(CloudEndpoints, NormalizeStripsSlashesAndRejectsNonHttps) {
  auto ok = NormalizeEndpoints(
      {"https://login.example/", "HTTPS://graph.example//", "https://exo.example:8443", {}, {}});
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->login_url, "https://login.example");
  EXPECT_EQ(ok->graph_url, "HTTPS://graph.example");

  for (std::string_view bad :
       {"http://graph.example", "graph.example", "https://graph.example/?x=1", "https://", "https://a b"}) {
    auto r = NormalizeEndpoints({"https://login.example", std::string(bad), "https://exo.example", {}, {}});
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, Errc::kInvalidInput) << bad;
    EXPECT_NE(r.error().message.find("graph_url"), std::string::npos) << bad;
  }
}

TEST(CloudEndpoints, TenantIdIsGuidOrDomain) {
  for (std::string_view ok :
       {"72f988bf-86f1-41af-91ab-2d7cd011db47", "contoso.onmicrosoft.com", "fabrikam-1.com"}) {
    EXPECT_TRUE(ValidateTenantId(ok)) << ok;
  }
  for (std::string_view bad : {"", "../common", "a/b", "contoso..com", ".contoso", "x y",
                               "{72f988bf-86f1-41af-91ab-2d7cd011db47}"}) {
    auto r = ValidateTenantId(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, Errc::kInvalidInput);
  }
}

}  // namespace
}  // namespace ctim::sync
