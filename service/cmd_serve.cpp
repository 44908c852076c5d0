// `ctim-agent serve`: the long-running service (systemd Type=notify, or by hand). Two jobs in one loop:
//   - the inbox ([service] inbox, service/inbox_pipeline.h): files dropped there are checked, planned,
//     held or written by the policy ([service] write), and followed until verified; reports in the outbox;
//   - the verify sweep: every write run of the journal whose users are not all DONE or WRONG yet (the
//     service's own and those an admin wrote by hand) gets one verify pass every verify_interval_seconds,
//     until verify_deadline_seconds after the run started. Each user's change of state is one log line (JSON
//     lines under systemd); verdicts go to the journal, so `show RUN` and `verify RUN` see them.
// One serve per state directory (service/state_lock.h). The systemd watchdog is pinged from the loop
// and from inside writes and verify passes (WatchdogProgress). SIGTERM/SIGINT: the current write batch or
// HTTP request finishes, the journal records how far it got, exit 0; the next start resumes.
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "agent/adapters/cloud_verify_source.h"
#include "agent/adapters/webhook_notifier.h"
#include "agent/journal.h"
#include "agent/verifier.h"
#include "agent/verify_status.h"
#include "service/cli.h"
#include "service/cloud_setup.h"
#include "service/command.h"
#include "service/exit_codes.h"
#include "service/inbox_pipeline.h"
#include "service/inbox_watcher.h"
#include "service/logging.h"
#include "service/sd_notify.h"
#include "service/state_lock.h"
#include "service/verify_run.h"

namespace ctim::service {
namespace {

struct ServeOptions {
  std::string journal;
  std::chrono::seconds interval{300};
  std::chrono::seconds deadline{86400};
  bool once = false;
};

// Pings the systemd watchdog from inside long work (agent/progress.h callbacks), at most once per half
// interval. A no-op without a watchdog.
class WatchdogProgress final : public agent::Progress {
 public:
  WatchdogProgress() : interval_(SdWatchdogInterval()) {}
  void Start(std::size_t, std::string_view) override { Ping(); }
  void Advance(std::size_t) override { Ping(); }
  void Finish() override { Ping(); }
  void Ping() {
    if (!interval_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < *interval_) return;
    last_ = now;
    SdNotify("WATCHDOG=1");
  }

 private:
  std::optional<std::chrono::milliseconds> interval_;
  std::chrono::steady_clock::time_point last_{};
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
  Service(const Config& config, ServeOptions options, sync::CloudClient& cloud, agent::Progress& keep_alive)
      : config_(config), options_(std::move(options)), source_(cloud), keep_alive_(keep_alive) {}

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
    JournalRecorder recorder(journal, run.id);
    auto report = verifier.Run(std::move(open), stop, keep_alive_, &recorder);
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
  agent::Progress& keep_alive_;
  std::set<agent::RunId> reported_;  // runs whose give-up or load error was logged already
  bool said_no_journal_ = false;
};

}  // namespace

int RunServe(const Invocation& invocation) {
  auto options = MakeOptions(
      invocation,
      "Run as a service: take CTIM files dropped into [service] inbox (plan, hold for approval or write by "
      "[service] write, reports in the outbox; `ctim-agent status` shows each file), and verify every write run of "
      "the journal, unattended, until each user is DONE or WRONG or the verify deadline passes; one log line per "
      "user's change of state. Speaks systemd's notify protocol (Type=notify). One serve per state directory. "
      "SIGTERM stops it after the current batch or request; exit 0; the next start resumes.");
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
  WatchdogProgress keep_alive;
  std::unique_ptr<agent::inbox::Notifier> notifier = std::make_unique<agent::inbox::NullNotifier>();
  if (!config.service.notify_url.empty()) {
    auto webhook = agent::WebhookNotifier::Create(config.service.notify_url, config.service.notify_ca_file);
    if (!webhook) return ReportError(invocation, webhook.error());
    notifier = std::move(*webhook);
  }
  InboxPipeline inbox(config, serve.journal, serve.interval, serve.deadline, keep_alive, *notifier);
  const agent::inbox::Layout& layout = inbox.layout();
  if (Status created = layout.Create(); !created) return ReportError(invocation, created.error());
  auto lock = StateLock::Acquire(layout.lock);
  if (!lock) return ReportError(invocation, lock.error());
  if (Status started = inbox.Start(); !started) return ReportError(invocation, started.error());
  Service service(config, serve, **cloud, keep_alive);
  auto watcher = MakeInboxWatcher(layout.inbox);
  auto log = Logger("service");
  log->info("serve: started (config {}, journal {}, inbox {} watched by {}, write = \"{}\", verify every {} s, "
            "deadline {} s after each write)",
            config.source.string(), serve.journal, layout.inbox.string(), watcher->kind(), config.service.write,
            serve.interval.count(), serve.deadline.count());
  SdNotify("READY=1\nSTATUS=started");
  std::size_t sweeps = 0;
  // The inbox is looked at every second (and at once on an inotify event); the sweep runs every interval,
  // and a few seconds after a write, so a written file starts verifying without waiting a whole interval.
  constexpr std::chrono::seconds kTick{1};
  auto next_sweep = std::chrono::steady_clock::now();
  std::vector<std::string> renamed;
  while (!invocation.stop.stop_requested()) {
    keep_alive.Ping();
    if (inbox.Step(renamed, invocation.stop)) {
      next_sweep = std::min(next_sweep, std::chrono::steady_clock::now() + std::chrono::seconds(2));
    }
    if (std::chrono::steady_clock::now() >= next_sweep || serve.once) {
      service.Sweep(invocation.stop);
      inbox.AfterSweep();
      ++sweeps;
      next_sweep = std::chrono::steady_clock::now() + serve.interval;
    }
    if (serve.once) break;
    renamed = watcher->Wait(kTick, invocation.stop);
  }
  SdNotify("STOPPING=1");
  log->info("serve: stopped after {} sweep(s)", sweeps);
  return kExitOk;
}

}  // namespace ctim::service
