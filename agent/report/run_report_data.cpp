#include "agent/report/run_report_data.h"

namespace ctim::agent::report {

Result<RunReportData> LoadRunReport(Journal& journal, RunId run) {
  RunReportData data;
  auto record = journal.GetRun(run);
  if (!record) return std::unexpected(std::move(record.error()));
  if (!*record) {
    return Fail(Errc::kInvalidInput, "the journal has no run " + std::to_string(run),
                "`ctim-agent runs` lists the runs this journal knows");
  }
  data.run = std::move(**record);
  auto intents = journal.RunIntents(run);
  if (!intents) return std::unexpected(std::move(intents.error()));
  data.intents = std::move(*intents);
  auto verifications = journal.RunVerifications(run);
  if (!verifications) return std::unexpected(std::move(verifications.error()));
  data.verifications = std::move(*verifications);
  auto passes = journal.RunVerifyPasses(run);
  if (!passes) return std::unexpected(std::move(passes.error()));
  data.passes = std::move(*passes);
  auto findings = journal.RunRowFindings(run);
  if (!findings) return std::unexpected(std::move(findings.error()));
  data.findings = std::move(*findings);
  return data;
}

std::vector<RowFindingRecord> RowFindingsOf(const Plan& plan) {
  std::vector<RowFindingRecord> out;
  for (const RowPlan& p : plan.rows) {
    for (const Finding& f : p.findings) {
      if (f.rule == Rule::kInfo) continue;
      out.push_back({p.row, p.label, p.target_object_id ? p.target_object_id->ToString() : "",
                     std::string(RuleCode(f.rule)), std::string(SeverityName(f.severity)), f.message,
                     f.hint});
    }
  }
  return out;
}

}  // namespace ctim::agent::report
