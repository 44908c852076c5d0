// The lab as the ldap integration tests see it: settings from the environment that
// `tests/lab/lab.sh env` prints, connection options for each bind mode, and a scratch OU per test.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "common/secret.h"
#include "ldap/connection.h"
#include "ldap/options.h"

namespace ctim::ldap::lab {

struct LabEnv {
  std::string ldap_url;       // CTIM_LAB_LDAP_URL   ldap://dc1.lab.example
  std::string ldaps_url;      // CTIM_LAB_LDAPS_URL  ldaps://dc1.lab.example
  std::string base_dn;        // CTIM_LAB_BASE_DN    DC=lab,DC=example
  std::string ca;             // CTIM_LAB_CA         PEM of the lab CA
  std::string admin_dn;       // CTIM_LAB_ADMIN_DN
  Secret admin_password;      // from CTIM_LAB_ADMIN_PASSWORD_FILE
  std::string keytab;         // CTIM_LAB_KEYTAB     svc-ctim's keytab
  std::string svc_principal;  // CTIM_LAB_SVC_PRINCIPAL svc-ctim@LAB.EXAMPLE
  std::string krb5_config;    // KRB5_CONFIG
  std::string realm;          // CTIM_LAB_REALM
};

// The lab settings, or a message naming every missing variable (tests FAIL with it, never skip).
Result<LabEnv> ReadLabEnv();

ConnectOptions AdminLdaps(const LabEnv& lab);
ConnectOptions AdminStartTls(const LabEnv& lab);
ConnectOptions SvcKeytab(const LabEnv& lab);

// A throwaway self-signed CA certificate (PEM) that did not sign the lab DC's certificate: a wrong CA
// for this DC. Made once per test process with `openssl req` in a fresh temp folder, so the test does
// not depend on what the machine's system bundle holds.
Result<std::string> WrongCa();

// "t-<name>-<8 hex>".
std::string UniqueName(const std::string& name);

// OU=t-<name>-<random>,<base>: created as the admin, deleted with everything below it (tree delete)
// when destroyed.
class ScratchOu {
 public:
  ScratchOu(Connection& admin, const LabEnv& lab, const std::string& name);
  ScratchOu(const ScratchOu&) = delete;
  ScratchOu& operator=(const ScratchOu&) = delete;
  ~ScratchOu();
  [[nodiscard]] const std::string& dn() const { return dn_; }
  [[nodiscard]] bool ok() const { return created_; }
  [[nodiscard]] const std::string& error() const { return error_; }

 private:
  Connection& admin_;
  std::string dn_;
  bool created_ = false;
  std::string error_;
};

// A user object (objectClass user, sAMAccountName = cn) in the OU, for the Exchange attributes.
Status AddUser(Connection& conn, const std::string& dn, const std::string& sam);

// Fixture: reads the lab (FAILS the test when a variable is missing), opens an admin session over
// LDAPS and makes a scratch OU named after the test, removed again in TearDown.
class LabTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  Connection& admin() { return *admin_; }
  const std::string& ou() const { return ou_->dn(); }

  LabEnv lab_;
  std::optional<Connection> admin_;
  std::unique_ptr<ScratchOu> ou_;
};

}  // namespace ctim::ldap::lab

// ASSERT that a Result/Status holds a value, printing the error otherwise.
#define ASSERT_OK(expr)                                                    \
  do {                                                                     \
    const auto& _r = (expr);                                               \
    ASSERT_TRUE(_r.has_value()) << #expr << ": " << _r.error().ToString(); \
  } while (0)
#define EXPECT_OK(expr)                                                    \
  do {                                                                     \
    const auto& _r = (expr);                                               \
    EXPECT_TRUE(_r.has_value()) << #expr << ": " << _r.error().ToString(); \
  } while (0)
