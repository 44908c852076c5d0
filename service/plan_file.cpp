#include "service/plan_file.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "agent/adapters/graph_cloud.h"
#include "agent/plan/matcher.h"
#include "agent/reader/reader_options.h"
#include "common/ascii.h"
#include "service/cloud_setup.h"
#include "service/directory_setup.h"
#include "service/run_args.h"
#include "service/reader_setup.h"

namespace ctim::service {
namespace {

std::shared_ptr<spdlog::logger> Log() {
  auto logger = spdlog::get("service");
  return logger ? logger : spdlog::default_logger();
}

}  // namespace

void AddPlanOptions(cxxopts::Options& options, std::string_view group) {
  options.add_options(std::string(group))(
      "format",
      "output: table (for people), json, or csv (the ProgressOutput columns: one line per attribute "
      "change); plan also takes powershell (Exchange Management Shell commands)",
      cxxopts::value<std::string>()->default_value("table"), "FORMAT")(
      "overwrite-guid",
      "replace a different msExchMailboxGuid / msExchArchiveGUID already on the object "
      "(a stale GUID) instead of refusing the row; the old value is journaled, so rollback restores it")(
      "elc-file",
      "hold flags exported in the SOURCE tenant: Get-Mailbox -ResultSize Unlimited | Select PrimarySmtpAddress,"
      "ExchangeGuid,LitigationHoldEnabled,SingleItemRecoveryEnabled | Export-Csv -NoTypeInformation PATH; rows "
      "match by ExchangeGuid, else PrimarySmtpAddress, and their True flags are OR-ed into msExchELCMailboxFlags "
      "(default: [agent] elc_file)",
      cxxopts::value<std::string>(), "PATH")(
      "file", "the CTIM identities file (from Download-CtimCopiedIdentities)", cxxopts::value<std::string>());
  options.parse_positional({"file"});
  options.positional_help("FILE");
}

Result<PlanArgs> ReadPlanArgs(const cxxopts::ParseResult& parsed, std::string_view usage, bool allow_powershell) {
  PlanArgs args;
  if (parsed.count("file") == 0) return Fail(Errc::kInvalidInput, "no file given", std::string(usage));
  args.file = parsed["file"].as<std::string>();
  if (parsed.count("elc-file") > 0) args.elc_file = parsed["elc-file"].as<std::string>();
  if (allow_powershell && EqualsAscii(parsed["format"].as<std::string>(), "powershell")) {
    args.powershell = true;
    args.overwrite_guid = parsed.count("overwrite-guid") > 0;
    return args;
  }
  auto format = ReadFormat(
      parsed, {agent::OutputFormat::kTable, agent::OutputFormat::kJson, agent::OutputFormat::kCsv});
  if (!format) return std::unexpected(std::move(format.error()));
  args.format = *format;
  args.overwrite_guid = parsed.count("overwrite-guid") > 0;
  return args;
}

Result<agent::ElcApplication> ApplyElcPolicy(const Config& config, const std::string& elc_file,
                                             std::vector<agent::SourceIdentity>& rows) {
  auto defaults = agent::ParseElcDefault(config.agent.elc_default, "[agent] elc_default");
  if (!defaults) return std::unexpected(std::move(defaults.error()).With(config.source.string()));
  const std::string& path = !elc_file.empty() ? elc_file : config.agent.elc_file;
  std::optional<agent::ElcSideFile> side;
  if (!path.empty()) {
    auto read = agent::ReadElcSideFile(path);
    if (!read) return std::unexpected(std::move(read.error()));
    side = std::move(*read);
  }
  return agent::ApplyElcFlags(side ? &*side : nullptr, *defaults, rows);
}

Result<PlannedFile> PlanFile(const Config& config, const PlanArgs& args, std::stop_token stop) {
  if (Status valid = ValidateConfig(config); !valid) return std::unexpected(std::move(valid.error()));
  auto reader = ReaderOptionsFrom(config);
  if (!reader) return std::unexpected(std::move(reader.error()));
  auto match = agent::MatchOptionsFromConfig(config.agent.match_order, config.agent.anchor,
                                             config.agent.match_upn, config.agent.match_mail);
  if (!match) return std::unexpected(std::move(match.error()).With(config.source.string() + ": [agent]"));

  PlannedFile planned;
  auto identities = agent::ReadIdentityFile(args.file, *reader);
  if (!identities) return std::unexpected(std::move(identities.error()));
  planned.identities = std::move(*identities);
  for (const agent::ReaderWarning& w : planned.identities.warnings) Log()->warn("{}", w.message);
  if (!planned.identities.errors.empty()) {
    Log()->warn(
        "{}: {} row(s) rejected when reading; they are refused in the plan (ctim-agent check {} lists "
        "every problem)",
        planned.identities.label, planned.identities.errors.size(), planned.identities.label);
  }

  auto elc = ApplyElcPolicy(config, args.elc_file, planned.identities.rows);
  if (!elc) return std::unexpected(std::move(elc.error()));

  planned.settings.base_dns = config.ldap.base_dns;
  planned.settings.match = std::move(*match);
  planned.settings.plan.overwrite_guid = args.overwrite_guid;
  planned.settings.plan.target_delivery_domain = config.agent.target_delivery_domain;

  if (config.cloud.configured) {
    auto client = MakeCloudClient(config);
    if (!client) return std::unexpected(std::move(client.error()));
    planned.cloud_client = std::move(*client);
    planned.cloud = std::make_unique<agent::GraphCloudResolver>(*planned.cloud_client, std::move(stop));
  }
  auto directory = OpenDirectory(config);
  if (!directory) return std::unexpected(std::move(directory.error()));
  planned.directory = std::move(*directory);

  // Without [cloud] the chain runs on the offline keys only, and the plan says so in a note.
  auto plan = agent::BuildPlan(planned.identities.rows, *planned.directory, planned.cloud.get(), planned.settings);
  if (!plan) return std::unexpected(std::move(plan.error()));
  planned.plan = std::move(*plan);
  agent::AddRejectedRows(planned.identities, planned.plan);
  agent::AddElcFindings(*elc, planned.plan);
  return planned;
}

std::string PlanOptionsJson(const Config& config, const PlannedFile& planned, std::size_t batch_size) {
  nlohmann::json chain = nlohmann::json::array();
  for (agent::MatchKey k : planned.settings.match.chain) chain.push_back(agent::MatchKeyName(k));
  const nlohmann::json options = {{"overwrite_guid", planned.settings.plan.overwrite_guid},
                                  {"match_order", chain},
                                  {"anchor", planned.settings.match.anchor_attribute},
                                  {"base_dns", config.ldap.base_dns},
                                  {"ldap_url", config.ldap.url},
                                  {"gc_url", config.ldap.gc_url},
                                  {"cloud", config.cloud.configured},
                                  {"batch_size", batch_size},
                                  {"window", config.ldap.window}};
  return options.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace ctim::service
