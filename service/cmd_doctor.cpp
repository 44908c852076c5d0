// `ctim-agent doctor`: what an admin checks before a migration weekend, against the configured DC:
// reach it, TLS, bind (mechanism and identity), the schema has every attribute the agent needs, the bound
// account may write them under each base DN, the Global Catalog answers (agent/adapters/ad_doctor.h), and
// the journal's directory is writable. A PASS/FAIL table; exit 1 if any check failed.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>

#include "agent/adapters/ad_doctor.h"
#include "ldap/doctor.h"
#include "service/cli.h"
#include "service/command.h"
#include "service/exit_codes.h"
#include "service/file_access.h"
#include "service/ldap_setup.h"
#include "service/run_args.h"

namespace ctim::service {
namespace {

using ldap::Check;

Check Row(std::string name, Check::State state, std::string detail, std::string hint = {}) {
  return Check{std::move(name), state, std::move(detail), std::move(hint)};
}

Check FromError(std::string name, const Error& error) { return Row(std::move(name), Check::kFail, error.message, error.hint); }

void Append(std::vector<Check>& out, std::vector<Check> more) {
  for (Check& c : more) out.push_back(std::move(c));
}

// The journal's folder exists and this account may create or write the journal's files there: the same
// check `write` makes before SQLite is asked (service/file_access.h, POSIX modes or the Windows DACL).
Check JournalCheck(const AgentSettings& settings) {
  namespace fs = std::filesystem;
  const fs::path journal(settings.journal);
  const fs::path dir = journal.has_parent_path() ? journal.parent_path() : fs::path(".");
  std::error_code ec;
  const bool exists = fs::exists(journal, ec);
  if (!exists && !fs::is_directory(dir, ec)) {
    return Row("journal", Check::kFail, "directory " + dir.string() + " does not exist",
               "create it (e.g. /var/lib/ctim-agent, mode 0700) or set [agent] journal");
  }
  if (auto writable = CheckJournalWritable(settings.journal); !writable) return FromError("journal", writable.error());
  return Row("journal", Check::kPass,
             journal.string() + (exists ? " (exists)" : " (will be created by the first write)"));
}

std::vector<Check> RunChecks(const Config& config) {
  std::vector<Check> checks;
  auto options = DcConnectOptions(config.ldap);
  if (!options) {
    checks.push_back(FromError("config", options.error()));
    return checks;
  }
  checks.push_back(Row("config", Check::kPass, config.source.string() + ": " + ldap::Describe(*options)));
  Append(checks, agent::CheckDomainController(*options, config.ldap.base_dns));
  checks.push_back(agent::CheckGlobalCatalog(GcConnectOptions(config.ldap), config.ldap.gc_url));
  for (const std::string& url : config.ldap.sync_source_urls) {
    LdapSettings one = config.ldap;
    one.url = url;
    checks.push_back(agent::CheckSyncSource(DcConnectOptions(one), url));
  }
  checks.push_back(JournalCheck(config.agent));
  return checks;
}

void PrintTable(const std::vector<Check>& checks) {
  std::size_t width = 5;
  for (const Check& c : checks) width = std::max(width, c.name.size());
  std::printf("%-*s  STATE  DETAIL\n", static_cast<int>(width), "CHECK");
  for (const Check& c : checks) {
    const std::string_view state = ldap::CheckStateName(c.state);
    std::printf("%-*s  %-5.*s  %s\n", static_cast<int>(width), c.name.c_str(), static_cast<int>(state.size()),
                state.data(), c.detail.c_str());
    if (c.state == Check::kFail && !c.hint.empty()) {
      std::printf("%-*s         \u2192 %s\n", static_cast<int>(width), "", c.hint.c_str());
    }
  }
  const bool ok = ldap::AllPassed(checks);
  std::printf("\n%s\n", ok ? "doctor: all checks passed" : "doctor: some checks FAILED (see the hints above)");
}

void PrintJson(const std::vector<Check>& checks) {
  nlohmann::json out = {{"passed", ldap::AllPassed(checks)}, {"checks", nlohmann::json::array()}};
  for (const Check& c : checks) {
    out["checks"].push_back({{"check", c.name},
                             {"state", std::string(ldap::CheckStateName(c.state))},
                             {"detail", c.detail},
                             {"hint", c.hint}});
  }
  std::printf("%s\n", out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
}

}  // namespace

int RunDoctor(const Invocation& invocation) {
  auto options = MakeOptions(invocation,
                             "Check, without changing anything, that the configured DC is reachable over TLS or "
                             "GSSAPI, the bind works, the schema has the Exchange attributes, the account may write "
                             "them under each base DN, the Global Catalog answers and the journal is writable.");
  options.add_options("doctor")("format", "table or json", cxxopts::value<std::string>()->default_value("table"),
                                "FORMAT");
  auto prepared = Prepare(options, invocation, ConfigNeed::kRequired);
  if (!prepared) return prepared.error();  // --help printed, or the error reported
  const cxxopts::ParseResult& parsed = prepared->parsed;
  Common& common = prepared->common;
  const auto format = ReadTableOrJson(parsed);
  if (!format) return ReportError(invocation, format.error());
  if (auto valid = ValidateConfig(*common.config); !valid) return ReportError(invocation, valid.error());
  const std::vector<Check> checks = RunChecks(*common.config);
  if (*format == agent::OutputFormat::kJson) {
    PrintJson(checks);
  } else {
    PrintTable(checks);
  }
  return ldap::AllPassed(checks) ? kExitOk : kExitAttention;
}

}  // namespace ctim::service
