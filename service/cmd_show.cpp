// `ctim-agent show RUN`: what one run did, per user: every change it sent (attribute, old -> new), every
// outcome the journal holds for it (written, confirmed, conflict, failed, ...) and, once `verify` has run,
// its latest verdict per object (done, pending, wrong). Reads the journal only.
#include <cstdio>
#include <iostream>

#include "agent/report/progress_csv.h"
#include "agent/report/run_format.h"
#include "service/cli.h"
#include "service/command.h"
#include "service/exit_codes.h"
#include "service/journal_setup.h"
#include "service/run_args.h"

namespace ctim::service {

int RunShow(const Invocation& invocation) {
  auto options =
      MakeOptions(invocation,
                  "Show what run RUN did, per user: every change it sent (attribute, old -> new), every "
                  "outcome the journal holds for it and the latest `verify` verdict. Reads only the journal.\n"
                  "Exit status: 0 shown, 2 bad option, no journal or unknown run.");
  options.add_options("show")("format", "output: table, json or csv",
                              cxxopts::value<std::string>()->default_value("table"), "FORMAT")(
      "run", "the run id (see `ctim-agent runs`)", cxxopts::value<std::string>());
  AddJournalOption(options, "show");
  options.parse_positional({"run"});
  options.positional_help("RUN");
  auto prepared = Prepare(options, invocation, ConfigNeed::kOptional);
  if (!prepared) return prepared.error();  // --help printed, or the error reported
  const cxxopts::ParseResult& parsed = prepared->parsed;
  Common& common = prepared->common;
  auto run = ReadRunId(parsed, "ctim-agent show RUN [--format table|json|csv]");
  if (!run) return ReportError(invocation, run.error());
  auto format = ReadOutputFormat(parsed);
  if (!format) return ReportError(invocation, format.error());
  auto path = JournalPath(parsed, common.config);
  if (!path) return ReportError(invocation, path.error());
  auto journal = OpenExistingJournal(*path);
  if (!journal) return ReportError(invocation, journal.error());
  auto snapshot = journal->ReadSnapshot();  // the run, its intents and verdicts as of one moment
  if (!snapshot) return ReportError(invocation, snapshot.error());
  auto record = journal->GetRun(*run);
  if (!record) return ReportError(invocation, record.error());
  if (!*record) {
    return ReportError(
        invocation, Error{Errc::kInvalidInput, "run " + std::to_string(*run) + " is not in journal " + *path,
                          "`ctim-agent runs` lists the runs this journal knows"});
  }
  auto intents = journal->RunIntents(*run);
  if (!intents) return ReportError(invocation, intents.error());
  auto verifications = journal->RunVerifications(*run);
  if (!verifications) return ReportError(invocation, verifications.error());
  if (*format == agent::OutputFormat::kCsv) {
    std::cout << agent::report::FormatProgressCsv(
        agent::report::ProgressFromRun(**record, *intents, *verifications, nullptr, agent::UtcNow()));
  } else {
    agent::PrintRunDetail(**record, *intents, *verifications, *format, std::cout);
  }
  std::cout.flush();
  return kExitOk;
}

}  // namespace ctim::service
