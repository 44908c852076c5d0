#include "service/ldap_setup.h"

#include <fstream>
#include <sstream>

#include "service/file_access.h"

namespace ctim::service {
namespace {

Result<Secret> ReadPasswordFile(const std::string& path) {
  if (Status safe = CheckSecretFile(path, "[ldap] password_file"); !safe) {
    return std::unexpected(safe.error());
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Fail(Errc::kInvalidInput, "[ldap] password_file " + path + ": cannot be read",
                "create it (mode 0600) with the service account's password");
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::string password = text.str();
  // Editors add a final newline; a password never ends with one.
  while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) password.pop_back();
  if (password.empty()) return Fail(Errc::kInvalidInput, "[ldap] password_file " + path + " is empty");
  return Secret(std::move(password));
}

Result<ldap::ConnectOptions> Options(const LdapSettings& s, std::string url) {
  ldap::ConnectOptions options;
  options.url = std::move(url);
  options.start_tls = s.starttls;
  options.ca_file = s.ca_file;
  options.krb5_config = s.krb5_config;
  options.operation_timeout = std::chrono::seconds(s.timeout_seconds);
  options.network_timeout = std::chrono::seconds(std::min(s.timeout_seconds, 30));
  if (s.bind == "simple") {
    options.bind = ldap::BindMethod::kSimple;
    options.bind_dn = s.bind_dn;
    auto password = ReadPasswordFile(s.password_file);
    if (!password) return std::unexpected(std::move(password.error()));
    options.password = std::move(*password);
  } else {
    options.bind = ldap::BindMethod::kGssapi;
    if (Status safe = CheckSecretFile(s.keytab, "[ldap] keytab"); !safe) return std::unexpected(safe.error());
    options.keytab = s.keytab;
    options.principal = s.principal;
  }
  if (auto valid = ldap::ValidateConnectOptions(options); !valid) {
    return std::unexpected(std::move(valid.error()).With("[ldap]"));
  }
  return options;
}

}  // namespace

Result<ldap::ConnectOptions> DcConnectOptions(const LdapSettings& settings) {
  return Options(settings, settings.url);
}

Result<std::vector<ldap::ConnectOptions>> SyncSourceConnectOptions(const LdapSettings& settings) {
  std::vector<ldap::ConnectOptions> out;
  for (const std::string& url : settings.sync_source_urls) {
    auto options = Options(settings, url);
    if (!options) return std::unexpected(std::move(options.error()).With("sync_source_urls " + url));
    out.push_back(std::move(*options));
  }
  return out;
}

Result<ldap::ConnectOptions> GcConnectOptions(const LdapSettings& settings) {
  if (settings.gc_url.empty()) {
    return Fail(Errc::kNotFound, "[ldap] gc_url is not set",
                "set gc_url = \"ldap://<dc>:3268\" so forest-wide proxy uniqueness can be checked");
  }
  return Options(settings, settings.gc_url);
}

}  // namespace ctim::service
