// `ctim-agent rollback RUN`: restores every value write run RUN changed to what it was before, byte-exact,
// from the journal, unless someone changed that attribute since (then that attribute is refused and the
// report says what AD holds now). Itself a journaled run, through the same intent -> modify -> re-read path.
#include <cstdio>
#include <iostream>

#include "agent/model/attributes.h"
#include "agent/apply/rollback.h"
#include "agent/report/run_format.h"
#include "service/cli.h"
#include "service/command.h"
#include "service/directory_setup.h"
#include "service/exit_codes.h"
#include "service/journal_setup.h"
#include "service/run_args.h"
#include "service/progress_bar.h"

namespace ctim::service {
namespace {

constexpr std::string_view kUsage = "ctim-agent rollback RUN [--format table|json]";

int ExitFor(const agent::RollbackReport& report) {
  using agent::RollbackObjectState;
  switch (report.run_state) {
    case agent::RunState::kStopped:
      return kExitInterrupted;
    case agent::RunState::kFailed:
      return kExitUnavailable;
    default:
      break;
  }
  for (RollbackObjectState s :
       {RollbackObjectState::kPartial, RollbackObjectState::kRefused, RollbackObjectState::kFailed,
        RollbackObjectState::kUnknown, RollbackObjectState::kNotAttempted}) {
    if (report.Count(s) > 0) return kExitAttention;
  }
  return kExitOk;
}

}  // namespace

int RunRollback(const Invocation& invocation) {
  auto options = MakeOptions(
      invocation,
      "Undo write run RUN: restore every value it changed to the value before, exactly, unless someone "
      "changed that attribute since (that attribute is then left alone and reported). Values added to "
      "proxyAddresses are removed; other values stay. The rollback is journaled like a write.\n"
      "Exit status: 0 everything restored (or nothing to restore), 1 some attributes refused or failed, "
      "2 bad option or unknown run, 3 AD unreachable or the bind refused, 5 interrupted.");
  options.add_options("rollback")("format", "output: table or json",
                                  cxxopts::value<std::string>()->default_value("table"), "FORMAT")(
      "batch-size", "objects per batch (one journal transaction, one pipelined run of modifies)",
      cxxopts::value<int>()->default_value("500"),
      "N")("run", "the write run to undo (see `ctim-agent runs`)", cxxopts::value<std::string>());
  AddJournalOption(options, "rollback");
  options.parse_positional({"run"});
  options.positional_help("RUN");
  auto prepared = Prepare(options, invocation, ConfigNeed::kRequired);
  if (!prepared) return prepared.error();  // --help printed, or the error reported
  const cxxopts::ParseResult& parsed = prepared->parsed;
  Common& common = prepared->common;
  auto run = ReadRunId(parsed, kUsage);
  if (!run) return ReportError(invocation, run.error());
  auto format = ReadTableOrJson(parsed);
  if (!format) return ReportError(invocation, format.error());
  const auto batch_size = ReadBatchSize(parsed);
  if (!batch_size) return ReportError(invocation, batch_size.error());
  if (auto valid = ValidateConfig(*common.config); !valid) return ReportError(invocation, valid.error());
  auto journal_path = JournalPath(parsed, common.config);
  if (!journal_path) return ReportError(invocation, journal_path.error());
  auto journal = OpenExistingJournal(*journal_path);
  if (!journal) return ReportError(invocation, journal.error());
  auto known = journal->GetRun(*run);
  if (!known) return ReportError(invocation, known.error());
  if (!*known) {
    return ReportError(
        invocation,
        Error{Errc::kInvalidInput, "run " + std::to_string(*run) + " is not in journal " + *journal_path,
              "`ctim-agent runs` lists the runs this journal knows"});
  }
  auto directory = OpenDirectory(*common.config);
  if (!directory) return ReportError(invocation, directory.error());

  agent::RollbackSettings settings;
  settings.attributes = agent::attr::CandidateAttributes(common.config->agent.anchor.empty()
                                                             ? std::string("mS-DS-ConsistencyGuid")
                                                             : common.config->agent.anchor);
  settings.batch_size = *batch_size;
  if (common.config->ldap.reread_connection) {
    settings.open_reader = [&config = *common.config] { return OpenDirectory(config); };
  }
  BarProgress progress(common.progress);
  auto report = agent::RollbackRun(*run, **directory, *journal, settings, progress, invocation.stop);
  progress.Finish();
  if (!report) {
    Error e = report.error();
    if (e.code == Errc::kNotFound) e.code = Errc::kInvalidInput;
    return ReportError(invocation, e);
  }
  agent::PrintRollbackReport(*report, *format, std::cout);
  std::cout.flush();
  if (*format != agent::OutputFormat::kTable) std::fprintf(stderr, "%s\n", report->Summary().c_str());
  return ExitFor(*report);
}

}  // namespace ctim::service
