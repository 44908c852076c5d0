// `ctim-agent write FILE`: the same plan as `plan` (service/plan_file.h), then the journaled writer
// (agent/apply/writer.h): intents on disk before each batch of modifies, pipelined modifies (one per object),
// outcomes, then a re-read of every written object. Prints the report and the run id.
// SIGINT/SIGTERM: the current batch finishes, its outcomes are journaled, the rest is not attempted.
// GCC 12 reports a false -Wrestrict ("accessing 9223372036854775810 or more bytes") inside std::string when
// it inlines cxxopts' integer parsing into this file (GCC bug 105329): library code, not ours.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wrestrict"
#endif
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "agent/model/attributes.h"
#include "agent/report/progress_csv.h"
#include "agent/report/run_progress.h"
#include "agent/report/run_report_data.h"
#include "agent/apply/writer.h"
#include "service/cli.h"
#include "service/command.h"
#include "service/directory_setup.h"
#include "service/exit_codes.h"
#include "service/file_digest.h"
#include "service/journal_setup.h"
#include "service/plan_file.h"
#include "service/progress_csv_option.h"
#include "service/progress_bar.h"
#include "service/run_args.h"

namespace ctim::service {
namespace {

constexpr std::string_view kUsage =
    "ctim-agent write FILE [--format table|json|csv] [--overwrite-guid] [--progress-csv FILE]";

int ExitFor(const agent::WriteReport& report) {
  using agent::RowWriteState;
  switch (report.run_state) {
    case agent::RunState::kStopped:
      return kExitInterrupted;
    case agent::RunState::kFailed:
      return kExitUnavailable;
    default:
      break;
  }
  for (RowWriteState s :
       {RowWriteState::kRefused, RowWriteState::kSkipped, RowWriteState::kFailed, RowWriteState::kMismatch,
        RowWriteState::kUnknown, RowWriteState::kNotAttempted, RowWriteState::kWritten}) {
    if (report.Count(s) > 0) return kExitAttention;
  }
  return kExitOk;
}

// The progress CSV from what the journal now holds for the run, with the plan for the rows it did not write.
Status WriteProgress(const std::string& path, agent::Journal& journal, agent::RunId run,
                     const agent::Plan& plan) {
  auto rows = agent::report::LoadRunProgress(journal, run, &plan, agent::UtcNow());
  if (!rows) return std::unexpected(std::move(rows.error()));
  return agent::report::WriteProgressCsv(path, *rows);
}

}  // namespace

int RunWrite(const Invocation& invocation) {
  auto options = MakeOptions(
      invocation,
      "Write the plan for a CTIM identities file into AD: the same plan as `ctim-agent plan`, then every "
      "change is journaled before it is sent, sent as one modify per object, and confirmed by re-reading the "
      "object. Running it again with the same file changes nothing and says so. Prints a summary and the run "
      "id (for `show`, `rollback`). Ctrl-C stops after the current batch; the journal stays consistent.\n"
      "Exit status: 0 every row written or already done, 1 some rows refused, unmapped or failed, 2 bad "
      "option, configuration or file (nothing written), 3 AD unreachable or the bind refused, 5 "
      "interrupted.");
  AddPlanOptions(options, "write");
  AddJournalOption(options, "write");
  AddProgressCsvOption(options, "write");
  options.add_options("write")(
      "batch-size",
      "objects per batch: one journal transaction and one pipelined run of modifies; a stop "
      "(Ctrl-C) takes effect between batches",
      cxxopts::value<int>()->default_value("500"), "N");
  auto prepared = Prepare(options, invocation, ConfigNeed::kRequired);
  if (!prepared) return prepared.error();  // --help printed, or the error reported
  const cxxopts::ParseResult& parsed = prepared->parsed;
  Common& common = prepared->common;
  auto args = ReadPlanArgs(parsed, std::string(kUsage));
  if (!args) return ReportError(invocation, args.error());
  const auto batch_size = ReadBatchSize(parsed);
  if (!batch_size) return ReportError(invocation, batch_size.error());
  auto journal_path = JournalPath(parsed, common.config);
  if (!journal_path) return ReportError(invocation, journal_path.error());
  auto progress_csv = ReadProgressCsvPath(parsed);
  if (!progress_csv) return ReportError(invocation, progress_csv.error());

  std::error_code ec;
  const std::filesystem::path file = std::filesystem::absolute(args->file, ec);
  auto digest = Sha256OfFile(file);  // before reading it: the journal names the exact bytes planned from
  if (!digest) return ReportError(invocation, digest.error());
  auto planned = PlanFile(*common.config, *args, invocation.stop);
  if (!planned) return ReportError(invocation, planned.error());
  if (invocation.stop.stop_requested()) {
    std::fprintf(stderr, "ctim-agent write: stopped before writing; nothing was changed\n");
    return kExitInterrupted;
  }
  auto journal = OpenJournalForWriting(*journal_path);
  if (!journal) return ReportError(invocation, journal.error());

  agent::RunInfo info;
  info.kind = agent::RunKind::kWrite;
  info.file_path = file.string();
  info.file_sha256 = *digest;
  info.options_json = PlanOptionsJson(*common.config, *planned, *batch_size);
  agent::WriteSettings settings;
  settings.plan = planned->settings.plan;
  settings.attributes = agent::attr::CandidateAttributes(planned->settings.match.anchor_attribute);
  settings.batch_size = *batch_size;
  if (common.config->ldap.reread_connection) {
    settings.open_reader = [&config = *common.config] { return OpenDirectory(config); };
  }

  BarProgress progress(common.progress);
  auto report = agent::WritePlan(planned->plan, planned->identities.rows, *planned->directory, *journal, info,
                                 settings, progress, invocation.stop);
  progress.Finish();
  if (!report) return ReportError(invocation, report.error());
  // The plan's refusals and warnings, for `report RUN` (they are not intents, so not journaled otherwise).
  if (Status s = journal->RecordRowFindings(report->run, agent::report::RowFindingsOf(planned->plan)); !s) {
    std::fprintf(stderr,
                 "ctim-agent write: run %lld: the refusals could not be journaled (report RUN will not list "
                 "them): %s\n",
                 static_cast<long long>(report->run), s.error().ToString().c_str());
  }

  agent::PrintWriteReport(planned->plan, *report, args->format, agent::UtcNow(), std::cout);
  std::cout.flush();
  if (args->format != agent::OutputFormat::kTable) std::fprintf(stderr, "%s\n", report->Summary().c_str());
  if (report->abort) {
    std::fprintf(stderr, "ctim-agent write: run %lld stopped early: %s\n",
                 static_cast<long long>(report->run), report->abort->ToString().c_str());
  }
  if (*progress_csv) {
    if (Status s = WriteProgress(**progress_csv, *journal, report->run, planned->plan); !s) {
      return ReportError(invocation, s.error());
    }
  }
  return ExitFor(*report);
}

}  // namespace ctim::service
