// ctim-agent's configuration file (TOML). One section per concern; the command line overrides single
// values. Every key is documented in README.md ("Configuration"); an unknown key is an error naming it,
// so a typo on a migration weekend is caught before anything runs.
//
// Lookup: --config FILE, else $CTIM_AGENT_CONFIG, else the OS default (service/default_paths.h):
// /etc/ctim-agent/ctim-agent.toml, or %ProgramData%\ctim-agent\ctim-agent.toml on Windows.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "service/default_paths.h"

#include "common/result.h"

namespace ctim::service {

struct LdapSettings {
  bool configured = false;         // the [ldap] section is present
  std::string url;                 // ldap://dc1.contoso.com (GSSAPI, sign+seal) or ldaps://...
  std::string bind = "gssapi";     // gssapi | simple
  std::string principal;           // gssapi: bind as exactly this (doc/kerberos-principal.md); "" = the first in keytab
  std::string keytab;              // gssapi: client keytab; empty = the current credential cache
  std::string krb5_config;         // KRB5_CONFIG for the process; empty = the system's
  std::string bind_dn;             // simple: DN or UPN to bind as (TLS required)
  std::string password_file;       // simple: file holding the password (never inline in the config)
  std::string ca_file;             // CA bundle for ldaps/StartTLS; empty = system store
  bool starttls = false;           // ldap:// + StartTLS (simple bind)
  std::vector<std::string> base_dns;  // where target users live; matching searches only here
  std::string gc_url;              // Global Catalog (forest-wide X500 uniqueness), e.g. ldap://dc1:3268
  // The DCs Entra Connect reads, when not the one `url` names (doc/replication.md): verify waits until they
  // hold what was written. Same credentials and TLS settings as `url`.
  std::vector<std::string> sync_source_urls;
  int timeout_seconds = 30;
  int page_size = 1000;            // AD MaxPageSize default
  // when-limited: searches go out without the paged-results control and switch to it only when the DC
  // stops one at its limit (AD's MaxPageSize); always: every search is paged. See ldap::Paging.
  std::string paging = "when-limited";
  int window = 64;                 // pipelined modifies in flight on one connection
  // Re-read what each batch wrote on a second connection while the next batch is sent (doc/design.md, "The
  // write engine"). Off by default: on the lab's Samba DC it did not make runs faster (at 20,000 users the
  // modifies took longer by more than the re-reads took off the end); a DC whose readers do not wait for its
  // writer may gain.
  bool reread_connection = false;
};

struct CloudSettings {
  bool configured = false;         // the [cloud] section is present
  std::string preset = "worldwide";  // worldwide | gcc | gcchigh | dod | china
  std::string tenant_id;
  std::string client_id;
  std::string certificate_file;    // the app's registered certificate (PEM)
  std::string private_key_file;    // its private key (PEM); never logged
  std::string certificate_thumbprint;  // Windows: instead of the files, the app's certificate in LocalMachine\My
  std::string client_secret_file;  // accepted, warned about: prefer a certificate
  std::string assertion = "PS256";  // PS256 (x5t#S256) | RS256 (x5t)
  std::string login_url;           // overrides of the preset's endpoint roots
  std::string graph_url;
  std::string exo_url;
  std::string ca_file;             // CA bundle for private clouds / the lab emulator
  int timeout_seconds = 30;
};

struct AgentSettings {
  std::string journal = Defaults().journal;
  std::string target_delivery_domain;  // <tenant>.mail.onmicrosoft.com: readiness warning when absent
  std::vector<std::string> match_order;  // resolution chain order (empty = built-in default)
  std::string anchor;                    // sourceAnchor attribute (empty = mS-DS-ConsistencyGuid, then objectGUID)
  std::string email_separator = ";";     // EmailAddresses separator in the CTIM file
  bool match_upn = false;                // opt-in weak keys
  bool match_mail = false;
  int verify_interval_seconds = 300;
  int verify_deadline_seconds = 86400;
  // Hold flags (agent/plan/elc_side_file.h): the Get-Mailbox export matched to the identity rows, and the
  // bits asked for rows it does not match ("single-item-recovery", "litigation-hold").
  std::string elc_file;
  std::vector<std::string> elc_default;
};

// `serve`'s inbox and its policy. The state directory is the inbox's parent: processed/, failed/ and
// outbox/ are the inbox's siblings there (doc/inbox.md).
struct ServiceSettings {
  std::string inbox = Defaults().inbox;
  int settle_seconds = 10;          // unchanged size and mtime this long = a file copied in place is complete
  std::string write = "approve";    // approve | auto
  int max_changes = 1000;           // auto: hold a file that would change more users
  int max_refused_percent = 10;     // auto: hold a file with a larger share of refused rows
  int max_file_age = 7 * 86400;     // auto: hold a file whose modification time is older (seconds)
  std::string notify_url;           // https:// incoming webhook (Teams/Slack); empty = none
  std::string notify_ca_file;       // CA bundle for it; empty = the system store
};

struct Config {
  std::filesystem::path source;  // the file it was read from (empty when none)
  LdapSettings ldap;
  CloudSettings cloud;
  AgentSettings agent;
  ServiceSettings service;
};

// The path to read: explicit, else $CTIM_AGENT_CONFIG, else the system default. nullopt when the
// default does not exist (commands that need no config, like `check`, run without one).
std::optional<std::filesystem::path> ConfigPath(const std::string& explicit_path);

// Reads and validates a config file. Errors name the file, the key and the line.
Result<Config> LoadConfig(const std::filesystem::path& path);
// Parses config text (for tests); `origin` names it in errors.
Result<Config> ParseConfig(std::string_view text, std::string_view origin);

// Checks combinations a parser cannot: enumerations, and what each bind/auth mode requires. One function
// per section, so each command checks what it uses and `config` can say which commands a file supports.
Status ValidateLdap(const Config& config);   // [ldap]: refuses a missing or unusable section
Status ValidateCloud(const Config& config);  // [cloud] when present (an absent [cloud] passes)
Status ValidateAgent(const Config& config);  // [agent] (every key has a default)
Status ValidateService(const Config& config);  // [service] (every key has a default)
// All three: what plan, write, rollback, doctor and serve need.
Status ValidateConfig(const Config& config);

// Whether a config file carries what a command needs; `missing` says what is not there when it does not.
struct CommandSupport {
  std::string command;
  std::optional<std::string> missing;
};
// Every command that reads the config (all but `config` itself), in --help order, judged by the same checks the commands make
// (a section that is present but unusable is an error of ValidateLdap/ValidateCloud/ValidateAgent instead).
[[nodiscard]] std::vector<CommandSupport> SupportedCommands(const Config& config);

}  // namespace ctim::service
