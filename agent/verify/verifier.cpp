#include "agent/verify/verifier.h"

#include <set>

#include "agent/model/log.h"
#include "common/stop.h"

namespace ctim::agent {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

bool IsFinal(VerifyStatus status) { return status != VerifyStatus::kPending; }

CloudCalls Minus(const CloudCalls& a, const CloudCalls& b) {
  return {a.graph - b.graph, a.exo - b.exo, a.token - b.token, a.retries - b.retries, a.throttled - b.throttled};
}

// Another pass may help only when the cloud was unreachable or throttled.
bool WorthAnotherPass(const Error& error) { return error.code == Errc::kUnavailable; }

milliseconds Since(steady_clock::time_point t) {
  return std::chrono::duration_cast<milliseconds>(steady_clock::now() - t);
}

}  // namespace

VerifyCounts VerifyReport::Count() const {
  VerifyCounts c;
  for (const UserResult& u : users) {
    switch (u.verdict.status) {
      case VerifyStatus::kDone:
        ++c.done;
        break;
      case VerifyStatus::kPending:
        ++c.pending;
        break;
      case VerifyStatus::kWrong:
        ++c.wrong;
        break;
    }
  }
  return c;
}

bool VerifyReport::NeverReached() const {
  for (const PassStats& p : passes) {
    if (!p.failed) return false;
  }
  return true;
}

Verifier::Verifier(VerifyCloud& cloud, VerifyOptions options, ReplicaSource* replicas)
    : cloud_(cloud), options_(std::move(options)), replicas_(replicas) {}

Result<VerifyReport> Verifier::Run(std::vector<Expectation> expectations, std::stop_token stop, Progress& progress,
                                   VerifyObserver* observer) {
  const auto started = steady_clock::now();
  const TimePoint started_wall = std::chrono::system_clock::now();
  const auto deadline = started + options_.deadline;
  const CloudCalls calls_at_start = cloud_.Calls();

  VerifyReport report;
  std::set<TimePoint> seen_syncs(options_.known_sync_times.begin(), options_.known_sync_times.end());
  report.users.reserve(expectations.size());
  for (Expectation& e : expectations) {
    UserResult u;
    u.expected = std::move(e);
    u.verdict = {VerifyStatus::kPending, "not checked yet", {}, {}};
    u.seen_replicating = options_.replicating_before.contains(u.expected.target_object_id);
    report.users.push_back(std::move(u));
  }

  progress.Start(report.users.size(), "verifying");
  std::size_t final_count = 0;
  for (std::size_t pass = 1; pass <= options_.max_passes; ++pass) {
    std::vector<std::size_t> open;
    std::vector<Guid> ids;
    for (std::size_t i = 0; i < report.users.size(); ++i) {
      if (report.users[i].checked_at && IsFinal(report.users[i].verdict.status)) continue;
      open.push_back(i);
      ids.push_back(report.users[i].expected.target_object_id);
    }
    if (open.empty()) break;

    // The sync-source DCs first: a DC that lacks the values decides the verdict's reason whatever the cloud
    // shows (replica_check.h).
    std::vector<ReplicaLook> looks;
    if (replicas_ != nullptr) {
      std::vector<Guid> object_guids;
      for (std::size_t i : open) {
        const Expectation& e = report.users[i].expected;
        if (e.object_guid) object_guids.push_back(*e.object_guid);
      }
      if (!object_guids.empty()) looks = replicas_->Observe(object_guids, stop);
      for (const ReplicaLook& look : looks) {
        if (look.error) {
          Log()->warn("verify pass {}: sync-source DC {}: {}", pass, look.dc, look.error->ToString());
        }
      }
    }
    const CloudCalls before = cloud_.Calls();
    const auto pass_started = steady_clock::now();
    auto snapshot = cloud_.Observe(ids, stop);
    const CloudCalls used = Minus(cloud_.Calls(), before);
    report.passes.push_back({open.size(), used.graph, used.exo, Since(pass_started), !snapshot.has_value()});

    if (!snapshot) {
      if (stop.stop_requested()) {
        report.stopped = true;
        break;
      }
      if (!WorthAnotherPass(snapshot.error()) || options_.once) {
        progress.Finish();
        return std::unexpected(std::move(snapshot.error()));
      }
      Log()->warn("verify pass {}: the cloud could not be asked ({}); trying again in {} s", pass,
                  snapshot.error().ToString(), std::chrono::duration_cast<std::chrono::seconds>(options_.interval).count());
      report.last_error = std::move(snapshot.error());
    } else {
      report.last_error.reset();
      for (const std::string& note : snapshot->notes) Log()->info("verify pass {}: {}", pass, note);
      if (snapshot->tenant_last_sync) {
        seen_syncs.insert(*snapshot->tenant_last_sync);
        report.tenant_last_sync = snapshot->tenant_last_sync;
      }
      const TimePoint now = std::chrono::system_clock::now();
      const std::vector<TimePoint> syncs(seen_syncs.begin(), seen_syncs.end());
      std::size_t newly_final = 0;
      for (std::size_t i : open) {
        UserResult& u = report.users[i];
        // A file says nothing about when it was written: count syncs from the start (verify_classify.h).
        const TimePoint written = u.expected.written_at.value_or(started_wall);
        if (!JudgeReplicas(u.expected, looks).complete) {
          u.seen_replicating = true;
        } else if (u.seen_replicating && !u.replicated_seen_at) {
          u.replicated_seen_at = now;
        }
        const auto found = snapshot->users.find(u.expected.target_object_id);
        Verdict verdict =
            ClassifyWithReplicas(u.expected, found == snapshot->users.end() ? nullptr : &found->second, looks,
                                 written, u.replicated_seen_at, syncs, report.tenant_last_sync,
                                 &u.first_sync_after_write);
        const bool first_look = !u.checked_at;
        if (first_look || verdict.status != u.verdict.status || verdict.reason != u.verdict.reason) {
          const auto level = verdict.status == VerifyStatus::kWrong ? spdlog::level::err : spdlog::level::info;
          Log()->log(level, "{} ({}): {}: {}", u.expected.label, u.expected.target_object_id.ToString(),
                     VerifyStatusName(verdict.status), verdict.reason);
        }
        u.verdict = std::move(verdict);
        u.checked_at = now;
        if (IsFinal(u.verdict.status)) ++newly_final;
      }
      final_count += newly_final;
      progress.Advance(newly_final);
      const VerifyCounts c = report.Count();
      Log()->info("verify pass {}: {} done, {} pending, {} wrong of {}; {}; {} Graph and {} EXO calls in {} ms", pass,
                  c.done, c.pending, c.wrong, report.users.size(),
                  report.tenant_last_sync ? "tenant last sync " + FormatUtcIso8601(*report.tenant_last_sync)
                                          : std::string("the tenant never synced"),
                  used.graph, used.exo, report.passes.back().elapsed.count());
      if (observer != nullptr) observer->OnPass(report, open);
    }

    if (options_.once || final_count == report.users.size()) break;
    if (steady_clock::now() + options_.interval > deadline) {
      report.deadline_passed = true;
      break;
    }
    if (!SleepFor(stop, options_.interval)) {
      report.stopped = true;
      break;
    }
    if (pass == options_.max_passes) report.deadline_passed = true;
  }
  progress.Finish();
  report.calls = Minus(cloud_.Calls(), calls_at_start);
  report.elapsed = Since(started);
  if (report.NeverReached() && report.last_error && !report.stopped) return std::unexpected(*report.last_error);
  return report;
}

}  // namespace ctim::agent
