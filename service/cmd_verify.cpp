// `ctim-agent verify [RUN | --file FILE]`: asks Microsoft Graph and Exchange Online, in batches, whether the
// values a write run put into AD (or a CTIM file asks for) have arrived, and says per object DONE, PENDING
// (not synced yet: shows the tenant's last sync) or WRONG (what is wrong and what to do). Polls every
// verify_interval_seconds until every object is DONE or WRONG or verify_deadline_seconds pass; --once looks
// once. Without RUN it checks every unfinished write run (some object not DONE yet: agent/verify/run_input.h),
// or the latest write run when none is unfinished. Verdicts are recorded in each run's journal rows after every
// pass.
// Exit: 0 all DONE; 1 some PENDING or WRONG (or rows not verifiable); 2 bad input or config; 3 the cloud is
// unreachable or refused the credentials; 5 interrupted; 6 all DONE but Microsoft's migration validation
// (--with-migration-validation, opt-in: it creates a job in the tenant) rejected some of them.
#include <cstdio>

#include "agent/adapters/cloud_verify_source.h"
#include "agent/adapters/migration_validation_source.h"
#include "agent/journal/journal.h"
#include "agent/reader/reader_options.h"
#include "agent/report/progress_csv.h"
#include "agent/verify/verifier.h"
#include "agent/verify/verify_expectations.h"
#include "agent/verify/verify_report.h"
#include "service/cli.h"
#include "service/cloud_setup.h"
#include "service/command.h"
#include "service/directory_setup.h"
#include "service/exit_codes.h"
#include "service/journal_setup.h"
#include "service/logging.h"
#include "service/progress_bar.h"
#include "service/progress_csv_option.h"
#include "service/reader_setup.h"
#include "agent/verify/journal_recorder.h"
#include "agent/verify/run_input.h"
#include "service/run_args.h"

namespace ctim::service {
namespace {

struct Input {
  agent::ExpectationSet set;
  agent::VerifySubject subject;
};

// table | json | csv (csv: the progress CSV columns, agent/report/progress_csv.h).
struct Format {
  agent::ReportFormat report = agent::ReportFormat::kTable;
  bool csv = false;
};

int Finish(const Invocation& invocation, const agent::VerifyReport& report, const agent::VerifySubject& subject,
           Format format, const std::optional<std::string>& progress_csv) {
  const std::string now = agent::UtcNow();
  const std::string text =
      format.csv ? agent::report::FormatProgressCsv(agent::report::ProgressFromVerify(report, subject.run, now))
                 : agent::FormatVerify(report, subject, format.report);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  if (progress_csv) {
    const auto rows = agent::report::ProgressFromVerify(report, subject.run, now);
    if (Status s = agent::report::WriteProgressCsv(*progress_csv, rows); !s) return ReportError(invocation, s.error());
  }
  if (report.stopped) return kExitInterrupted;
  if (report.last_error) {
    std::fprintf(stderr, "%s %s: %s\n", invocation.program.c_str(), invocation.name.c_str(),
                 report.last_error->ToString().c_str());
    return ExitCodeFor(report.last_error->code);
  }
  if (report.microsoft && report.microsoft->error) {
    std::fprintf(stderr, "%s %s: Microsoft's migration validation did not finish (our verdicts stand): %s\n",
                 invocation.program.c_str(), invocation.name.c_str(), report.microsoft->error->ToString().c_str());
  }
  const agent::VerifyCounts c = report.Count();
  if (c.pending != 0 || c.wrong != 0 || !subject.skipped.empty()) return kExitAttention;
  return report.microsoft && report.microsoft->Rejected() > 0 ? kExitMicrosoftRejected : kExitOk;
}

// --with-migration-validation: Microsoft's own check of the DONE users, beside ours.
struct MicrosoftCheck {
  bool wanted = false;
  std::string source_tenant;
  int timeout_seconds = 600;
};

Result<MicrosoftCheck> ReadMicrosoftCheck(const cxxopts::ParseResult& parsed) {
  MicrosoftCheck check;
  check.wanted = parsed.count("with-migration-validation") > 0;
  if (parsed.count("source-tenant") > 0) check.source_tenant = parsed["source-tenant"].as<std::string>();
  if (parsed.count("migration-validation-timeout") > 0) {
    check.timeout_seconds = parsed["migration-validation-timeout"].as<int>();
  }
  if (!check.wanted) {
    if (!check.source_tenant.empty() || parsed.count("migration-validation-timeout") > 0) {
      return Fail(Errc::kInvalidInput,
                  "--source-tenant and --migration-validation-timeout go with --with-migration-validation");
    }
    return check;
  }
  if (check.source_tenant.empty()) {
    return Fail(Errc::kInvalidInput, "--with-migration-validation needs --source-tenant ID",
                "give the source tenant's id (GUID or onmicrosoft.com domain) the mailboxes move from");
  }
  if (check.timeout_seconds < 1) {
    return Fail(Errc::kInvalidInput, "--migration-validation-timeout must be at least 1 second");
  }
  return check;
}

}  // namespace

int RunVerify(const Invocation& invocation) {
  auto options = MakeOptions(
      invocation,
      "Verify in Microsoft Graph and Exchange Online that what write runs put into AD, or what a CTIM file asks "
      "for, has arrived through Entra Connect. Without RUN: every unfinished write run (one with an object not "
      "yet DONE: never verified, PENDING or WRONG, including interrupted runs), or the latest write run when all "
      "are DONE. Each object is DONE, PENDING (not synced "
      "yet) or WRONG (the cloud holds something else; the report says what to do). Polls until every object is "
      "DONE or WRONG, or the deadline passes.\nExit status: 0 all DONE, 1 some PENDING or WRONG, 2 bad input, "
      "3 cloud unreachable or credentials refused, 5 interrupted, 6 all DONE but Microsoft's migration validation "
      "rejected some (--with-migration-validation).");
  options.add_options("verify")
      ("file", "verify this CTIM identities file instead of a run (no journal)", cxxopts::value<std::string>(), "FILE")
      ("once", "one pass, then report")
      ("interval", "seconds between passes (default: [agent] verify_interval_seconds)", cxxopts::value<int>(), "S")
      ("deadline", "stop polling after this many seconds (default: [agent] verify_deadline_seconds)",
       cxxopts::value<int>(), "S")
      ("format", "table, json or csv (the progress CSV columns: one row per planned value)",
       cxxopts::value<std::string>()->default_value("table"), "FORMAT")
      ("with-migration-validation",
       "then ask Microsoft to validate the DONE users (Graph crossTenantMigrationJob validate) and show its verdict "
       "beside ours. Never done by default: it CREATES a migration job object in the tenant (reused by a later "
       "verify of the same run; never migrates). Needs CrossTenantContentMigration.ReadWrite.All; worldwide "
       "cloud only")
      ("source-tenant", "with --with-migration-validation: the tenant the mailboxes move from",
       cxxopts::value<std::string>(), "ID")
      ("migration-validation-timeout", "with --with-migration-validation: wait at most this long for Microsoft "
       "(default 600)", cxxopts::value<int>(), "S")
      ("run", "verify only this write run (default: every unfinished one)", cxxopts::value<std::string>());
  AddJournalOption(options, "verify");
  AddProgressCsvOption(options, "verify");
  options.parse_positional({"run"});
  options.positional_help("[RUN | --file FILE]");
  auto prepared = Prepare(options, invocation, ConfigNeed::kRequired);
  if (!prepared) return prepared.error();  // --help printed, or the error reported
  const cxxopts::ParseResult& parsed = prepared->parsed;
  Common& common = prepared->common;
  const Config& config = *common.config;
  const auto output = ReadOutputFormat(parsed);
  if (!output) return ReportError(invocation, output.error());
  const Format format{ToReportFormat(*output), *output == agent::OutputFormat::kCsv};
  const auto progress_csv = ReadProgressCsvPath(parsed);
  if (!progress_csv) return ReportError(invocation, progress_csv.error());
  const auto microsoft = ReadMicrosoftCheck(parsed);
  if (!microsoft) return ReportError(invocation, microsoft.error());
  const bool by_file = parsed.count("file") > 0;
  if (by_file && parsed.count("run") > 0) {
    return ReportError(invocation, {Errc::kInvalidInput, "give a RUN or --file FILE, not both", {}});
  }
  agent::VerifyOptions verify;
  verify.once = parsed.count("once") > 0;
  const int interval = parsed.count("interval") > 0 ? parsed["interval"].as<int>() : config.agent.verify_interval_seconds;
  const int deadline = parsed.count("deadline") > 0 ? parsed["deadline"].as<int>() : config.agent.verify_deadline_seconds;
  if (interval < 1 || deadline < 1) {
    return ReportError(invocation, {Errc::kInvalidInput, "--interval and --deadline must be at least 1 second", {}});
  }
  verify.interval = std::chrono::seconds(interval);
  verify.deadline = std::chrono::seconds(deadline);

  std::optional<agent::Journal> journal;
  Input input;
  if (by_file) {
    auto reader = ReaderOptionsFrom(config);
    if (!reader) return ReportError(invocation, reader.error());
    const std::string file = parsed["file"].as<std::string>();
    auto set = agent::ExpectationsFromFile(file, *reader);
    if (!set) return ReportError(invocation, set.error());
    input.subject = {std::nullopt, file, set->skipped, set->rejected_rows, {}};
    input.set = std::move(*set);
  } else {
    auto path = JournalPath(parsed, common.config);
    if (!path) return ReportError(invocation, path.error());
    auto opened = OpenExistingJournal(*path);
    if (!opened) {
      Error e = opened.error();
      e.hint += "; or verify a CTIM file without a journal: --file FILE";
      return ReportError(invocation, e);
    }
    journal.emplace(std::move(*opened));
    std::optional<agent::RunId> run;
    if (parsed.count("run") > 0) {
      auto id = ReadRunId(parsed, "ctim-agent verify [RUN | --file FILE]");
      if (!id) return ReportError(invocation, id.error());
      run = *id;
    }
    auto run_input = run ? agent::LoadRunInput(*journal, *path, run) : agent::LoadUnfinishedRuns(*journal, *path);
    if (!run_input) return ReportError(invocation, run_input.error());
    input.set = std::move(run_input->set);
    input.subject = std::move(run_input->subject);
    verify.known_sync_times = std::move(run_input->known_sync_times);
    verify.replicating_before = std::move(run_input->replicating_before);
  }

  auto cloud = MakeCloudClient(config);
  if (!cloud) return ReportError(invocation, cloud.error());
  auto replicas = MakeReplicaSource(config);
  if (!replicas) return ReportError(invocation, replicas.error());
  agent::CloudVerifySource source(**cloud);
  agent::Verifier verifier(source, verify, replicas->get());
  BarProgress progress(common.progress);
  std::optional<agent::JournalRecorder> recorder;
  if (journal && input.subject.run) recorder.emplace(*journal, *input.subject.run);
  std::string what = "file " + input.subject.file;
  if (!input.subject.runs.empty()) {
    what = input.subject.runs.size() == 1 ? "run" : "runs";
    for (std::size_t i = 0; i < input.subject.runs.size(); ++i) {
      what += (i ? ", " : " ") + std::to_string(input.subject.runs[i]);
    }
  }
  Logger("service")->info("verify {}: {} objects{}; {}", what,
                          input.set.expectations.size(),
                          input.subject.skipped.empty() ? std::string()
                                                        : ", " + std::to_string(input.subject.skipped.size()) +
                                                              " not verifiable",
                          verify.once ? std::string("one pass")
                                      : "every " + std::to_string(interval) + " s for at most " +
                                            std::to_string(deadline) + " s");
  auto report = verifier.Run(std::move(input.set.expectations), invocation.stop, progress,
                             recorder ? &*recorder : nullptr);
  if (!report) return ReportError(invocation, report.error());
  if (microsoft->wanted && !report->stopped && !report->last_error) {
    agent::MigrationValidationSource ms_cloud(**cloud, microsoft->source_tenant, config.cloud.tenant_id);
    std::optional<agent::JournalMigrationJobStore> store;
    if (journal && input.subject.run) store.emplace(*journal, *input.subject.run);
    agent::MigrationValidationOptions ms_options;
    ms_options.display_name = "ctim-agent verify " + (input.subject.run ? "run " + std::to_string(*input.subject.run)
                                                                        : "file " + input.subject.file);
    ms_options.cloud = config.cloud.preset;
    ms_options.timeout = std::chrono::seconds(microsoft->timeout_seconds);
    report->microsoft =
        agent::ValidateWithMicrosoft(ms_cloud, *report, store ? &*store : nullptr, ms_options, invocation.stop);
    Logger("service")->info("Microsoft's migration validation: job '{}' ({}), {} asked, {} rejected{}",
                            report->microsoft->job_id, report->microsoft->reused ? "reused" : "new",
                            report->microsoft->asked, report->microsoft->Rejected(),
                            report->microsoft->error ? ", did not finish" : "");
  }
  return Finish(invocation, *report, input.subject, format, *progress_csv);
}

}  // namespace ctim::service
