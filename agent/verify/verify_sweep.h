// The service's verify sweep: every write run of the journal whose users are not all DONE or WRONG yet (the
// service's own runs and those an admin wrote by hand) gets one verify pass per sweep, until the verify
// deadline after the run started. Each user's change of state is one log line; the verdicts go to the
// journal (agent/verify/journal_recorder.h), so `show RUN` and `verify RUN` see them.
#pragma once

#include <chrono>
#include <cstddef>
#include <set>
#include <stop_token>
#include <string>

#include "agent/journal/journal.h"
#include "agent/model/progress.h"
#include "agent/verify/replica_check.h"
#include "agent/verify/verify_cloud.h"

namespace ctim::agent {

struct SweepOptions {
  std::string journal;                   // the journal file (it may not exist yet)
  std::chrono::seconds interval{300};    // between sweeps: only said in log lines here
  std::chrono::seconds deadline{86400};  // after a run started, its unverified users are given up
};

class VerifySweep {
 public:
  // `replicas`: the sync-source DCs ([ldap] sync_source_urls), nullptr when none are configured.
  VerifySweep(VerifyCloud& cloud, SweepOptions options, Progress& keep_alive,
              ReplicaSource* replicas = nullptr)
      : cloud_(cloud), options_(std::move(options)), keep_alive_(keep_alive), replicas_(replicas) {}

  // One sweep over the journal's finished write runs. Returns how many still have users to verify. Errors of
  // one run are logged and the sweep goes on.
  std::size_t Run(std::stop_token stop);

 private:
  // True while `run` still has users to verify.
  bool VerifyRun(Journal& journal, const RunRecord& run, std::stop_token stop);

  VerifyCloud& cloud_;
  SweepOptions options_;
  Progress& keep_alive_;
  ReplicaSource* replicas_;
  std::set<RunId> reported_;  // runs whose give-up or load error was logged already
  bool said_no_journal_ = false;
};

}  // namespace ctim::agent
