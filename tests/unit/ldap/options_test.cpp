#include "ldap/options.h"

#include <gtest/gtest.h>

#include "ldap/connection.h"

namespace ctim::ldap {
namespace {

TEST(ParseLdapUrl, AcceptsOneServer) {
  struct Row {
    const char* url;
    bool ldaps;
    const char* host;
    int port;
  };
  const Row rows[] = {
      {"ldap://dc1.lab.example", false, "dc1.lab.example", 389},
      {"ldaps://dc1.lab.example", true, "dc1.lab.example", 636},
      {"LDAPS://DC1:3269/", true, "DC1", 3269},
      {"ldap://127.0.0.1:1389", false, "127.0.0.1", 1389},
      {"ldap://[::1]:389", false, "::1", 389},
      {"ldaps://[fe80::1]", true, "fe80::1", 636},
  };
  for (const Row& r : rows) {
    auto url = ParseLdapUrl(r.url);
    ASSERT_TRUE(url) << r.url << ": " << url.error().message;
    EXPECT_EQ(url->ldaps, r.ldaps) << r.url;
    EXPECT_EQ(url->host, r.host) << r.url;
    EXPECT_EQ(url->port, r.port) << r.url;
  }
}

TEST(ParseLdapUrl, RejectsEverythingElse) {
  for (const char* bad :
       {"", "dc1", "http://dc1", "ldapi:///var/run/ldapi", "ldap://", "ldap:///", "ldap://dc1:0",
        "ldap://dc1:65536", "ldap://dc1:x", "ldap://dc1:", "ldap://dc1/DC=x", "ldap://a ldap://b",
        "ldap://dc1?cn", "ldap://[::1", "ldap://[::1]x"}) {
    auto url = ParseLdapUrl(bad);
    EXPECT_FALSE(url) << bad;
    if (!url) {
      EXPECT_EQ(url.error().code, Errc::kInvalidInput) << bad;
    }
  }
}

ConnectOptions Simple(std::string url, bool start_tls = false) {
  ConnectOptions o;
  o.url = std::move(url);
  o.start_tls = start_tls;
  o.bind = BindMethod::kSimple;
  o.bind_dn = "CN=svc,DC=x";
  o.password = Secret("pw");
  return o;
}

TEST(ValidateConnectOptions, SimpleBindOnlyOverTls) {
  EXPECT_TRUE(ValidateConnectOptions(Simple("ldaps://dc1")));
  EXPECT_TRUE(ValidateConnectOptions(Simple("ldap://dc1", true)));
  const Status plain = ValidateConnectOptions(Simple("ldap://dc1"));
  ASSERT_FALSE(plain);
  EXPECT_EQ(plain.error().code, Errc::kInvalidInput);
  EXPECT_NE(plain.error().message.find("clear text"), std::string::npos) << plain.error().message;
  EXPECT_NE(plain.error().hint.find("ldaps://"), std::string::npos) << plain.error().hint;
  EXPECT_NE(plain.error().hint.find("StartTLS"), std::string::npos) << plain.error().hint;
}

TEST(ValidateConnectOptions, RefusesGssapiInsideTls) {
  ConnectOptions o;
  o.url = "ldaps://dc1";
  o.bind = BindMethod::kGssapi;
  const Status ldaps = ValidateConnectOptions(o);
  ASSERT_FALSE(ldaps);
  EXPECT_NE(ldaps.error().message.find("GSSAPI inside TLS"), std::string::npos) << ldaps.error().message;
  o.url = "ldap://dc1";
  o.start_tls = true;
  EXPECT_FALSE(ValidateConnectOptions(o));
  o.start_tls = false;
  EXPECT_TRUE(ValidateConnectOptions(o));
}

TEST(ValidateConnectOptions, OtherRefusals) {
  struct Row {
    const char* name;
    ConnectOptions options;
  };
  ConnectOptions both_tls = Simple("ldaps://dc1", true);
  ConnectOptions no_dn = Simple("ldaps://dc1");
  no_dn.bind_dn.clear();
  ConnectOptions no_pw = Simple("ldaps://dc1");
  no_pw.password = Secret();
  ConnectOptions krb_both;
  krb_both.url = "ldap://dc1";
  krb_both.keytab = "/k";
  krb_both.ccache = "FILE:/c";
  ConnectOptions krb_pw;
  krb_pw.url = "ldap://dc1";
  krb_pw.password = Secret("x");
  ConnectOptions zero_timeout = Simple("ldaps://dc1");
  zero_timeout.operation_timeout = std::chrono::milliseconds(0);
  ConnectOptions bad_url = Simple("ldapx://dc1");
  const Row rows[] = {{"StartTLS on ldaps", both_tls},
                      {"no bind DN", no_dn},
                      {"empty password", no_pw},
                      {"keytab and ccache", krb_both},
                      {"GSSAPI with password", krb_pw},
                      {"zero timeout", zero_timeout},
                      {"bad url", bad_url}};
  for (const Row& r : rows) {
    const Status st = ValidateConnectOptions(r.options);
    ASSERT_FALSE(st) << r.name;
    EXPECT_EQ(st.error().code, Errc::kInvalidInput) << r.name;
    EXPECT_FALSE(st.error().hint.empty()) << r.name;
  }
  ConnectOptions anon;
  anon.url = "ldap://dc1";
  anon.bind = BindMethod::kAnonymous;
  EXPECT_TRUE(ValidateConnectOptions(anon));
}

// The refusal happens before any network I/O: nothing listens on 127.0.0.1:1, so an attempted connect
// would come back as kUnavailable, not as this kInvalidInput.
TEST(ConnectionOpen, RefusesPlainSimpleBindBeforeConnecting) {
  OpenStage stage = OpenStage::kDone;
  auto conn = Connection::Open(Simple("ldap://127.0.0.1:1"), &stage);
  ASSERT_FALSE(conn);
  EXPECT_EQ(conn.error().code, Errc::kInvalidInput);
  EXPECT_EQ(stage, OpenStage::kOptions);
  EXPECT_NE(conn.error().message.find("clear text"), std::string::npos) << conn.error().message;
}

TEST(Describe, NamesTheGssapiPrincipalAndKeytab) {
  ConnectOptions o;
  o.url = "ldap://dc1";
  o.keytab = "/etc/ctim-agent/svc.keytab";
  EXPECT_EQ(Describe(o), "ldap://dc1 (GSSAPI, keytab /etc/ctim-agent/svc.keytab)");
  o.principal = "svc-ctim@CONTOSO.COM";
  EXPECT_EQ(Describe(o), "ldap://dc1 as svc-ctim@CONTOSO.COM (GSSAPI, keytab /etc/ctim-agent/svc.keytab)");
}

TEST(Describe, NeverShowsThePassword) {
  ConnectOptions o = Simple("ldaps://dc1");
  o.password = Secret("Sup3r-Secret!");
  EXPECT_EQ(Describe(o), "ldaps://dc1 as CN=svc,DC=x (simple)");
}

}  // namespace
}  // namespace ctim::ldap
