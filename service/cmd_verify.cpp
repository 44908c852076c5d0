// `ctim-agent verify [RUN | --file FILE]`: asks Microsoft Graph and Exchange Online, in batches, whether the
// values a write run put into AD (or a CTIM file asks for) have arrived, and says per object DONE, PENDING
// (not synced yet: shows the tenant's last sync) or WRONG (what is wrong and what to do). Polls every
// verify_interval_seconds until every object is DONE or WRONG or verify_deadline_seconds pass; --once looks
// once. RUN defaults to the latest write run. Verdicts of a run are recorded in the journal after every pass.
// Exit: 0 all DONE; 1 some PENDING or WRONG (or rows not verifiable); 2 bad input or config; 3 the cloud is
// unreachable or refused the credentials; 5 interrupted.
#include <cstdio>
#include <filesystem>

#include "agent/adapters/cloud_verify_source.h"
#include "agent/journal.h"
#include "agent/reader_options.h"
#include "agent/verifier.h"
#include "agent/verify_expectations.h"
#include "agent/verify_report.h"
#include "service/cli.h"
#include "service/cloud_setup.h"
#include "service/command.h"
#include "service/exit_codes.h"
#include "service/logging.h"
#include "service/progress_bar.h"

namespace ctim::service {
namespace {

class BarProgress final : public agent::Progress {
 public:
  explicit BarProgress(bool enabled) : bar_(enabled) {}
  void Start(std::size_t total, std::string_view label) override { bar_.Start(total, std::string(label)); }
  void Advance(std::size_t n) override { bar_.Advance(n); }
  void Finish() override { bar_.Finish(); }

 private:
  ProgressBar bar_;
};

// Records every pass's verdicts of a run in the journal (table `verifications`).
class JournalRecorder final : public agent::VerifyObserver {
 public:
  JournalRecorder(agent::Journal& journal, agent::RunId run) : journal_(journal), run_(run) {}

  void OnPass(const agent::VerifyReport& report, std::span<const std::size_t> changed) override {
    std::vector<agent::VerificationRecord> records;
    records.reserve(changed.size());
    for (std::size_t i : changed) {
      const agent::UserResult& u = report.users[i];
      if (!u.expected.object_guid) continue;
      std::string detail = u.verdict.reason;
      if (u.verdict.status == agent::VerifyStatus::kWrong && !u.verdict.hint.empty()) detail += " — " + u.verdict.hint;
      records.push_back({*u.expected.object_guid, u.expected.target_object_id, u.expected.row, u.verdict.status,
                         std::move(detail), {},
                         u.first_sync_after_write ? agent::FormatUtcTime(*u.first_sync_after_write) : std::string()});
    }
    if (Status s = journal_.RecordVerifications(run_, records); !s && !warned_) {
      warned_ = true;  // the verdicts stand; only `show` will miss them
      Logger("service")->warn("verify: cannot record the verdicts in the journal: {}", s.error().ToString());
    }
  }

 private:
  agent::Journal& journal_;
  agent::RunId run_;
  bool warned_ = false;
};

Result<agent::ReaderOptions> ReaderOptionsFrom(const Config& config) {
  agent::ReaderOptions reader;
  if (auto set = agent::ApplyReaderOption(reader, "email_addresses_separator", config.agent.email_separator); !set) {
    return Fail(Errc::kInvalidInput,
                config.source.string() + ": [agent] email_separator = \"" + config.agent.email_separator +
                    "\" is not a separator the reader knows",
                set.error().hint);
  }
  return reader;
}

// The latest write run, for `verify` without RUN.
Result<agent::RunRecord> LatestWriteRun(agent::Journal& journal, const std::string& path) {
  auto runs = journal.ListRuns();
  if (!runs) return std::unexpected(std::move(runs.error()));
  for (auto it = runs->rbegin(); it != runs->rend(); ++it) {
    if (it->info.kind == agent::RunKind::kWrite) return *it;
  }
  return Fail(Errc::kInvalidInput, "journal " + path + " has no write run to verify",
              "run ctim-agent write first, or verify a file: ctim-agent verify --file FILE");
}

struct Input {
  agent::ExpectationSet set;
  agent::VerifySubject subject;
  std::vector<agent::TimePoint> known_sync_times;
};

Result<Input> RunInput(agent::Journal& journal, const std::string& path, const std::string& run_text) {
  agent::RunRecord run;
  if (run_text.empty()) {
    auto latest = LatestWriteRun(journal, path);
    if (!latest) return std::unexpected(std::move(latest.error()));
    run = std::move(*latest);
  } else {
    char* end = nullptr;
    const long long id = std::strtoll(run_text.c_str(), &end, 10);
    if (end == run_text.c_str() || *end != '\0' || id <= 0) {
      return Fail(Errc::kInvalidInput, "\"" + run_text + "\" is not a run id", "see ctim-agent runs");
    }
    auto found = journal.GetRun(id);
    if (!found) return std::unexpected(std::move(found.error()));
    if (!*found) return Fail(Errc::kInvalidInput, "journal " + path + " has no run " + run_text, "see ctim-agent runs");
    run = std::move(**found);
  }
  auto intents = journal.RunIntents(run.id);
  if (!intents) return std::unexpected(std::move(intents.error()));
  auto set = agent::ExpectationsFromRun(run, *intents);
  if (!set) return std::unexpected(std::move(set.error()));
  Input input{std::move(*set), {run.id, run.info.file_path, {}, 0}, {}};
  auto earlier = journal.RunVerifications(run.id);
  if (!earlier) return std::unexpected(std::move(earlier.error()));
  for (const agent::VerificationRecord& r : *earlier) {
    if (auto t = agent::ParseUtcTime(r.first_sync_after_write)) input.known_sync_times.push_back(*t);
  }
  return input;
}

int Finish(const Invocation& invocation, const agent::VerifyReport& report, const agent::VerifySubject& subject,
           agent::ReportFormat format) {
  const std::string text = agent::FormatVerify(report, subject, format);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  if (report.stopped) return kExitInterrupted;
  if (report.last_error) {
    std::fprintf(stderr, "%s %s: %s\n", invocation.program.c_str(), invocation.name.c_str(),
                 report.last_error->ToString().c_str());
    return ExitCodeFor(report.last_error->code);
  }
  const agent::VerifyCounts c = report.Count();
  return c.pending == 0 && c.wrong == 0 && subject.skipped.empty() ? kExitOk : kExitAttention;
}

}  // namespace

int RunVerify(const Invocation& invocation) {
  auto options = MakeOptions(
      invocation,
      "Verify in Microsoft Graph and Exchange Online that what a write run put into AD (default: the latest run), "
      "or what a CTIM file asks for, has arrived through Entra Connect. Each object is DONE, PENDING (not synced "
      "yet) or WRONG (the cloud holds something else; the report says what to do). Polls until every object is "
      "DONE or WRONG, or the deadline passes.\nExit status: 0 all DONE, 1 some PENDING or WRONG, 2 bad input, "
      "3 cloud unreachable or credentials refused, 5 interrupted.");
  options.add_options("verify")
      ("file", "verify this CTIM identities file instead of a run (no journal)", cxxopts::value<std::string>(), "FILE")
      ("once", "one pass, then report")
      ("interval", "seconds between passes (default: [agent] verify_interval_seconds)", cxxopts::value<int>(), "S")
      ("deadline", "stop polling after this many seconds (default: [agent] verify_deadline_seconds)",
       cxxopts::value<int>(), "S")
      ("format", "table or json", cxxopts::value<std::string>()->default_value("table"), "FORMAT")
      ("journal", "journal file (default: [agent] journal)", cxxopts::value<std::string>(), "FILE")
      ("run", "the write run to verify", cxxopts::value<std::string>());
  options.parse_positional({"run"});
  options.positional_help("[RUN | --file FILE]");
  auto parsed = ParseArgs(options, invocation);
  if (!parsed) return ReportError(invocation, parsed.error());
  auto common = SetupCommon(*parsed, ConfigNeed::kRequired);
  if (!common) return ReportError(invocation, common.error());
  if (common->help) {
    std::printf("%s", options.help().c_str());
    return kExitOk;
  }
  const Config& config = *common->config;
  const auto format = agent::ParseReportFormat((*parsed)["format"].as<std::string>());
  if (!format) return ReportError(invocation, format.error());
  const bool by_file = parsed->count("file") > 0;
  if (by_file && parsed->count("run") > 0) {
    return ReportError(invocation, {Errc::kInvalidInput, "give a RUN or --file FILE, not both", {}});
  }
  agent::VerifyOptions verify;
  verify.once = parsed->count("once") > 0;
  const int interval = parsed->count("interval") > 0 ? (*parsed)["interval"].as<int>() : config.agent.verify_interval_seconds;
  const int deadline = parsed->count("deadline") > 0 ? (*parsed)["deadline"].as<int>() : config.agent.verify_deadline_seconds;
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
    const std::string file = (*parsed)["file"].as<std::string>();
    auto set = agent::ExpectationsFromFile(file, *reader);
    if (!set) return ReportError(invocation, set.error());
    input.subject = {std::nullopt, file, set->skipped, set->rejected_rows};
    input.set = std::move(*set);
  } else {
    const std::string path = parsed->count("journal") > 0 ? (*parsed)["journal"].as<std::string>() : config.agent.journal;
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      return ReportError(invocation, {Errc::kInvalidInput, "no journal at " + path,
                                      "run ctim-agent write first, pass --journal FILE, or verify a file with --file"});
    }
    auto opened = agent::Journal::Open(path);
    if (!opened) return ReportError(invocation, opened.error());
    journal.emplace(std::move(*opened));
    auto run_input = RunInput(*journal, path, parsed->count("run") > 0 ? (*parsed)["run"].as<std::string>() : "");
    if (!run_input) return ReportError(invocation, run_input.error());
    input = std::move(*run_input);
    input.subject.skipped = input.set.skipped;
    verify.known_sync_times = input.known_sync_times;
  }

  auto cloud = MakeCloudClient(config);
  if (!cloud) return ReportError(invocation, cloud.error());
  agent::CloudVerifySource source(**cloud);
  agent::Verifier verifier(source, verify);
  BarProgress progress(common->progress);
  std::optional<JournalRecorder> recorder;
  if (journal && input.subject.run) recorder.emplace(*journal, *input.subject.run);
  Logger("service")->info("verify {}: {} objects{}; {}", input.subject.run ? "run " + std::to_string(*input.subject.run)
                                                                           : "file " + input.subject.file,
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
  return Finish(invocation, *report, input.subject, *format);
}

}  // namespace ctim::service
