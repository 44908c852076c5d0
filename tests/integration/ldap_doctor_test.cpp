// The doctor checks against the lab: a passing table, and clear failures (missing schema attribute,
// an account without write rights, an unusable connection).
#include <gtest/gtest.h>

#include <string>

#include "ldap/doctor.h"
#include "ldap_lab.h"

namespace ctim::ldap {
namespace {

const Check* Find(const std::vector<Check>& rows, const std::string& name) {
  for (const Check& c : rows) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::string Table(const std::vector<Check>& rows) {
  std::string out;
  for (const Check& c : rows)
    out += std::string(CheckStateName(c.state)) + " " + c.name + ": " + c.detail + "\n";
  return out;
}

class LdapDoctor : public lab::LabTest {};

const std::vector<std::string> kAttributes = {"msExchMailboxGuid", "msExchArchiveGUID", "proxyAddresses",
                                              "targetAddress", "msExchELCMailboxFlags"};

TEST_F(LdapDoctor, PassesOnTheLabWithGssapi) {
  ConnectionChecks conn = CheckConnection(lab::SvcKeytab(lab_));
  ASSERT_TRUE(AllPassed(conn.checks)) << Table(conn.checks);
  ASSERT_EQ(conn.checks.size(), 6u);
  ASSERT_TRUE(conn.connection);
  EXPECT_NE(Find(conn.checks, "bind")->detail.find("GSSAPI as svc-ctim@"), std::string::npos);
  EXPECT_NE(Find(conn.checks, "identity")->detail.find("svc-ctim"), std::string::npos);
  EXPECT_EQ(Find(conn.checks, "principal")->detail,
            lab_.svc_principal + ": none configured, so the first principal of keytab " + lab_.keytab);

  ConnectOptions chosen = lab::SvcKeytab(lab_);
  chosen.principal = lab_.svc_principal;
  const ConnectionChecks checked = CheckConnection(chosen);
  ASSERT_TRUE(AllPassed(checked.checks)) << Table(checked.checks);
  EXPECT_EQ(Find(checked.checks, "principal")->detail,
            lab_.svc_principal + " as configured; the server's identity matches it");
  const auto schema = CheckSchemaAttributes(*conn.connection, kAttributes);
  EXPECT_TRUE(AllPassed(schema)) << Table(schema);
  EXPECT_EQ(schema.size(), kAttributes.size());
}

TEST_F(LdapDoctor, SchemaWithoutAnAttributeFailsClearly) {
  const auto rows = CheckSchemaAttributes(admin(), {"proxyAddresses", "msExchNoSuchAttribute"});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].state, Check::kPass) << Table(rows);
  EXPECT_EQ(rows[1].state, Check::kFail) << Table(rows);
  EXPECT_NE(rows[1].detail.find("no attributeSchema with lDAPDisplayName msExchNoSuchAttribute"),
            std::string::npos)
      << rows[1].detail;
  EXPECT_FALSE(rows[1].hint.empty());
}

TEST_F(LdapDoctor, WritableAttributesPassForAdminAndFailForAnAccountWithoutRights) {
  ASSERT_OK(lab::AddUser(admin(), "CN=doctor user," + ou(), lab::UniqueName("d").substr(0, 20)));
  const auto admin_rows = CheckWritableAttributes(admin(), ou(), "(objectClass=user)", kAttributes);
  EXPECT_TRUE(AllPassed(admin_rows)) << Table(admin_rows);
  EXPECT_EQ(Find(admin_rows, "object")->detail, "CN=doctor user," + ou());

  auto svc = Connection::Open(lab::SvcKeytab(lab_));
  ASSERT_OK(svc);
  const auto svc_rows = CheckWritableAttributes(*svc, ou(), "(objectClass=user)", kAttributes);
  EXPECT_FALSE(AllPassed(svc_rows)) << Table(svc_rows);
  const Check* guid = Find(svc_rows, "write: msExchMailboxGuid");
  ASSERT_NE(guid, nullptr);
  EXPECT_EQ(guid->state, Check::kFail);
  EXPECT_NE(guid->hint.find("Write Property"), std::string::npos) << guid->hint;
}

TEST_F(LdapDoctor, NoObjectUnderTheBaseFails) {
  const auto rows = CheckWritableAttributes(admin(), ou(), "(objectClass=user)", {"mail"});
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows.front().name, "object");
  EXPECT_EQ(rows.front().state, Check::kFail);
  EXPECT_FALSE(AllPassed(rows));
}

TEST_F(LdapDoctor, ConnectionFailuresStopAtTheFailingStep) {
  const auto wrong_ca_file = lab::WrongCa();
  ASSERT_OK(wrong_ca_file);
  ConnectOptions wrong_ca = lab::AdminLdaps(lab_);
  wrong_ca.ca_file = *wrong_ca_file;
  const ConnectionChecks tls = CheckConnection(wrong_ca);
  EXPECT_EQ(Find(tls.checks, "connect")->state, Check::kPass) << Table(tls.checks);
  EXPECT_EQ(Find(tls.checks, "tls")->state, Check::kFail) << Table(tls.checks);
  EXPECT_EQ(Find(tls.checks, "bind")->state, Check::kSkip);
  EXPECT_FALSE(tls.connection);

  ConnectOptions bad_password = lab::AdminLdaps(lab_);
  bad_password.password = Secret("wrong-password-1!");
  const ConnectionChecks bind = CheckConnection(bad_password);
  EXPECT_EQ(Find(bind.checks, "tls")->state, Check::kPass) << Table(bind.checks);
  const Check* b = Find(bind.checks, "bind");
  EXPECT_EQ(b->state, Check::kFail);
  EXPECT_NE(b->hint.find("bad password"), std::string::npos) << b->hint;
  EXPECT_EQ(Find(bind.checks, "identity")->state, Check::kSkip);
}

}  // namespace
}  // namespace ctim::ldap
