#include "service/config.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace ctim::service {
namespace {

constexpr std::string_view kLab = R"(
[ldap]
url = "ldap://dc1.lab.example"
bind = "gssapi"
principal = "svc-ctim@LAB.EXAMPLE"
keytab = "/tmp/lab/svc-ctim.keytab"
base_dns = ["OU=CTIM,DC=lab,DC=example"]
gc_url = "ldap://dc1.lab.example:3268"
window = 128

[agent]
journal = "/tmp/lab/journal.db"
target_delivery_domain = "targettenant.mail.onmicrosoft.com"
)";

TEST(Config, ReadsTheLabConfig) {
  auto config = ParseConfig(kLab, "lab.toml");
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(config->ldap.url, "ldap://dc1.lab.example");
  EXPECT_EQ(config->ldap.window, 128);
  EXPECT_EQ(config->ldap.page_size, 1000);  // default kept
  EXPECT_EQ(config->ldap.paging, "when-limited");
  ASSERT_EQ(config->ldap.base_dns.size(), 1u);
  EXPECT_FALSE(config->cloud.configured);
  EXPECT_TRUE(ValidateConfig(*config)) << ValidateConfig(*config).error().ToString();
}

TEST(Config, ErrorsNameFileLineAndKey) {
  struct Case {
    const char* name;
    const char* text;
    const char* expected;
  } cases[] = {
      {"unknown key", "[ldap]\nurl = \"ldap://x\"\nwindw = 3\n", "lab.toml:3: unknown key [ldap] windw"},
      {"wrong type", "[ldap]\nwindow = \"64\"\n", "lab.toml:2: [ldap] window must be an integer"},
      {"out of range", "[ldap]\nwindow = 0\n", "lab.toml:2: [ldap] window must be between 1 and 1024"},
      {"unknown section", "[ldpa]\nurl = \"x\"\n", "lab.toml:1: unknown top-level key or section \"ldpa\""},
      {"bad list", "[ldap]\nbase_dns = \"OU=x\"\n", "lab.toml:2: [ldap] base_dns must be a list of strings"},
      {"syntax", "[ldap\n", "lab.toml:1:"},
  };
  for (const auto& c : cases) {
    auto config = ParseConfig(c.text, "lab.toml");
    ASSERT_FALSE(config) << c.name;
    EXPECT_EQ(config.error().code, Errc::kInvalidInput) << c.name;
    EXPECT_TRUE(config.error().message.starts_with(c.expected)) << c.name << ": " << config.error().message;
  }
}

TEST(Config, ValidationRefusesUnsafeOrIncompleteCombinations) {
  struct Case {
    const char* name;
    const char* text;
    const char* expected;
  } cases[] = {
      {"simple bind in clear",
       "[ldap]\nurl=\"ldap://dc\"\nbind=\"simple\"\nbind_dn=\"a\"\npassword_file=\"p\"\nbase_dns=[\"OU=x\"]\n",
       "would send the password in clear"},
      {"gssapi in tls", "[ldap]\nurl=\"ldaps://dc\"\nbase_dns=[\"OU=x\"]\n", "GSSAPI inside TLS"},
      {"no base", "[ldap]\nurl=\"ldap://dc\"\n", "base_dns is empty"},
      {"bad bind", "[ldap]\nurl=\"ldap://dc\"\nbind=\"ntlm\"\nbase_dns=[\"OU=x\"]\n", "is not a bind mode"},
      {"bad paging", "[ldap]\nurl=\"ldap://dc\"\npaging=\"never\"\nbase_dns=[\"OU=x\"]\n", "is not a paging mode"},
      {"bad assertion",
       "[ldap]\nurl=\"ldap://dc\"\nbase_dns=[\"OU=x\"]\n[cloud]\ntenant_id=\"t\"\nclient_id=\"c\"\n"
       "assertion=\"HS256\"\ncertificate_file=\"c\"\nprivate_key_file=\"k\"\n",
       "assertion = \"HS256\" is not supported"},
      {"cert without key",
       "[ldap]\nurl=\"ldap://dc\"\nbase_dns=[\"OU=x\"]\n[cloud]\ntenant_id=\"t\"\nclient_id=\"c\"\n"
       "certificate_file=\"c\"\n",
       "either certificate_file + private_key_file"},
  };
  for (const auto& c : cases) {
    auto config = ParseConfig(c.text, "t.toml");
    ASSERT_TRUE(config) << c.name << ": " << config.error().ToString();
    auto status = ValidateConfig(*config);
    ASSERT_FALSE(status) << c.name;
    EXPECT_NE(status.error().message.find(c.expected), std::string::npos) << c.name << ": " << status.error().message;
  }
}

// Which commands a file serves: the same section checks the commands make (cmd_config.cpp prints this).
std::string Missing(const std::vector<CommandSupport>& support, std::string_view command) {
  for (const CommandSupport& s : support) {
    if (s.command == command) return s.missing.value_or("");
  }
  ADD_FAILURE() << command << " not listed";
  return "?";
}

TEST(ConfigSupport, ACloudOnlyFileServesVerifyButNotTheLdapCommands) {
  auto config = ParseConfig(
      "[cloud]\ntenant_id=\"t\"\nclient_id=\"c\"\ncertificate_file=\"c.pem\"\nprivate_key_file=\"k.pem\"\n",
      "cloud.toml");
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_FALSE(config->ldap.configured);
  EXPECT_TRUE(ValidateCloud(*config));
  EXPECT_TRUE(ValidateAgent(*config));
  ASSERT_FALSE(ValidateLdap(*config));
  EXPECT_NE(ValidateLdap(*config).error().message.find("[ldap] url is missing"), std::string::npos);
  const auto support = SupportedCommands(*config);
  EXPECT_EQ(Missing(support, "verify"), "");
  EXPECT_EQ(Missing(support, "check"), "");
  EXPECT_EQ(Missing(support, "runs"), "");
  EXPECT_EQ(Missing(support, "show"), "");
  for (std::string_view command : {"doctor", "plan", "write", "rollback", "serve"}) {
    EXPECT_EQ(Missing(support, command), "no [ldap]") << command;
  }
}

TEST(ConfigSupport, AnLdapOnlyFileServesEverythingButTheCloudCommands) {
  auto config = ParseConfig(kLab, "lab.toml");
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_TRUE(config->ldap.configured);
  const auto support = SupportedCommands(*config);
  for (std::string_view command : {"check", "doctor", "plan", "write", "rollback", "runs", "show"}) {
    EXPECT_EQ(Missing(support, command), "") << command;
  }
  EXPECT_EQ(Missing(support, "verify"), "no [cloud]");
  EXPECT_EQ(Missing(support, "serve"), "no [cloud]");
}

TEST(ConfigSupport, AnUnusableSectionIsNamedAndAnEmptyFileServesTheLocalCommands) {
  auto broken = ParseConfig("[ldap]\nurl=\"ldap://dc\"\n[cloud]\ntenant_id=\"t\"\n", "b.toml");
  ASSERT_TRUE(broken) << broken.error().ToString();
  const auto support = SupportedCommands(*broken);
  EXPECT_EQ(Missing(support, "plan"), "[ldap] is not usable");
  EXPECT_EQ(Missing(support, "verify"), "[cloud] is not usable");
  EXPECT_EQ(Missing(support, "serve"), "[ldap] is not usable, [cloud] is not usable");
  EXPECT_FALSE(ValidateConfig(*broken));

  auto empty = ParseConfig("", "e.toml");
  ASSERT_TRUE(empty) << empty.error().ToString();
  const auto local = SupportedCommands(*empty);
  EXPECT_EQ(Missing(local, "check"), "");
  EXPECT_EQ(Missing(local, "show"), "");
  EXPECT_EQ(Missing(local, "serve"), "no [ldap], no [cloud]");
}

}  // namespace
}  // namespace ctim::service
