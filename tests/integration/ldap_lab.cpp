#include "ldap_lab.h"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "ldap/escape.h"

namespace ctim::ldap::lab {

Result<LabEnv> ReadLabEnv() {
  std::string missing;
  const auto get = [&missing](const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') {
      missing += missing.empty() ? "" : ", ";
      missing += name;
      return std::string();
    }
    return std::string(value);
  };
  LabEnv lab;
  lab.ldap_url = get("CTIM_LAB_LDAP_URL");
  lab.ldaps_url = get("CTIM_LAB_LDAPS_URL");
  lab.base_dn = get("CTIM_LAB_BASE_DN");
  lab.ca = get("CTIM_LAB_CA");
  lab.admin_dn = get("CTIM_LAB_ADMIN_DN");
  const std::string password_file = get("CTIM_LAB_ADMIN_PASSWORD_FILE");
  lab.keytab = get("CTIM_LAB_KEYTAB");
  lab.svc_principal = get("CTIM_LAB_SVC_PRINCIPAL");
  lab.krb5_config = get("KRB5_CONFIG");
  lab.realm = get("CTIM_LAB_REALM");
  if (!missing.empty()) {
    return Fail(
        Errc::kInvalidInput, "lab not configured: missing " + missing,
        "start the lab (tests/lab/lab.sh up) and export its settings: eval \"$(tests/lab/lab.sh env)\"");
  }
  std::ifstream in(password_file);
  std::string password;
  if (!in || !std::getline(in, password) || password.empty()) {
    return Fail(Errc::kInvalidInput, "lab admin password file " + password_file + " is unreadable or empty",
                "check CTIM_LAB_ADMIN_PASSWORD_FILE (tests/lab/lab.sh env)");
  }
  lab.admin_password = Secret(std::move(password));
  return lab;
}

ConnectOptions AdminLdaps(const LabEnv& lab) {
  ConnectOptions o;
  o.url = lab.ldaps_url;
  o.ca_file = lab.ca;
  o.bind = BindMethod::kSimple;
  o.bind_dn = lab.admin_dn;
  o.password = lab.admin_password;
  return o;
}

ConnectOptions AdminStartTls(const LabEnv& lab) {
  ConnectOptions o = AdminLdaps(lab);
  o.url = lab.ldap_url;
  o.start_tls = true;
  return o;
}

ConnectOptions SvcKeytab(const LabEnv& lab) {
  ConnectOptions o;
  o.url = lab.ldap_url;
  o.bind = BindMethod::kGssapi;
  o.keytab = lab.keytab;
  o.krb5_config = lab.krb5_config;
  return o;
}

Result<std::string> WrongCa() {
  static const Result<std::string> made = []() -> Result<std::string> {
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / UniqueName("wrong-ca");
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return Fail(Errc::kInternal, "cannot create " + dir.string() + ": " + ec.message());
    const std::string pem = (dir / "wrong-ca.pem").string();
    const std::string cmd = fmt::format(
        "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=ctim test wrong CA' "
        "-keyout '{}' -out '{}' >/dev/null 2>&1",
        (dir / "wrong-ca.key").string(), pem);
    if (std::system(cmd.c_str()) != 0 || !std::filesystem::exists(pem)) {
      return Fail(Errc::kInternal, "could not make a throwaway CA with: " + cmd,
                  "install openssl (scripts/install-deps.sh)");
    }
    return pem;
  }();
  return made;
}

std::string UniqueName(const std::string& name) {
  std::random_device rd;
  return fmt::format("t-{}-{:08x}", name, rd());
}

ScratchOu::ScratchOu(Connection& admin, const LabEnv& lab, const std::string& name) : admin_(admin) {
  dn_ = Rdn("OU", UniqueName(name)) + "," + lab.base_dn;
  Attributes attrs;
  attrs["objectClass"] = {"organizationalUnit"};
  Status st = admin_.Add(dn_, attrs);
  created_ = st.has_value();
  if (!st) error_ = st.error().ToString();
}

ScratchOu::~ScratchOu() {
  if (!created_) return;
  DeleteOptions tree;
  tree.tree = true;
  Status st = admin_.Delete(dn_, tree);
  if (!st) ADD_FAILURE() << "cleanup of " << dn_ << ": " << st.error().ToString();
}

Status AddUser(Connection& conn, const std::string& dn, const std::string& sam) {
  Attributes attrs;
  attrs["objectClass"] = {"user"};
  attrs["sAMAccountName"] = {sam};
  return conn.Add(dn, attrs);
}

void LabTest::SetUp() {
  auto lab = ReadLabEnv();
  if (!lab) GTEST_FAIL() << lab.error().ToString();
  lab_ = std::move(*lab);
  auto conn = Connection::Open(AdminLdaps(lab_));
  if (!conn) GTEST_FAIL() << "admin connection: " << conn.error().ToString();
  admin_.emplace(std::move(*conn));
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = info != nullptr ? info->name() : "test";
  if (name.size() > 40) name.resize(40);
  ou_ = std::make_unique<ScratchOu>(*admin_, lab_, name);
  if (!ou_->ok()) GTEST_FAIL() << "scratch OU: " << ou_->error();
}

void LabTest::TearDown() {
  ou_.reset();
  admin_.reset();
}

}  // namespace ctim::ldap::lab
