// `verify`'s poll loop: asks the cloud about every object not yet DONE or WRONG, classifies each one
// (agent/verify/verify_classify.h; first, when sync-source DCs are configured, whether they hold the written
// values yet: agent/verify/replica_check.h), and repeats every `interval` until all are DONE or WRONG, the
// deadline passes, or a stop is requested. One pass = one VerifyCloud::Observe for the open objects (batched
// inside).
//
// Bounds: at most max_passes passes, and no pass starts after the deadline; every wait goes through
// ctim::SleepFor(stop), so a stop ends the loop within one HTTP request. Not thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <set>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

#include "agent/model/progress.h"
#include "agent/verify/replica_check.h"
#include "agent/verify/migration_validation_types.h"
#include "agent/verify/verify_classify.h"
#include "agent/verify/verify_cloud.h"
#include "agent/verify/verify_types.h"
#include "common/result.h"

namespace ctim::agent {

struct VerifyOptions {
  std::chrono::milliseconds interval{std::chrono::minutes(5)};  // between passes ([agent] verify_interval_seconds)
  std::chrono::milliseconds deadline{std::chrono::hours(24)};   // from the start ([agent] verify_deadline_seconds)
  bool once = false;                                             // one pass, then report
  std::size_t max_passes = 100000;                               // hard bound besides the deadline
  // Tenant sync times seen by earlier verify runs (the journal's first_sync_after_write), so that a later
  // `verify --once` still knows a cycle ended after the write.
  std::vector<TimePoint> known_sync_times;
  // Objects (by target id) whose last recorded verdict was PENDING "replicating to ..." (replica_check.h):
  // their values reached the sync-source DCs only after that, so the first pass that sees them there counts.
  std::set<Guid> replicating_before;
};

struct UserResult {
  Expectation expected;
  Verdict verdict;  // PENDING "not checked yet" until the first pass that reached the cloud
  std::optional<TimePoint> first_sync_after_write;
  std::optional<TimePoint> checked_at;  // the pass that produced the verdict
  // Replication (replica_check.h): a look at the sync-source DCs found the values missing, and when a later
  // look first found them on every one.
  bool seen_replicating = false;
  std::optional<TimePoint> replicated_seen_at;
};

// Calls and time of one pass.
struct PassStats {
  std::size_t asked = 0;  // objects asked about
  std::uint64_t graph_calls = 0;
  std::uint64_t exo_calls = 0;
  std::chrono::milliseconds elapsed{0};
  bool failed = false;  // the cloud could not be asked (see VerifyReport::last_error)
};

struct VerifyCounts {
  std::size_t done = 0, pending = 0, wrong = 0;
};

struct VerifyReport {
  std::vector<UserResult> users;  // in the expectations' order
  std::vector<PassStats> passes;
  std::optional<TimePoint> tenant_last_sync;
  bool deadline_passed = false;  // polling ended with objects still pending because of the deadline
  bool stopped = false;          // a stop was requested
  std::optional<Error> last_error;  // the last pass that failed, if the cloud could not be asked
  CloudCalls calls;                 // total, this run
  std::chrono::milliseconds elapsed{0};
  // Microsoft's own check beside ours, when asked (--with-migration-validation, migration_validation.h).
  std::optional<MigrationValidation> microsoft;

  [[nodiscard]] VerifyCounts Count() const;
  // No pass reached the cloud.
  [[nodiscard]] bool NeverReached() const;
};

// Told after every pass (service/ records it in the journal and redraws the progress bar).
class VerifyObserver {
 public:
  virtual ~VerifyObserver() = default;
  // `changed`: indexes into report.users whose verdict was produced by this pass.
  virtual void OnPass(const VerifyReport& report, std::span<const std::size_t> changed) = 0;
};

class Verifier {
 public:
  // `cloud` and `replicas` outlive the verifier. `replicas`: the DCs Entra Connect reads ([ldap]
  // sync_source_urls); nullptr when none are configured (then Entra Connect is taken to read the written DC).
  Verifier(VerifyCloud& cloud, VerifyOptions options, ReplicaSource* replicas = nullptr);

  // Errors: kUnauthenticated / kPermissionDenied / kInvalidInput / kInternal from the cloud end the run at
  // once (another pass will not help). kUnavailable is logged and retried at the next pass; only when no
  // pass ever reached the cloud (or with `once`) is it returned. A stop returns the report so far.
  [[nodiscard]] Result<VerifyReport> Run(std::vector<Expectation> expectations, std::stop_token stop,
                                         Progress& progress, VerifyObserver* observer);

 private:
  VerifyCloud& cloud_;
  VerifyOptions options_;
  ReplicaSource* replicas_;
};

}  // namespace ctim::agent
