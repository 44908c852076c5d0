// Each bind mode against the lab DC, and the failures an administrator will meet: wrong password,
// wrong CA, plain simple bind, GSSAPI inside TLS, nothing listening.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "ldap/connection.h"
#include "ldap_lab.h"

namespace ctim::ldap {
namespace {

using lab::LabEnv;

class LdapBind : public ::testing::Test {
 protected:
  void SetUp() override {
    auto env = lab::ReadLabEnv();
    if (!env) GTEST_FAIL() << env.error().ToString();
    lab_ = std::move(*env);
  }
  LabEnv lab_;
};

TEST_F(LdapBind, GssapiWithClientKeytab) {
  auto conn = Connection::Open(lab::SvcKeytab(lab_));
  ASSERT_OK(conn);
  const SessionInfo& info = conn->Info();
  EXPECT_EQ(info.bind, BindMethod::kGssapi);
  EXPECT_EQ(info.tls, TlsMode::kNone);
  EXPECT_GE(info.sasl_ssf, 56u) << "GSSAPI must sign and seal";
  EXPECT_EQ(info.bind_name, lab_.svc_principal);
  auto who = conn->WhoAmI();
  ASSERT_OK(who);
  EXPECT_NE(who->authz_id.find("svc-ctim"), std::string::npos) << who->authz_id;
  auto root = conn->ReadRootDse({"defaultNamingContext"});
  ASSERT_OK(root);
  EXPECT_EQ(root->First("defaultNamingContext"), lab_.base_dn);
}

// A copy of the lab's svc-ctim keytab with Administrator's key added after it (ktutil; -f asks the lab
// KDC for the salt), in a fresh folder that is removed with the object.
class TwoPrincipalKeytab {
 public:
  explicit TwoPrincipalKeytab(const LabEnv& lab)
      : dir_(std::filesystem::temp_directory_path() / lab::UniqueName("keytab")) {
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "two.keytab").string();
    const std::string cmd = fmt::format("KRB5_CONFIG='{}' ktutil >/dev/null 2>&1", lab.krb5_config);
    FILE* ktutil = ::popen(cmd.c_str(), "w");
    if (ktutil == nullptr) return;
    std::fputs(fmt::format("rkt {}\naddent -password -p Administrator@{} -k 1 -e aes256-cts-hmac-sha1-96 -f\n"
                           "{}\nwkt {}\nquit\n",
                           lab.keytab, lab.realm, lab.admin_password.Reveal(), path_)
                   .c_str(),
               ktutil);
    ok_ = ::pclose(ktutil) == 0 && std::filesystem::exists(path_);
  }
  ~TwoPrincipalKeytab() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  TwoPrincipalKeytab(const TwoPrincipalKeytab&) = delete;
  TwoPrincipalKeytab& operator=(const TwoPrincipalKeytab&) = delete;
  [[nodiscard]] bool ok() const { return ok_; }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::filesystem::path dir_;
  std::string path_;
  bool ok_ = false;
};

// Without a principal the keytab's first one binds (MIT client-keytab initiation); with one, exactly
// that one, and the server's identity (WhoAmI) is checked against it.
TEST_F(LdapBind, PrincipalChoosesTheSecondEntryOfTheKeytab) {
  const TwoPrincipalKeytab keytab(lab_);
  ASSERT_TRUE(keytab.ok()) << "ktutil could not write " << keytab.path();
  ConnectOptions o = lab::SvcKeytab(lab_);
  o.keytab = keytab.path();
  {
    auto first = Connection::Open(o);
    ASSERT_OK(first);
    EXPECT_EQ(first->Info().bind_name, lab_.svc_principal) << "no principal: the keytab's first";
  }
  o.principal = "Administrator@" + lab_.realm;
  auto conn = Connection::Open(o);
  ASSERT_OK(conn);
  EXPECT_EQ(conn->Info().bind_name, o.principal);
  EXPECT_GE(conn->Info().sasl_ssf, 56u);
  auto who = conn->WhoAmI();
  ASSERT_OK(who);
  EXPECT_NE(who->authz_id.find("CN=Administrator,"), std::string::npos) << who->authz_id;

  o.principal = lab_.svc_principal;  // and back to the first, in the same process and cache
  auto svc = Connection::Open(o);
  ASSERT_OK(svc);
  EXPECT_EQ(svc->Info().bind_name, lab_.svc_principal);
}

TEST_F(LdapBind, PrincipalNotInTheKeytabIsRefusedNamingWhatItHolds) {
  const TwoPrincipalKeytab keytab(lab_);
  ASSERT_TRUE(keytab.ok()) << "ktutil could not write " << keytab.path();
  ConnectOptions o = lab::SvcKeytab(lab_);
  o.keytab = keytab.path();
  o.principal = "svc-nobody@" + lab_.realm;
  OpenStage stage = OpenStage::kDone;
  auto conn = Connection::Open(o, &stage);
  ASSERT_FALSE(conn);
  EXPECT_EQ(stage, OpenStage::kBind);
  EXPECT_EQ(conn.error().code, Errc::kInvalidInput) << conn.error().ToString();
  const std::string& m = conn.error().message;
  EXPECT_NE(m.find("keytab " + keytab.path() + " holds no key for principal svc-nobody@" + lab_.realm),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("it holds keys for: " + lab_.svc_principal + ", Administrator@" + lab_.realm),
            std::string::npos)
      << m;
  EXPECT_NE(conn.error().hint.find("exportkeytab"), std::string::npos) << conn.error().hint;
}

// A credential cache holding another account's ticket binds fine at the SASL level; the check of the
// server's identity against the configured principal refuses it, naming both.
TEST_F(LdapBind, BoundIdentityOtherThanThePrincipalIsRefused) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / lab::UniqueName("ccache");
  std::filesystem::create_directories(dir);
  const std::string ccache = "FILE:" + (dir / "krb5cc").string();
  const std::string admin = "Administrator@" + lab_.realm;
  {
    const std::string cmd = fmt::format("KRB5CCNAME='{}' kinit '{}' >/dev/null", ccache, admin);
    FILE* kinit = ::popen(cmd.c_str(), "w");
    ASSERT_NE(kinit, nullptr);
    std::fputs((lab_.admin_password.Reveal() + "\n").c_str(), kinit);
    ASSERT_EQ(::pclose(kinit), 0) << "kinit " << admin << " into " << ccache;
  }
  ConnectOptions o;
  o.url = lab_.ldap_url;
  o.bind = BindMethod::kGssapi;
  o.ccache = ccache;
  o.krb5_config = lab_.krb5_config;
  o.principal = lab_.svc_principal;
  OpenStage stage = OpenStage::kDone;
  auto conn = Connection::Open(o, &stage);
  o.principal = admin;
  auto matching = Connection::Open(o);
  std::filesystem::remove_all(dir);
  ASSERT_FALSE(conn) << "bound with Administrator's ticket although the principal is " << lab_.svc_principal;
  EXPECT_EQ(stage, OpenStage::kBind);
  EXPECT_EQ(conn.error().code, Errc::kUnauthenticated) << conn.error().ToString();
  EXPECT_NE(conn.error().message.find("CN=Administrator,CN=Users," + lab_.base_dn), std::string::npos)
      << conn.error().message;
  EXPECT_NE(conn.error().message.find("not as the configured principal " + lab_.svc_principal),
            std::string::npos)
      << conn.error().message;
  ASSERT_OK(matching);  // the same cache with its own principal configured
}

TEST_F(LdapBind, GssapiWithKinitFileCcache) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / lab::UniqueName("ccache");
  std::filesystem::create_directories(dir);
  const std::string ccache = "FILE:" + (dir / "krb5cc").string();
  const std::string principal = "Administrator@" + lab_.realm;
  {
    const std::string cmd = fmt::format("KRB5CCNAME='{}' kinit '{}' >/dev/null", ccache, principal);
    FILE* kinit = ::popen(cmd.c_str(), "w");
    ASSERT_NE(kinit, nullptr);
    std::fputs((lab_.admin_password.Reveal() + "\n").c_str(), kinit);
    ASSERT_EQ(::pclose(kinit), 0) << "kinit " << principal << " into " << ccache;
  }
  ConnectOptions o;
  o.url = lab_.ldap_url;
  o.bind = BindMethod::kGssapi;
  o.ccache = ccache;
  o.krb5_config = lab_.krb5_config;
  auto conn = Connection::Open(o);
  std::filesystem::remove_all(dir);
  ASSERT_OK(conn);
  EXPECT_EQ(conn->Info().bind_name, principal);
  EXPECT_GE(conn->Info().sasl_ssf, 56u);
  auto who = conn->WhoAmI();
  ASSERT_OK(who);
  EXPECT_NE(who->authz_id.find("CN=Administrator"), std::string::npos) << who->authz_id;
}

TEST_F(LdapBind, SimpleOverLdaps) {
  auto conn = Connection::Open(lab::AdminLdaps(lab_));
  ASSERT_OK(conn);
  EXPECT_EQ(conn->Info().tls, TlsMode::kLdaps);
  EXPECT_FALSE(conn->Info().tls_version.empty());
  EXPECT_EQ(conn->Info().bind_name, lab_.admin_dn);
  auto who = conn->WhoAmI();
  ASSERT_OK(who);
  EXPECT_EQ(who->authz_id, "dn:" + lab_.admin_dn);
}

TEST_F(LdapBind, SimpleOverStartTls) {
  auto conn = Connection::Open(lab::AdminStartTls(lab_));
  ASSERT_OK(conn);
  EXPECT_EQ(conn->Info().tls, TlsMode::kStartTls);
  EXPECT_FALSE(conn->Info().tls_version.empty());
  auto who = conn->WhoAmI();
  ASSERT_OK(who);
  EXPECT_EQ(who->authz_id, "dn:" + lab_.admin_dn);
}

TEST_F(LdapBind, WrongPasswordIsUnauthenticatedWithBadPasswordHint) {
  ConnectOptions o = lab::AdminLdaps(lab_);
  o.password = Secret("not-the-password-1!");
  OpenStage stage = OpenStage::kDone;
  auto conn = Connection::Open(o, &stage);
  ASSERT_FALSE(conn);
  EXPECT_EQ(stage, OpenStage::kBind);
  EXPECT_EQ(conn.error().code, Errc::kUnauthenticated) << conn.error().ToString();
  EXPECT_NE(conn.error().message.find("Invalid credentials (49)"), std::string::npos) << conn.error().message;
  EXPECT_NE(conn.error().message.find("data 52e"), std::string::npos) << conn.error().message;
  EXPECT_EQ(conn.error().hint.rfind("bad password (AD data 52e)", 0), 0u) << conn.error().hint;
  EXPECT_EQ(conn.error().ToString().find("not-the-password"), std::string::npos)
      << "password leaked into the error";
}

TEST_F(LdapBind, WrongCaOverLdapsIsAClearTlsError) {
  const auto wrong_ca = lab::WrongCa();
  ASSERT_OK(wrong_ca);
  ConnectOptions o = lab::AdminLdaps(lab_);
  o.ca_file = *wrong_ca;
  OpenStage stage = OpenStage::kDone;
  auto conn = Connection::Open(o, &stage);
  ASSERT_FALSE(conn);
  EXPECT_EQ(stage, OpenStage::kTls);
  EXPECT_EQ(conn.error().code, Errc::kUnavailable);
  EXPECT_NE(conn.error().message.find("is not trusted by CA file"), std::string::npos)
      << conn.error().message;
  EXPECT_NE(conn.error().hint.find("CA"), std::string::npos) << conn.error().hint;
}

// The lab certificate names dc1.lab.example, dc1 and 127.0.0.1, not "localhost" (which resolves to the same
// DC): verification refuses it, and the message says which names the certificate holds and what to do.
TEST_F(LdapBind, CertificateNotNamingTheHostIsRefusedWithTheNamesItHolds) {
  for (const bool start_tls : {false, true}) {
    ConnectOptions o = start_tls ? lab::AdminStartTls(lab_) : lab::AdminLdaps(lab_);
    o.url = start_tls ? "ldap://localhost" : "ldaps://localhost";
    OpenStage stage = OpenStage::kDone;
    auto conn = Connection::Open(o, &stage);
    ASSERT_FALSE(conn) << o.url << " was accepted with a certificate that does not name it";
    EXPECT_EQ(stage, OpenStage::kTls) << o.url;
    EXPECT_EQ(conn.error().code, Errc::kUnavailable) << conn.error().ToString();
    EXPECT_NE(conn.error().message.find("does not name"), std::string::npos) << conn.error().message;
    EXPECT_NE(conn.error().message.find("dc1.lab.example"), std::string::npos) << conn.error().message;
    EXPECT_NE(conn.error().hint.find("connect by a name that the certificate lists"), std::string::npos)
        << conn.error().hint;
  }
}

TEST_F(LdapBind, WrongCaOverStartTlsIsAClearTlsError) {
  const auto wrong_ca = lab::WrongCa();
  ASSERT_OK(wrong_ca);
  ConnectOptions o = lab::AdminStartTls(lab_);
  o.ca_file = *wrong_ca;
  OpenStage stage = OpenStage::kDone;
  auto conn = Connection::Open(o, &stage);
  ASSERT_FALSE(conn);
  EXPECT_EQ(stage, OpenStage::kTls);
  EXPECT_EQ(conn.error().code, Errc::kUnavailable);
  EXPECT_NE(conn.error().message.find("ldap StartTLS"), std::string::npos) << conn.error().message;
  EXPECT_NE(conn.error().message.find("is not trusted by CA file"), std::string::npos)
      << conn.error().message;
}

TEST_F(LdapBind, MissingCaFileIsInvalidInput) {
  ConnectOptions o = lab::AdminLdaps(lab_);
  o.ca_file = "/nonexistent/ca.pem";
  auto conn = Connection::Open(o);
  ASSERT_FALSE(conn);
  EXPECT_EQ(conn.error().code, Errc::kInvalidInput);
}

TEST_F(LdapBind, PlainSimpleBindIsRefusedClientSide) {
  ConnectOptions o = lab::AdminLdaps(lab_);
  o.url = lab_.ldap_url;
  OpenStage stage = OpenStage::kDone;
  auto conn = Connection::Open(o, &stage);
  ASSERT_FALSE(conn);
  EXPECT_EQ(stage, OpenStage::kOptions);
  EXPECT_EQ(conn.error().code, Errc::kInvalidInput);
  EXPECT_NE(conn.error().message.find("clear text"), std::string::npos) << conn.error().message;
}

TEST_F(LdapBind, GssapiInsideTlsIsRefusedClientSide) {
  ConnectOptions o = lab::SvcKeytab(lab_);
  o.url = lab_.ldaps_url;
  o.ca_file = lab_.ca;
  auto conn = Connection::Open(o);
  ASSERT_FALSE(conn);
  EXPECT_EQ(conn.error().code, Errc::kInvalidInput);
  EXPECT_NE(conn.error().message.find("GSSAPI inside TLS"), std::string::npos) << conn.error().message;
}

TEST_F(LdapBind, NothingListeningIsUnavailable) {
  ConnectOptions o;
  o.url = "ldap://127.0.0.1:1";
  o.bind = BindMethod::kAnonymous;
  o.network_timeout = std::chrono::milliseconds(3000);
  OpenStage stage = OpenStage::kDone;
  auto conn = Connection::Open(o, &stage);
  ASSERT_FALSE(conn);
  EXPECT_EQ(stage, OpenStage::kConnect);
  EXPECT_EQ(conn.error().code, Errc::kUnavailable) << conn.error().ToString();
  EXPECT_NE(conn.error().hint.find("reachable"), std::string::npos) << conn.error().hint;
}

TEST_F(LdapBind, AnonymousRootDseOnPlainLdap) {
  ConnectOptions o;
  o.url = lab_.ldap_url;
  o.bind = BindMethod::kAnonymous;
  auto conn = Connection::Open(o);
  ASSERT_OK(conn);
  auto root = conn->ReadRootDse({"supportedControl", "schemaNamingContext"});
  ASSERT_OK(root);
  const Values* controls = root->Find("supportedControl");
  ASSERT_NE(controls, nullptr);
  EXPECT_NE(std::find(controls->begin(), controls->end(), "1.2.840.113556.1.4.1413"), controls->end())
      << "permissive modify not advertised";
  EXPECT_FALSE(root->First("schemaNamingContext").empty());
}

}  // namespace
}  // namespace ctim::ldap
