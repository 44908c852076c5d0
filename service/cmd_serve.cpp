// `ctim-agent serve`: the long-running service (systemd Type=notify, or by hand). Two jobs in one loop:
//   - the inbox ([service] inbox, service/inbox_pipeline.h): files dropped there are checked, planned,
//     held or written by the policy ([service] write), and followed until verified; reports in the outbox;
//   - the verify sweep (agent/verify/verify_sweep.h) every verify_interval_seconds: every write run whose
//     users are not all DONE or WRONG yet gets one verify pass, until verify_deadline_seconds after it started.
// One serve per state directory (service/state_lock.h). The systemd watchdog is pinged from the loop
// and from inside writes and verify passes (WatchdogProgress). SIGTERM/SIGINT: the current write batch or
// HTTP request finishes, the journal records how far it got, exit 0; the next start resumes.
#include <fmt/format.h>

#include <cstdio>

#include "agent/adapters/cloud_verify_source.h"
#include "agent/adapters/webhook_notifier.h"
#include "agent/verify/verify_sweep.h"
#include "service/cli.h"
#include "service/cloud_setup.h"
#include "service/command.h"
#include "service/directory_setup.h"
#include "service/exit_codes.h"
#include "service/inbox_pipeline.h"
#include "service/inbox_watcher.h"
#include "service/logging.h"
#include "service/sd_notify.h"
#include "service/state_lock.h"

namespace ctim::service {
namespace {

struct ServeOptions {
  std::string journal;
  std::chrono::seconds interval{300};
  std::chrono::seconds deadline{86400};
  bool once = false;
};

// Pings the systemd watchdog from inside long work (agent/model/progress.h callbacks), at most once per half
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
  auto prepared = Prepare(options, invocation, ConfigNeed::kRequired);
  if (!prepared) return prepared.error();  // --help printed, or the error reported
  const cxxopts::ParseResult& parsed = prepared->parsed;
  Common& common = prepared->common;
  const Config& config = *common.config;
  if (auto valid = ValidateConfig(config); !valid) return ReportError(invocation, valid.error());
  ServeOptions serve;
  serve.journal = parsed.count("journal") > 0 ? parsed["journal"].as<std::string>() : config.agent.journal;
  const int interval = parsed.count("interval") > 0 ? parsed["interval"].as<int>() : config.agent.verify_interval_seconds;
  if (interval < 1) return ReportError(invocation, {Errc::kInvalidInput, "--interval must be at least 1 second", {}});
  serve.interval = std::chrono::seconds(interval);
  serve.deadline = std::chrono::seconds(config.agent.verify_deadline_seconds);
  serve.once = parsed.count("once") > 0;

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
  auto replicas = MakeReplicaSource(config);
  if (!replicas) return ReportError(invocation, replicas.error());
  // The sweep is background work: its Graph requests ask to be throttled first (doc/cloud-api.md).
  agent::CloudVerifySource source(**cloud, {.background = true});
  agent::VerifySweep sweep(source, {serve.journal, serve.interval, serve.deadline}, keep_alive,
                           replicas->get());
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
      const std::size_t open_runs = sweep.Run(invocation.stop);
      SdNotify(fmt::format("STATUS=watching {} run(s) with users not yet verified", open_runs));
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
