// `ctim-agent config`: validate the configuration and print the effective settings, so an admin can
// check a file before the weekend, and say which commands the file supports (a file without [ldap] still
// serves verify; one without [cloud] serves plan and write). Prints paths, never the contents of password
// or key files.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "service/cli.h"
#include "service/command.h"
#include "service/exit_codes.h"
#include "service/toml_text.h"

namespace ctim::service {
namespace {

std::string Quote(const std::string& s) { return TomlBasicString(s); }

std::string QuoteList(const std::vector<std::string>& list) {
  std::vector<std::string> quoted;
  for (const auto& s : list) quoted.push_back(Quote(s));
  return fmt::format("[{}]", fmt::join(quoted, ", "));
}

void PrintLdap(const Config& c) {
  std::printf("[ldap]\n");
  const auto& l = c.ldap;
  std::printf("url = %s\nbind = %s\nprincipal = %s\nkeytab = %s\nkrb5_config = %s\nbind_dn = %s\n",
              Quote(l.url).c_str(), Quote(l.bind).c_str(), Quote(l.principal).c_str(), Quote(l.keytab).c_str(),
              Quote(l.krb5_config).c_str(), Quote(l.bind_dn).c_str());
  std::printf("password_file = %s\nca_file = %s\nstarttls = %s\nbase_dns = %s\ngc_url = %s\n",
              Quote(l.password_file).c_str(), Quote(l.ca_file).c_str(), l.starttls ? "true" : "false",
              QuoteList(l.base_dns).c_str(), Quote(l.gc_url).c_str());
  std::printf("sync_source_urls = %s\n", QuoteList(l.sync_source_urls).c_str());
  std::printf("timeout_seconds = %d\npage_size = %d\npaging = %s\nwindow = %d\nreread_connection = %s\n",
              l.timeout_seconds, l.page_size, Quote(l.paging).c_str(), l.window,
              l.reread_connection ? "true" : "false");
}

void Print(const Config& c) {
  std::printf("# %s\n", c.source.string().c_str());
  if (c.ldap.configured) {
    PrintLdap(c);
  } else {
    std::printf("# no [ldap] section\n");
  }
  if (c.cloud.configured) {
    const auto& k = c.cloud;
    std::printf("\n[cloud]\npreset = %s\ntenant_id = %s\nclient_id = %s\ncertificate_file = %s\n",
                Quote(k.preset).c_str(), Quote(k.tenant_id).c_str(), Quote(k.client_id).c_str(),
                Quote(k.certificate_file).c_str());
    std::printf("private_key_file = %s\ncertificate_thumbprint = %s\nclient_secret_file = %s\nassertion = %s\n",
                Quote(k.private_key_file).c_str(), Quote(k.certificate_thumbprint).c_str(),
                Quote(k.client_secret_file).c_str(), Quote(k.assertion).c_str());
    std::printf("login_url = %s\ngraph_url = %s\nexo_url = %s\nca_file = %s\ntimeout_seconds = %d\n",
                Quote(k.login_url).c_str(), Quote(k.graph_url).c_str(), Quote(k.exo_url).c_str(),
                Quote(k.ca_file).c_str(), k.timeout_seconds);
  }
  const auto& a = c.agent;
  std::printf("\n[agent]\njournal = %s\ntarget_delivery_domain = %s\nmatch_order = %s\nanchor = %s\n",
              Quote(a.journal).c_str(), Quote(a.target_delivery_domain).c_str(), QuoteList(a.match_order).c_str(),
              Quote(a.anchor).c_str());
  std::printf("email_separator = %s\nmatch_upn = %s\nmatch_mail = %s\n", Quote(a.email_separator).c_str(),
              a.match_upn ? "true" : "false", a.match_mail ? "true" : "false");
  std::printf("verify_interval_seconds = %d\nverify_deadline_seconds = %d\n", a.verify_interval_seconds,
              a.verify_deadline_seconds);
  std::printf("elc_file = %s\nelc_default = %s\n", Quote(a.elc_file).c_str(), QuoteList(a.elc_default).c_str());
  const auto& v = c.service;
  std::printf("\n[service]\ninbox = %s\nsettle_seconds = %d\nwrite = %s\nmax_changes = %d\n", Quote(v.inbox).c_str(),
              v.settle_seconds, Quote(v.write).c_str(), v.max_changes);
  std::printf("max_refused_percent = %d\nmax_file_age = %d\n", v.max_refused_percent, v.max_file_age);
  // The webhook URL carries its secret in the path: only whether one is set.
  std::printf("notify_url = %s\nnotify_ca_file = %s\n", v.notify_url.empty() ? "\"\"" : "(set)",
              Quote(v.notify_ca_file).c_str());
}

// "# supports: check runs show verify" and one line per reason, "# no [ldap]: doctor plan ... need it".
void PrintSupport(const Config& c) {
  std::string supported;
  std::vector<std::pair<std::string, std::string>> unsupported;  // reason, commands
  for (const CommandSupport& s : SupportedCommands(c)) {
    if (!s.missing) {
      supported += (supported.empty() ? "" : " ") + s.command;
      continue;
    }
    auto it = std::find_if(unsupported.begin(), unsupported.end(),
                           [&](const auto& u) { return u.first == *s.missing; });
    if (it == unsupported.end()) it = unsupported.insert(unsupported.end(), {*s.missing, {}});
    it->second += (it->second.empty() ? "" : " ") + s.command;
  }
  std::printf("\n# supports: %s\n", supported.c_str());
  for (const auto& [reason, commands] : unsupported) {
    std::printf("# %s: %s %s it\n", reason.c_str(), commands.c_str(),
                commands.find(' ') == std::string::npos ? "needs" : "need");
  }
}

}  // namespace

int RunConfig(const Invocation& invocation) {
  auto options =
      MakeOptions(invocation,
                  "Validate the configuration file, print the effective settings and say which commands it "
                  "supports (a missing [ldap] or [cloud] section limits them; a broken one is an error).");
  auto prepared = Prepare(options, invocation, ConfigNeed::kRequired);
  if (!prepared) return prepared.error();  // --help printed, or the error reported
  Common& common = prepared->common;
  // A section that is present must be usable; an absent one only limits which commands the file serves.
  const Config& config = *common.config;
  if (config.ldap.configured) {
    if (auto valid = ValidateLdap(config); !valid) return ReportError(invocation, valid.error());
  }
  if (auto valid = ValidateCloud(config); !valid) return ReportError(invocation, valid.error());
  if (auto valid = ValidateAgent(config); !valid) return ReportError(invocation, valid.error());
  if (auto valid = ValidateService(config); !valid) return ReportError(invocation, valid.error());
  Print(config);
  PrintSupport(config);
  return kExitOk;
}

}  // namespace ctim::service
