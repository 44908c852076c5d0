// The plan code path that `plan` and `write` share, so the dry run cannot differ from what is written:
// read the CTIM file (refused as a whole on file-level errors), make the cloud resolver when [cloud] is
// configured (service/cloud_setup.h -> agent/adapters/graph_cloud.h), connect to AD, build the plan (one paged
// candidate search, one batched Graph lookup, one batched GC lookup), and fold the rejected rows in as
// refusals.
#pragma once

#include <cxxopts.hpp>
#include <memory>
#include <stop_token>
#include <string>

#include "agent/model/cloud_resolver.h"
#include "agent/model/directory.h"
#include "agent/plan/elc_side_file.h"
#include "agent/plan/identity_file.h"
#include "agent/plan/plan.h"
#include "agent/plan/plan_builder.h"
#include "agent/report/plan_format.h"
#include "common/result.h"
#include "service/config.h"
#include "sync/cloud_client.h"

namespace ctim::service {

// FILE (positional), --format table|json|csv, --overwrite-guid: the options `plan` and `write` share.
void AddPlanOptions(cxxopts::Options& options, std::string_view group);

struct PlanArgs {
  std::string file;
  agent::OutputFormat format = agent::OutputFormat::kTable;
  bool overwrite_guid = false;
  bool powershell = false;  // --format powershell (plan only): Exchange Management Shell commands
  std::string elc_file;     // --elc-file (empty: [agent] elc_file)
};
// kInvalidInput for a missing FILE or an unknown format ("powershell" only with `allow_powershell`).
[[nodiscard]] Result<PlanArgs> ReadPlanArgs(const cxxopts::ParseResult& parsed, std::string_view usage,
                                            bool allow_powershell = false);

struct PlannedFile {
  agent::IdentityFile identities;
  agent::PlanSettings settings;
  agent::Plan plan;
  std::unique_ptr<sync::CloudClient> cloud_client;  // when [cloud] is configured
  std::unique_ptr<agent::CloudResolver> cloud;      // over cloud_client (declared after it: destroyed first)
  std::unique_ptr<agent::Directory> directory;      // still connected: `write` goes on with it
};

// Hold flags for `rows` from the ELC side file (`elc_file`, else [agent] elc_file) and [agent] elc_default
// (agent/plan/elc_side_file.h). kInvalidInput when the side file is refused. `plan`, `write` and `serve` use it.
[[nodiscard]] Result<agent::ElcApplication> ApplyElcPolicy(const Config& config, const std::string& elc_file,
                                                           std::vector<agent::SourceIdentity>& rows);

// Errors: kInvalidInput (config, file refused as a whole: nothing planned), or the AD error (unreachable,
// bind refused, candidates or Global Catalog unreadable). A cloud that cannot be asked is not an error: the
// plan uses the offline keys and says so (agent/plan/plan_builder.h). `stop` aborts a Graph lookup in flight.
[[nodiscard]] Result<PlannedFile> PlanFile(const Config& config, const PlanArgs& args, std::stop_token stop);

// {"overwrite_guid": .., "match_order": [..], "anchor": .., "base_dns": [..], "gc_url": .., ...} for the
// journal.
[[nodiscard]] std::string PlanOptionsJson(const Config& config, const PlannedFile& planned,
                                          std::size_t batch_size);

}  // namespace ctim::service
