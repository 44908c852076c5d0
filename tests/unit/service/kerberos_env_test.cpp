#include "service/kerberos_env.h"

#include <gtest/gtest.h>

#include <array>

namespace ctim::service {
namespace {

TEST(KerberosEnv, ConfigArgumentInBothSpellingsAndNotAfterDoubleDash) {
  std::array<char*, 4> spaced = {const_cast<char*>("ctim-agent"), const_cast<char*>("write"),
                                 const_cast<char*>("--config"), const_cast<char*>("/etc/a.toml")};
  EXPECT_EQ(ConfigArgument(4, spaced.data()), "/etc/a.toml");
  std::array<char*, 3> joined = {const_cast<char*>("ctim-agent"), const_cast<char*>("plan"),
                                 const_cast<char*>("--config=/tmp/b.toml")};
  EXPECT_EQ(ConfigArgument(3, joined.data()), "/tmp/b.toml");
  std::array<char*, 4> after = {const_cast<char*>("ctim-agent"), const_cast<char*>("check"),
                                const_cast<char*>("--"), const_cast<char*>("--config=x")};
  EXPECT_EQ(ConfigArgument(4, after.data()), "");
  std::array<char*, 3> dangling = {const_cast<char*>("ctim-agent"), const_cast<char*>("plan"),
                                   const_cast<char*>("--config")};
  EXPECT_EQ(ConfigArgument(3, dangling.data()), "");
}

TEST(KerberosEnv, GssapiWithKeytabSetsAllThreeSimpleBindSetsNone) {
  LdapSettings ldap;
  ldap.bind = "gssapi";
  ldap.krb5_config = "/etc/ctim-agent/krb5.conf";
  ldap.keytab = "/etc/ctim-agent/svc.keytab";
  const auto vars = KerberosEnvironment(ldap);
  ASSERT_EQ(vars.size(), 3u);
  EXPECT_EQ(vars[0], (std::pair<std::string, std::string>{"KRB5_CONFIG", "/etc/ctim-agent/krb5.conf"}));
  EXPECT_EQ(vars[1],
            (std::pair<std::string, std::string>{"KRB5_CLIENT_KTNAME", "/etc/ctim-agent/svc.keytab"}));
  EXPECT_EQ(vars[2].first, "KRB5CCNAME");
  EXPECT_TRUE(vars[2].second.starts_with("MEMORY:ctim-ldap-")) << vars[2].second;
  ldap.keytab.clear();  // the current credential cache: only the krb5.conf
  EXPECT_EQ(KerberosEnvironment(ldap).size(), 1u);
  ldap.bind = "simple";
  EXPECT_TRUE(KerberosEnvironment(ldap).empty());
}

}  // namespace
}  // namespace ctim::service
