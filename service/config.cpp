#include "service/config.h"
#include "service/toml_text.h"

// Header-only and without exceptions: Debian's libtomlplusplus.so is built with exceptions, and no
// exception may leave this file.
#define TOML_HEADER_ONLY 1
#define TOML_EXCEPTIONS 0
#include <toml++/toml.h>

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "common/ascii.h"

namespace ctim::service {
namespace {

// Reads one table, remembering which keys were consumed so leftovers can be reported as unknown.
class TableReader {
 public:
  TableReader(const toml::table& table, std::string section, std::string_view origin)
      : table_(table), section_(std::move(section)), origin_(origin) {}

  Status Read(std::string_view key, std::string& out) {
    return ReadAs<std::string>(key, "a string", [&](const std::string& v) { out = v; });
  }
  Status Read(std::string_view key, bool& out) {
    return ReadAs<bool>(key, "true or false", [&](bool v) { out = v; });
  }
  Status Read(std::string_view key, int& out, int min, int max) {
    return ReadAs<std::int64_t>(key, "an integer", [&](std::int64_t v) { out = static_cast<int>(v); },
                                [&](std::int64_t v) { return v >= min && v <= max; },
                                fmt::format("between {} and {}", min, max));
  }
  Status Read(std::string_view key, std::vector<std::string>& out) {
    used_.insert(std::string(key));
    const toml::node* node = table_.get(key);
    if (node == nullptr) return {};
    const toml::array* array = node->as_array();
    if (array == nullptr) return Bad(key, *node, "a list of strings, e.g. [\"a\", \"b\"]");
    out.clear();
    for (const toml::node& item : *array) {
      const auto* s = item.as_string();
      if (s == nullptr) return Bad(key, item, "a list of strings");
      out.push_back(s->get());
    }
    return {};
  }

  // `key` is present but its value is wrong: "<origin>:<line>: [section] key: <what>".
  Status BadValue(std::string_view key, std::string_view what, std::string hint) const {
    const toml::node* node = table_.get(key);
    return Fail(Errc::kInvalidInput,
                fmt::format("{}:{}: [{}] {}: {}", origin_, node ? node->source().begin.line : 0, section_, key, what),
                std::move(hint));
  }

  // Every key not read is a typo or an option of another version: say which.
  Status RejectUnknown() const {
    for (const auto& [key, node] : table_) {
      if (!used_.contains(std::string(key.str()))) {
        return Fail(Errc::kInvalidInput,
                    fmt::format("{}:{}: unknown key [{}] {}", origin_, node.source().begin.line, section_,
                                key.str()),
                    "check the spelling against README.md, section Configuration");
      }
    }
    return {};
  }

 private:
  template <class T, class Assign, class Valid = bool (*)(const T&)>
  Status ReadAs(std::string_view key, std::string_view expected, Assign assign, Valid valid = nullptr,
                std::string range = {}) {
    used_.insert(std::string(key));
    const toml::node* node = table_.get(key);
    if (node == nullptr) return {};
    const auto value = node->value<T>();
    if (!value) return Bad(key, *node, expected);
    if constexpr (!std::is_same_v<Valid, bool (*)(const T&)>) {
      if (!valid(*value)) return Bad(key, *node, range);
    }
    assign(*value);
    return {};
  }

  Status Bad(std::string_view key, const toml::node& node, std::string_view expected) const {
    return Fail(Errc::kInvalidInput,
                fmt::format("{}:{}: [{}] {} must be {}", origin_, node.source().begin.line, section_, key,
                            expected));
  }

  const toml::table& table_;
  std::string section_;
  std::string_view origin_;
  std::set<std::string> used_;
};

#define CTIM_TRY(expr)                                                \
  do {                                                                \
    if (auto status_ = (expr); !status_) return std::unexpected(std::move(status_.error())); \
  } while (false)

Status ReadLdap(TableReader& r, LdapSettings& s) {
  s.configured = true;
  CTIM_TRY(r.Read("url", s.url));
  CTIM_TRY(r.Read("bind", s.bind));
  CTIM_TRY(r.Read("principal", s.principal));
  CTIM_TRY(r.Read("keytab", s.keytab));
  CTIM_TRY(r.Read("krb5_config", s.krb5_config));
  CTIM_TRY(r.Read("bind_dn", s.bind_dn));
  CTIM_TRY(r.Read("password_file", s.password_file));
  CTIM_TRY(r.Read("ca_file", s.ca_file));
  CTIM_TRY(r.Read("starttls", s.starttls));
  CTIM_TRY(r.Read("base_dns", s.base_dns));
  CTIM_TRY(r.Read("gc_url", s.gc_url));
  CTIM_TRY(r.Read("sync_source_urls", s.sync_source_urls));
  CTIM_TRY(r.Read("timeout_seconds", s.timeout_seconds, 1, 3600));
  CTIM_TRY(r.Read("page_size", s.page_size, 1, 100000));
  CTIM_TRY(r.Read("paging", s.paging));
  CTIM_TRY(r.Read("window", s.window, 1, 1024));
  CTIM_TRY(r.Read("reread_connection", s.reread_connection));
  return r.RejectUnknown();
}

Status ReadCloud(TableReader& r, CloudSettings& s) {
  s.configured = true;
  CTIM_TRY(r.Read("preset", s.preset));
  CTIM_TRY(r.Read("tenant_id", s.tenant_id));
  CTIM_TRY(r.Read("client_id", s.client_id));
  CTIM_TRY(r.Read("certificate_file", s.certificate_file));
  CTIM_TRY(r.Read("private_key_file", s.private_key_file));
  CTIM_TRY(r.Read("certificate_thumbprint", s.certificate_thumbprint));
  CTIM_TRY(r.Read("client_secret_file", s.client_secret_file));
  CTIM_TRY(r.Read("assertion", s.assertion));
  CTIM_TRY(r.Read("login_url", s.login_url));
  CTIM_TRY(r.Read("graph_url", s.graph_url));
  CTIM_TRY(r.Read("exo_url", s.exo_url));
  CTIM_TRY(r.Read("ca_file", s.ca_file));
  CTIM_TRY(r.Read("timeout_seconds", s.timeout_seconds, 1, 3600));
  return r.RejectUnknown();
}

Status ReadAgent(TableReader& r, AgentSettings& s) {
  CTIM_TRY(r.Read("journal", s.journal));
  CTIM_TRY(r.Read("target_delivery_domain", s.target_delivery_domain));
  CTIM_TRY(r.Read("match_order", s.match_order));
  CTIM_TRY(r.Read("anchor", s.anchor));
  CTIM_TRY(r.Read("email_separator", s.email_separator));
  CTIM_TRY(r.Read("match_upn", s.match_upn));
  CTIM_TRY(r.Read("match_mail", s.match_mail));
  CTIM_TRY(r.Read("verify_interval_seconds", s.verify_interval_seconds, 1, 86400));
  CTIM_TRY(r.Read("verify_deadline_seconds", s.verify_deadline_seconds, 1, 30 * 86400));
  CTIM_TRY(r.Read("elc_file", s.elc_file));
  CTIM_TRY(r.Read("elc_default", s.elc_default));
  for (const std::string& v : s.elc_default) {
    if (v != "single-item-recovery" && v != "litigation-hold") {
      return r.BadValue("elc_default", "\"" + v + "\" is not a hold flag",
                        "use \"single-item-recovery\" and/or \"litigation-hold\", e.g. elc_default = "
                        "[\"single-item-recovery\"]");
    }
  }
  return r.RejectUnknown();
}

Status ReadService(TableReader& r, ServiceSettings& s) {
  CTIM_TRY(r.Read("inbox", s.inbox));
  CTIM_TRY(r.Read("settle_seconds", s.settle_seconds, 0, 86400));
  CTIM_TRY(r.Read("write", s.write));
  CTIM_TRY(r.Read("max_changes", s.max_changes, 0, 10000000));
  CTIM_TRY(r.Read("max_refused_percent", s.max_refused_percent, 0, 100));
  CTIM_TRY(r.Read("max_file_age", s.max_file_age, 1, 366 * 86400));
  CTIM_TRY(r.Read("notify_url", s.notify_url));
  CTIM_TRY(r.Read("notify_ca_file", s.notify_ca_file));
  return r.RejectUnknown();
}

}  // namespace

std::optional<std::filesystem::path> ConfigPath(const std::string& explicit_path) {
  if (!explicit_path.empty()) return std::filesystem::path(explicit_path);
  if (const char* env = std::getenv("CTIM_AGENT_CONFIG"); env != nullptr && *env != '\0') {
    return std::filesystem::path(env);
  }
  const std::filesystem::path system_default = Defaults().config_file;
  std::error_code ec;
  if (std::filesystem::exists(system_default, ec)) return system_default;
  return std::nullopt;
}

Result<Config> ParseConfig(std::string_view text, std::string_view origin) {
  if (Status chars = CheckTomlCharacters(text, origin); !chars) return std::unexpected(std::move(chars.error()));
  toml::parse_result parsed = toml::parse(text, origin);
  if (!parsed) {
    const auto& err = parsed.error();
    return Fail(Errc::kInvalidInput,
                fmt::format("{}:{}:{}: {}", origin, err.source().begin.line, err.source().begin.column,
                            err.description()),
                "fix the TOML syntax");
  }
  const toml::table& root = parsed.table();
  Config config;
  for (const auto& [key, node] : root) {
    const std::string name(key.str());
    const toml::table* table = node.as_table();
    if (table == nullptr || (name != "ldap" && name != "cloud" && name != "agent" && name != "service")) {
      return Fail(Errc::kInvalidInput,
                  fmt::format("{}:{}: unknown top-level key or section \"{}\"", origin,
                              node.source().begin.line, name),
                  "sections are [ldap], [cloud], [agent] and [service]");
    }
    TableReader reader(*table, name, origin);
    Status status = name == "ldap"    ? ReadLdap(reader, config.ldap)
                    : name == "cloud" ? ReadCloud(reader, config.cloud)
                    : name == "agent" ? ReadAgent(reader, config.agent)
                                      : ReadService(reader, config.service);
    if (!status) return std::unexpected(std::move(status.error()));
  }
  return config;
}

Result<Config> LoadConfig(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Fail(Errc::kInvalidInput, "config " + path.string() + ": cannot be read",
                "pass --config FILE or set CTIM_AGENT_CONFIG");
  }
  std::ostringstream text;
  text << in.rdbuf();
  auto config = ParseConfig(text.str(), path.string());
  if (config) config->source = path;
  return config;
}

namespace {

std::string Origin(const Config& config) { return config.source.empty() ? "config" : config.source.string(); }

Status Bad(const Config& config, std::string message, std::string hint) {
  return Fail(Errc::kInvalidInput, Origin(config) + ": " + std::move(message), std::move(hint));
}

}  // namespace

Status ValidateLdap(const Config& config) {
  auto bad = [&](std::string message, std::string hint) {
    return Bad(config, std::move(message), std::move(hint));
  };
  const LdapSettings& l = config.ldap;
  if (l.url.empty()) return bad("[ldap] url is missing", "e.g. url = \"ldap://dc1.contoso.com\"");
  if (!l.url.starts_with("ldap://") && !l.url.starts_with("ldaps://")) {
    return bad("[ldap] url \"" + l.url + "\" is not an ldap:// or ldaps:// URL", "");
  }
  if (l.paging != "when-limited" && l.paging != "always") {
    return bad("[ldap] paging = \"" + l.paging + "\" is not a paging mode", "use \"when-limited\" or \"always\"");
  }
  if (l.bind != "gssapi" && l.bind != "simple") {
    return bad("[ldap] bind = \"" + l.bind + "\" is not a bind mode", "use \"gssapi\" or \"simple\"");
  }
  if (l.bind == "simple") {
    if (l.bind_dn.empty() || l.password_file.empty()) {
      return bad("[ldap] bind = \"simple\" needs bind_dn and password_file", "");
    }
    if (!l.url.starts_with("ldaps://") && !l.starttls) {
      return bad("[ldap] a simple bind would send the password in clear over " + l.url,
                 "use an ldaps:// url or set starttls = true");
    }
  }
  if (l.bind == "gssapi" && (l.url.starts_with("ldaps://") || l.starttls)) {
    return bad("[ldap] GSSAPI inside TLS is refused by AD (\"Sign or Seal are not allowed if TLS is used\")",
               "use an ldap:// url without starttls: GSSAPI signs and seals the connection itself");
  }
  // The sync-source DCs are reached with the same bind and TLS settings as url: the same rules apply.
  for (std::size_t i = 0; i < l.sync_source_urls.size(); ++i) {
    const std::string& u = l.sync_source_urls[i];
    const std::string name = "[ldap] sync_source_urls[" + std::to_string(i + 1) + "] \"" + u + "\"";
    if (!u.starts_with("ldap://") && !u.starts_with("ldaps://")) {
      return bad(name + " is not an ldap:// or ldaps:// URL",
                 "e.g. sync_source_urls = [\"ldap://dc2.contoso.com\"]");
    }
    if (u.starts_with("ldaps://") != l.url.starts_with("ldaps://")) {
      return bad(
          name + " and url " + l.url + " differ in TLS: the sync-source DCs are reached with url's settings",
          l.bind == "gssapi" ? "write it as ldap://host (GSSAPI signs and seals)"
                             : "write both as ldaps://, or both as ldap:// with starttls = true");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (EqualsAscii(l.sync_source_urls[j], u)) return bad(name + " is listed twice", "");
    }
  }
  if (l.base_dns.empty()) return bad("[ldap] base_dns is empty", "name the OU(s) holding the target users");
  return {};
}

Status ValidateCloud(const Config& config) {
  auto bad = [&](std::string message, std::string hint) {
    return Bad(config, std::move(message), std::move(hint));
  };
  const CloudSettings& k = config.cloud;
  if (!k.configured) return {};
  if (k.tenant_id.empty() || k.client_id.empty())
    return bad("[cloud] tenant_id and client_id are required", "");
  if (k.assertion != "PS256" && k.assertion != "RS256") {
    return bad("[cloud] assertion = \"" + k.assertion + "\" is not supported", "use \"PS256\" or \"RS256\"");
  }
  const int credentials = (k.certificate_file.empty() ? 0 : 1) + (k.certificate_thumbprint.empty() ? 0 : 1) +
                          (k.client_secret_file.empty() ? 0 : 1);
  if (credentials != 1 || k.certificate_file.empty() != k.private_key_file.empty()) {
    return bad("[cloud] give one of: certificate_file + private_key_file, certificate_thumbprint (Windows: "
               "the certificate in LocalMachine\\My), or client_secret_file",
               "a certificate is recommended");
  }
  return {};
}

Status ValidateAgent(const Config& config) {
  if (config.agent.email_separator.empty()) {
    return Bad(config, "[agent] email_separator is empty", "the CTIM default is \";\"");
  }
  return {};
}

Status ValidateService(const Config& config) {
  auto bad = [&](std::string message, std::string hint) {
    return Bad(config, std::move(message), std::move(hint));
  };
  const ServiceSettings& v = config.service;
  if (v.write != "approve" && v.write != "auto") {
    return bad("[service] write = \"" + v.write + "\" is not a write policy", "use \"approve\" or \"auto\"");
  }
  const std::filesystem::path inbox(v.inbox);
  if (v.inbox.empty() || !inbox.is_absolute() || !inbox.has_parent_path() || inbox.parent_path() == inbox.root_path()) {
    return bad("[service] inbox = \"" + v.inbox + "\" must be an absolute path below a state directory",
               "processed/, failed/ and outbox/ are made beside it, e.g. inbox = \"/var/lib/ctim-agent/inbox\"");
  }
  if (!v.notify_url.empty() && !v.notify_url.starts_with("https://")) {
    return bad("[service] notify_url is not an https:// URL", "webhooks are sent over TLS only");
  }
  return {};
}

Status ValidateConfig(const Config& config) {
  CTIM_TRY(ValidateLdap(config));
  CTIM_TRY(ValidateCloud(config));
  CTIM_TRY(ValidateAgent(config));
  return ValidateService(config);
}

std::vector<CommandSupport> SupportedCommands(const Config& config) {
  const bool ldap = ValidateLdap(config).has_value();
  const bool cloud = config.cloud.configured && ValidateCloud(config).has_value();
  const std::optional<std::string> no_ldap =
      ldap ? std::nullopt
           : std::optional<std::string>(config.ldap.configured ? "[ldap] is not usable" : "no [ldap]");
  const std::optional<std::string> no_cloud =
      cloud ? std::nullopt
            : std::optional<std::string>(config.cloud.configured ? "[cloud] is not usable" : "no [cloud]");
  const auto both = [&]() -> std::optional<std::string> {
    if (no_ldap && no_cloud) return *no_ldap + ", " + *no_cloud;
    return no_ldap ? no_ldap : no_cloud;
  };
  return {
      {"doctor", no_ldap},     {"check", std::nullopt}, {"plan", no_ldap},
      {"write", no_ldap},      {"rollback", no_ldap},   {"runs", std::nullopt},
      {"show", std::nullopt},  {"verify", no_cloud},    {"serve", both()},
  };
}

}  // namespace ctim::service
