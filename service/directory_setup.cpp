#include "service/directory_setup.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace ctim::service {
namespace {

std::shared_ptr<spdlog::logger> Log() {
  auto logger = spdlog::get("service");
  return logger ? logger : spdlog::default_logger();
}

Result<Secret> ReadPasswordFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Fail(Errc::kInvalidInput, "[ldap] password_file " + path + ": cannot be read",
                "check the path and that this account may read it (mode 0600)");
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::string password = std::move(text).str();
  // Editors and `echo` add a line end: one trailing newline is not part of the password.
  if (password.ends_with('\n')) password.pop_back();
  if (password.ends_with('\r')) password.pop_back();
  if (password.empty()) {
    return Fail(Errc::kInvalidInput, "[ldap] password_file " + path + " is empty", "write the bind password into it");
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    Log()->warn("[ldap] password_file {} is readable by other accounts (mode {:o}); chmod 600 it", path,
                st.st_mode & 0777);
  }
  return Secret(std::move(password));
}

}  // namespace

namespace {

ldap::ConnectOptions OptionsFor(const LdapSettings& l, std::string_view url, const Secret& password) {
  ldap::ConnectOptions o;
  o.url = std::string(url);
  o.start_tls = l.starttls;
  o.ca_file = l.ca_file;
  o.operation_timeout = std::chrono::seconds(l.timeout_seconds);
  o.network_timeout = std::min<std::chrono::milliseconds>(std::chrono::seconds(10), o.operation_timeout);
  if (l.bind == "simple") {
    o.bind = ldap::BindMethod::kSimple;
    o.bind_dn = l.bind_dn;
    o.password = password;
  } else {
    o.bind = ldap::BindMethod::kGssapi;
    o.keytab = l.keytab;
    o.krb5_config = l.krb5_config;
  }
  return o;
}

Result<ldap::ConnectOptions> Validated(ldap::ConnectOptions o, std::string_view key) {
  if (Status valid = ldap::ValidateConnectOptions(o); !valid) {
    return std::unexpected(std::move(valid.error()).With("[ldap] " + std::string(key) + " " + o.url));
  }
  return o;
}

Result<Secret> PasswordFor(const LdapSettings& l) {
  if (l.bind != "simple") return Secret();
  return ReadPasswordFile(l.password_file);
}

}  // namespace

Result<ldap::ConnectOptions> ToConnectOptions(const LdapSettings& l, std::string_view url) {
  auto password = PasswordFor(l);
  if (!password) return std::unexpected(std::move(password.error()));
  return Validated(OptionsFor(l, url, *password), "url");
}

Result<agent::adapters::AdDirectoryOptions> ToDirectoryOptions(const Config& config) {
  const LdapSettings& l = config.ldap;
  agent::adapters::AdDirectoryOptions options;
  auto password = PasswordFor(l);  // read once: the GC binds with the same credentials
  if (!password) return std::unexpected(std::move(password.error()));
  auto dc = Validated(OptionsFor(l, l.url, *password), "url");
  if (!dc) return std::unexpected(std::move(dc.error()));
  options.dc = std::move(*dc);
  if (!l.gc_url.empty()) {
    auto gc = Validated(OptionsFor(l, l.gc_url, *password), "gc_url");
    if (!gc) return std::unexpected(std::move(gc.error()));
    options.gc = std::move(*gc);
  }
  options.page_size = l.page_size;
  options.window = static_cast<std::size_t>(l.window);
  return options;
}

Result<std::unique_ptr<agent::Directory>> OpenDirectory(const Config& config) {
  auto options = ToDirectoryOptions(config);
  if (!options) return std::unexpected(std::move(options.error()));
  Log()->debug("connecting to {}", ldap::Describe(options->dc));
  return agent::adapters::OpenAdDirectory(std::move(*options));
}

}  // namespace ctim::service
