// `ctim-agent serve`: the long-running service (systemd Type=notify, or by hand). It verifies, unattended,
// every write run of the journal whose users are not all DONE or WRONG yet: one verify pass per run every
// verify_interval_seconds, until verify_deadline_seconds after the run started. Each user's change of state
// is one log line (JSON lines under systemd); verdicts go to the journal, so `ctim-agent show RUN` and
// `verify RUN` see them. Writing stays an explicit admin action (`ctim-agent write`).
// SIGTERM/SIGINT: stops within one HTTP request and exits 0.
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "agent/adapters/cloud_verify_source.h"
#include "agent/journal.h"
#include "agent/verifier.h"
#include "agent/verify_status.h"
#include "common/stop.h"
#include "service/cli.h"
#include "service/cloud_setup.h"
#include "service/command.h"
#include "service/exit_codes.h"
#include "service/logging.h"
#include "service/posix/sd_notify.h"
#include "service/verify_run.h"

namespace ctim::service {
namespace {

struct ServeOptions {
  std::string journal;
  std::chrono::seconds interval{300};
  std::chrono::seconds deadline{86400};
  bool once = false;
};

struct RunTally {
  std::size_t done = 0, pending = 0, wrong = 0;
};

// A verdict is final once DONE or WRONG; PENDING (and never checked) stays open.
bool IsFinal(agent::VerifyStatus status) {
  return status == agent::VerifyStatus::kDone || status == agent::VerifyStatus::kWrong;
}

class Service {
 public:
  Service(const Config& config, ServeOptions options, sync::CloudClient& cloud)
      : config_(config), options_(std::move(options)), source_(cloud) {}

  // One sweep over the journal's runs. Errors of one run are logged; the sweep goes on.
  void Sweep(std::stop_token stop) {
    auto log = Logger("service");
    std::error_code ec;
    if (!std::filesystem::exists(options_.journal, ec)) {
      if (!said_no_journal_) log->info("serve: no journal at {} yet; nothing to verify", options_.journal);
      said_no_journal_ = true;
      return;
    }
    auto journal = agent::Journal::Open(options_.journal);
    if (!journal) {
      log->error("serve: journal {}: {}", options_.journal, journal.error().ToString());
      return;
    }
    auto runs = journal->ListRuns();
    if (!runs) {
      log->error("serve: journal {}: {}", options_.journal, runs.error().ToString());
      return;
    }
    std::size_t open_runs = 0;
    for (const agent::RunRecord& run : *runs) {
      if (stop.stop_requested()) return;
      if (run.info.kind != agent::RunKind::kWrite || run.state == agent::RunState::kRunning) continue;
      if (VerifyRun(*journal, run, stop)) ++open_runs;
    }
    SdNotify(fmt::format("STATUS=watching {} run(s) with users not yet verified", open_runs));
  }

 private:
  // Returns true while the run still has users to verify.
  bool VerifyRun(agent::Journal& journal, const agent::RunRecord& run, std::stop_token stop) {
    auto log = Logger("service");
    auto input = LoadRunInput(journal, options_.journal, std::to_string(run.id));
    if (!input) {
      if (!reported_.contains(run.id)) log->warn("serve: run {}: {}", run.id, input.error().ToString());
      reported_.insert(run.id);
      return false;
    }
    std::map<Guid, agent::VerifyStatus> known;
    for (const agent::VerificationRecord& r : input->earlier) known[r.object_guid] = r.status;
    std::vector<agent::Expectation> open;
    for (agent::Expectation& e : input->set.expectations) {
      const auto it = e.object_guid ? known.find(*e.object_guid) : known.end();
      if (it == known.end() || !IsFinal(it->second)) open.push_back(std::move(e));
    }
    if (open.empty()) return false;
    const auto started = agent::ParseUtcTime(run.started_at);
    if (started && std::chrono::system_clock::now() - *started > options_.deadline) {
      if (!reported_.contains(run.id)) {
        log->error("serve: run {}: {} user(s) still not verified {} s after the write; giving up on them "
                   "(ctim-agent show {} lists them; ctim-agent verify {} --once checks again)",
                   run.id, open.size(), options_.deadline.count(), run.id, run.id);
      }
      reported_.insert(run.id);
      return false;
    }
    agent::VerifyOptions verify;
    verify.once = true;
    verify.known_sync_times = input->known_sync_times;
    agent::Verifier verifier(source_, verify);
    agent::NullProgress progress;
    JournalRecorder recorder(journal, run.id);
    auto report = verifier.Run(std::move(open), stop, progress, &recorder);
    if (!report) {
      log->error("serve: run {}: the cloud could not be asked: {}", run.id, report.error().ToString());
      return true;
    }
    if (report->last_error) {
      log->warn("serve: run {}: {}; trying again in {} s", run.id, report->last_error->ToString(),
                options_.interval.count());
      return true;
    }
    RunTally tally;
    for (const agent::UserResult& u : report->users) {
      switch (u.verdict.status) {
        case agent::VerifyStatus::kDone:
          ++tally.done;
          log->info("run {} {}: DONE", run.id, u.expected.label);
          break;
        case agent::VerifyStatus::kWrong:
          ++tally.wrong;
          log->error("run {} {}: WRONG: {}{}", run.id, u.expected.label, u.verdict.reason,
                     u.verdict.hint.empty() ? "" : " \u2014 " + u.verdict.hint);
          break;
        default:
          ++tally.pending;
          break;
      }
    }
    log->info("serve: run {}: this pass {} DONE, {} WRONG, {} still PENDING", run.id, tally.done, tally.wrong,
              tally.pending);
    return tally.pending > 0;
  }

  const Config& config_;
  ServeOptions options_;
  agent::CloudVerifySource source_;
  std::set<agent::RunId> reported_;  // runs whose give-up or load error was logged already
  bool said_no_journal_ = false;
};

// Sleeps `d`, waking for the systemd watchdog in between. False when a stop was requested.
bool Wait(std::stop_token stop, std::chrono::milliseconds d) {
  const auto watchdog = SdWatchdogInterval();
  const auto until = std::chrono::steady_clock::now() + d;
  while (!stop.stop_requested()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left <= std::chrono::milliseconds::zero()) return true;
    if (!SleepFor(stop, watchdog ? std::min(left, *watchdog) : left)) return false;
    if (watchdog) SdNotify("WATCHDOG=1");
  }
  return false;
}

}  // namespace

int RunServe(const Invocation& invocation) {
  auto options = MakeOptions(
      invocation,
      "Run as a service: verify every write run of the journal, unattended, until each user is DONE or WRONG or the "
      "verify deadline passes; one log line per user's change of state. Speaks systemd's notify protocol "
      "(Type=notify). SIGTERM stops it within one request; exit 0.");
  options.add_options("serve")
      ("interval", "seconds between sweeps (default: [agent] verify_interval_seconds)", cxxopts::value<int>(), "S")
      ("journal", "journal file (default: [agent] journal)", cxxopts::value<std::string>(), "FILE")
      ("once", "one sweep, then exit (for cron or a timer)");
  auto parsed = ParseArgs(options, invocation);
  if (!parsed) return ReportError(invocation, parsed.error());
  auto common = SetupCommon(*parsed, ConfigNeed::kRequired);
  if (!common) return ReportError(invocation, common.error());
  if (common->help) {
    std::printf("%s", options.help().c_str());
    return kExitOk;
  }
  const Config& config = *common->config;
  if (auto valid = ValidateConfig(config); !valid) return ReportError(invocation, valid.error());
  ServeOptions serve;
  serve.journal = parsed->count("journal") > 0 ? (*parsed)["journal"].as<std::string>() : config.agent.journal;
  const int interval = parsed->count("interval") > 0 ? (*parsed)["interval"].as<int>() : config.agent.verify_interval_seconds;
  if (interval < 1) return ReportError(invocation, {Errc::kInvalidInput, "--interval must be at least 1 second", {}});
  serve.interval = std::chrono::seconds(interval);
  serve.deadline = std::chrono::seconds(config.agent.verify_deadline_seconds);
  serve.once = parsed->count("once") > 0;

  auto cloud = MakeCloudClient(config);
  if (!cloud) return ReportError(invocation, cloud.error());
  Service service(config, serve, **cloud);
  auto log = Logger("service");
  log->info("serve: started (config {}, journal {}, every {} s, deadline {} s after each write)",
            config.source.string(), serve.journal, serve.interval.count(), serve.deadline.count());
  SdNotify("READY=1\nSTATUS=started");
  std::size_t sweeps = 0;
  do {
    service.Sweep(invocation.stop);
    ++sweeps;
  } while (!serve.once && Wait(invocation.stop, serve.interval));
  SdNotify("STOPPING=1");
  log->info("serve: stopped after {} sweep(s)", sweeps);
  return kExitOk;
}

}  // namespace ctim::service
