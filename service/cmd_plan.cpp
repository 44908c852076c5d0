// `ctim-agent plan FILE`: the dry run. Reads the CTIM file, matches every row to one AD object, plans the
// minimal change and prints per user what would change (attribute, old -> new) and every refusal with its
// reason. Changes nothing in AD and writes no journal.
// Exit: 0 every row can be written or is already as planned; 1 some rows are refused or skipped (unmapped);
// 2 bad option, configuration or file; 3 AD unreachable or the bind refused.
#include <cstdio>
#include <iostream>
#include <string>

#include "agent/journal/journal.h"
#include "agent/report/plan_summary.h"
#include "agent/report/powershell_plan.h"
#include "service/cli.h"
#include "service/command.h"
#include "service/exit_codes.h"
#include "service/plan_file.h"

namespace ctim::service {

int RunPlan(const Invocation& invocation) {
  auto options = MakeOptions(
      invocation,
      "Dry run: read a CTIM identities file, match every row to one AD object and print, per user, what "
      "`write` would change (attribute, old -> new) and every refusal with its reason. Changes nothing. "
      "--format powershell prints the plan as Exchange Management Shell commands (Set-MailUser, Set-ADUser) "
      "for customers who must use Microsoft's tools.\n"
      "Exit status: 0 every row can be written or is already done, 1 some rows are refused or unmapped, "
      "2 bad option, configuration or file, 3 AD unreachable or the bind refused.");
  AddPlanOptions(options, "plan");
  options.add_options("plan")("detail", "table: after the summary, print every row (default: the first " +
                                            std::to_string(agent::report::kDefaultRowsPerReason) +
                                            " rows of each reason; json and csv always list every row)");
  auto prepared = Prepare(options, invocation, ConfigNeed::kRequired);
  if (!prepared) return prepared.error();  // --help printed, or the error reported
  const cxxopts::ParseResult& parsed = prepared->parsed;
  Common& common = prepared->common;
  auto args = ReadPlanArgs(
      parsed, "ctim-agent plan FILE [--format table|json|csv|powershell] [--detail] [--overwrite-guid]",
      true);
  if (!args) return ReportError(invocation, args.error());
  auto planned = PlanFile(*common.config, *args, invocation.stop);
  if (!planned) return ReportError(invocation, planned.error());

  if (args->powershell) {
    std::cout << agent::report::FormatPowerShellPlan(planned->plan, args->file, agent::UtcNow());
  } else if (args->format == agent::OutputFormat::kTable) {
    agent::report::PrintPlanSummaryFirst(
        planned->plan, parsed.count("detail") > 0 ? 0 : agent::report::kDefaultRowsPerReason, std::cout);
  } else {
    agent::PrintPlan(planned->plan, args->format, agent::UtcNow(), std::cout);
  }
  std::cout.flush();
  const agent::PlanCounts counts = planned->plan.Count();
  return counts.refused + counts.skipped > 0 ? kExitAttention : kExitOk;
}

}  // namespace ctim::service
