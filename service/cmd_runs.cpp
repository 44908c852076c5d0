// `ctim-agent runs`: every write and rollback run the journal knows, newest last, with its state and
// summary. Reads the journal only (no AD); never creates one.
#include <cstdio>
#include <iostream>

#include "agent/report/runs_csv.h"
#include "agent/report/run_format.h"
#include "service/cli.h"
#include "service/command.h"
#include "service/exit_codes.h"
#include "service/journal_setup.h"
#include "service/run_args.h"

namespace ctim::service {

int RunRuns(const Invocation& invocation) {
  auto options =
      MakeOptions(invocation,
                  "List the runs in the journal: id, kind (write or rollback), state, start time, file "
                  "and summary. Reads only the journal.\n"
                  "Exit status: 0 listed, 2 bad option or no journal.");
  options.add_options("runs")("format", "output: table, json or csv",
                              cxxopts::value<std::string>()->default_value("table"), "FORMAT");
  AddJournalOption(options, "runs");
  auto prepared = Prepare(options, invocation, ConfigNeed::kOptional);
  if (!prepared) return prepared.error();  // --help printed, or the error reported
  const cxxopts::ParseResult& parsed = prepared->parsed;
  Common& common = prepared->common;
  auto format = ReadOutputFormat(parsed);
  if (!format) return ReportError(invocation, format.error());
  auto path = JournalPath(parsed, common.config);
  if (!path) return ReportError(invocation, path.error());
  auto journal = OpenExistingJournal(*path);
  if (!journal) return ReportError(invocation, journal.error());
  auto runs = journal->ListRuns();
  if (!runs) return ReportError(invocation, runs.error());
  if (*format == agent::OutputFormat::kCsv) {
    std::cout << agent::report::FormatRunsCsv(*runs);
  } else {
    agent::PrintRuns(*runs, *format, std::cout);
  }
  std::cout.flush();
  return kExitOk;
}

}  // namespace ctim::service
