#include "agent/verify/verify_sweep.h"

#include <filesystem>
#include <map>
#include <vector>

#include "agent/model/log.h"
#include "agent/verify/journal_recorder.h"
#include "agent/verify/run_input.h"
#include "agent/verify/verifier.h"
#include "common/iso8601.h"

namespace ctim::agent {
namespace {

// A verdict is final once DONE or WRONG; PENDING (and never checked) stays open.
bool IsFinal(VerifyStatus status) { return status == VerifyStatus::kDone || status == VerifyStatus::kWrong; }

}  // namespace

std::size_t VerifySweep::Run(std::stop_token stop) {
  std::error_code ec;
  if (!std::filesystem::exists(options_.journal, ec)) {
    if (!said_no_journal_) Log()->info("serve: no journal at {} yet; nothing to verify", options_.journal);
    said_no_journal_ = true;
    return 0;
  }
  auto journal = Journal::Open(options_.journal);
  if (!journal) {
    Log()->error("serve: journal {}: {}", options_.journal, journal.error().ToString());
    return 0;
  }
  auto runs = journal->ListRuns();
  if (!runs) {
    Log()->error("serve: journal {}: {}", options_.journal, runs.error().ToString());
    return 0;
  }
  std::size_t open_runs = 0;
  for (const RunRecord& run : *runs) {
    if (stop.stop_requested()) break;
    if (run.info.kind != RunKind::kWrite || run.state == RunState::kRunning) continue;
    if (VerifyRun(*journal, run, stop)) ++open_runs;
  }
  return open_runs;
}

bool VerifySweep::VerifyRun(Journal& journal, const RunRecord& run, std::stop_token stop) {
  auto input = LoadRunInput(journal, options_.journal, run.id);
  if (!input) {
    if (!reported_.contains(run.id)) Log()->warn("serve: run {}: {}", run.id, input.error().ToString());
    reported_.insert(run.id);
    return false;
  }
  std::map<Guid, VerifyStatus> known;
  for (const VerificationRecord& r : input->earlier) known[r.object_guid] = r.status;
  std::vector<Expectation> open;
  for (Expectation& e : input->set.expectations) {
    const auto it = e.object_guid ? known.find(*e.object_guid) : known.end();
    if (it == known.end() || !IsFinal(it->second)) open.push_back(std::move(e));
  }
  if (open.empty()) return false;
  const auto started = ParseUtcIso8601(run.started_at);
  if (started && std::chrono::system_clock::now() - *started > options_.deadline) {
    if (!reported_.contains(run.id)) {
      Log()->error(
          "serve: run {}: {} user(s) still not verified {} s after the write; giving up on them "
          "(ctim-agent show {} lists them; ctim-agent verify {} --once checks again)",
          run.id, open.size(), options_.deadline.count(), run.id, run.id);
    }
    reported_.insert(run.id);
    return false;
  }
  VerifyOptions verify;
  verify.once = true;
  verify.known_sync_times = input->known_sync_times;
  verify.replicating_before = input->replicating_before;
  Verifier verifier(cloud_, verify, replicas_);
  JournalRecorder recorder(journal, run.id);
  auto report = verifier.Run(std::move(open), stop, keep_alive_, &recorder);
  if (!report) {
    Log()->error("serve: run {}: the cloud could not be asked: {}", run.id, report.error().ToString());
    return true;
  }
  if (report->last_error) {
    Log()->warn("serve: run {}: {}; trying again in {} s", run.id, report->last_error->ToString(),
                options_.interval.count());
    return true;
  }
  std::size_t done = 0, pending = 0, wrong = 0;
  for (const UserResult& u : report->users) {
    switch (u.verdict.status) {
      case VerifyStatus::kDone:
        ++done;
        Log()->info("run {} {}: DONE", run.id, u.expected.label);
        break;
      case VerifyStatus::kWrong:
        ++wrong;
        Log()->error("run {} {}: WRONG: {}{}", run.id, u.expected.label, u.verdict.reason,
                     u.verdict.hint.empty() ? "" : " \u2014 " + u.verdict.hint);
        break;
      default:
        ++pending;
        break;
    }
  }
  Log()->info("serve: run {}: this pass {} DONE, {} WRONG, {} still PENDING", run.id, done, wrong, pending);
  return pending > 0;
}

}  // namespace ctim::agent
