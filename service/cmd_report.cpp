// `ctim-agent report RUN -o report.html`: writes one self-contained HTML file about a write run from the
// journal (agent/report/html_report.h): the run, every refusal with its reason and fix, every user's status
// with a search box, and the verify passes' DONE / PENDING / WRONG curve with the tenant's sync cycles.
// Reads the journal only; the file is replaced atomically.
#include <cstdio>

#include "agent/report/html_report.h"
#include "agent/report/progress_csv.h"
#include "agent/report/run_report_data.h"
#include "service/cli.h"
#include "service/command.h"
#include "service/exit_codes.h"
#include "service/journal_setup.h"
#include "service/run_args.h"

namespace ctim::service {

int RunReport(const Invocation& invocation) {
  constexpr std::string_view kUsage = "ctim-agent report RUN -o FILE.html";
  auto options = MakeOptions(
      invocation,
      "Write one self-contained HTML file about write run RUN, to hand on or print: the run, every refusal "
      "with "
      "its reason and fix, every user's status (with search and a status filter), and a plot of DONE, "
      "PENDING "
      "and WRONG over the verify passes with the tenant's directory-sync cycles. It loads nothing from the "
      "network. Reads only the journal.\nExit status: 0 written, 2 bad option, no journal or unknown run.");
  options.add_options("report")("o,output", "the HTML file to write", cxxopts::value<std::string>(), "FILE")(
      "run", "the run id (see `ctim-agent runs`)", cxxopts::value<std::string>());
  AddJournalOption(options, "report");
  options.parse_positional({"run"});
  options.positional_help("RUN");
  auto prepared = Prepare(options, invocation, ConfigNeed::kOptional);
  if (!prepared) return prepared.error();  // --help printed, or the error reported
  const cxxopts::ParseResult& parsed = prepared->parsed;
  Common& common = prepared->common;
  auto run = ReadRunId(parsed, kUsage);
  if (!run) return ReportError(invocation, run.error());
  if (parsed.count("output") == 0) {
    return ReportError(invocation, {Errc::kInvalidInput, "no output file given", std::string(kUsage)});
  }
  const std::string output = parsed["output"].as<std::string>();
  auto path = JournalPath(parsed, common.config);
  if (!path) return ReportError(invocation, path.error());
  auto journal = OpenExistingJournal(*path);
  if (!journal) return ReportError(invocation, journal.error());
  auto data = agent::report::LoadRunReport(*journal, *run);
  if (!data) return ReportError(invocation, data.error());
  if (Status s =
          agent::report::WriteFileAtomically(output, agent::report::FormatHtmlReport(*data, agent::UtcNow()));
      !s) {
    return ReportError(invocation, s.error());
  }
  std::fprintf(stderr, "ctim-agent report: wrote %s (run %lld)\n", output.c_str(),
               static_cast<long long>(*run));
  return kExitOk;
}

}  // namespace ctim::service
