// Whether the domain controllers Entra Connect reads ([ldap] sync_source_urls) hold what a write run put on
// the DC the agent wrote to, and what that means for a verify verdict (doc/replication.md). The agent writes
// to one DC; Entra Connect imports from its own (its "preferred domain controllers"), which gets the change
// only when AD replication brings it. Until every sync-source DC holds the planned values, no sync cycle can
// have read them: the object is PENDING "replicating to <dc>", never WRONG, whatever the cloud shows.
//
// The looks at the DCs are done by agent/adapters/ad_replica_source.cpp (objects read BY objectGUID); the
// judging here is pure: unit-tested case by case (tests/unit/agent/replica_check_test.cpp).
#pragma once

#include <map>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

#include "agent/verify/verify_classify.h"
#include "agent/verify/verify_types.h"
#include "common/guid.h"
#include "common/result.h"

namespace ctim::agent {

// The written attributes of one object as a sync-source DC holds them.
struct ReplicaObject {
  std::optional<Guid> exchange_guid;         // msExchMailboxGuid
  std::optional<Guid> archive_guid;          // msExchArchiveGUID
  std::vector<std::string> proxy_addresses;  // proxyAddresses
  std::string target_address;                // targetAddress, "" when none
  // whenChanged as this DC holds it. On Windows AD whenChanged is not replicated: each DC sets it when a
  // change to the object reaches it, so it bounds from above when the planned values arrived there. Samba
  // replicates the originating value instead (doc/replication.md); the verifier's own observation covers
  // that.
  std::optional<TimePoint> when_changed;
};

// One look at one sync-source DC.
struct ReplicaLook {
  std::string dc;              // its host name, as messages name it ("dc2.contoso.com")
  std::optional<Error> error;  // set: the DC could not be asked; `objects` is empty
  std::map<Guid, ReplicaObject>
      objects;  // by objectGUID; an asked GUID that is absent: the DC has no such object
};

// The narrow interface the verifier needs from the sync-source DCs (agent/ never includes ldap/).
class ReplicaSource {
 public:
  virtual ~ReplicaSource() = default;
  // One look per sync-source DC, in configuration order, at the objects with `object_guids`. Never fails as a
  // whole: a DC that cannot be asked is a look with `error` set (its objects stay PENDING).
  virtual std::vector<ReplicaLook> Observe(std::span<const Guid> object_guids, std::stop_token stop) = 0;
};

// Where the planned values of one object stand on the sync-source DCs.
struct ReplicaJudgement {
  bool complete = true;  // every sync-source DC holds every planned value (or there is nothing to check)
  std::string waiting;   // !complete: "replicating to dc2.contoso.com (it does not hold ExchangeGuid yet)"
  // complete: the latest whenChanged of the object over the sync-source DCs (nullopt: unknown).
  std::optional<TimePoint> arrived_by;
};

// The planned values of `expected` that `held` lacks, named as in the verify report ("ExchangeGuid",
// "ArchiveGuid", "X500", "ExternalEmailAddress"), X500s compared case-insensitively, targetAddress too.
[[nodiscard]] std::vector<std::string> LackingValues(const Expectation& expected, const ReplicaObject& held);

// `looks`: one per sync-source DC. An expectation without objectGUID (a CTIM file: nothing says which AD
// object was written) cannot be looked up: complete, nothing to wait for.
[[nodiscard]] ReplicaJudgement JudgeReplicas(const Expectation& expected, std::span<const ReplicaLook> looks);

// The instant from which sync cycles are counted for `expected`: the write, or later when the values reached
// the sync-source DCs later. `seen_complete_at`: when the verifier first saw every sync-source DC holding
// them after having seen one lack them (nullopt: it never saw them lacking).
[[nodiscard]] TimePoint EffectiveWriteTime(TimePoint written_at, const ReplicaJudgement& judgement,
                                           std::optional<TimePoint> seen_complete_at);

// The verdict once replication is taken into account. `cloud_verdict` was classified with
// SyncEvidence::kNotSynced when !judgement.complete (no cycle can have read values its DC does not hold), so
// it is WRONG only for reasons that no later sync changes (no such user, licensed too early, a conflict the
// cloud reports). A PENDING verdict gets the replication reason; DONE and WRONG stand.
[[nodiscard]] Verdict HoldForReplication(Verdict cloud_verdict, const ReplicaJudgement& judgement);

// The whole rule for one object, as the verifier applies it: replication first, then the cloud.
// `seen_syncs`: every tenant sync time seen (the verifier's set); see verify_classify.h for the rest.
[[nodiscard]] Verdict ClassifyWithReplicas(const Expectation& expected, const CloudUserState* user,
                                           std::span<const ReplicaLook> looks, TimePoint written_at,
                                           std::optional<TimePoint> seen_complete_at,
                                           std::span<const TimePoint> seen_syncs,
                                           std::optional<TimePoint> tenant_last_sync,
                                           std::optional<TimePoint>* first_sync_after_write = nullptr);

// The reason prefix of a PENDING verdict held for replication ("replicating to "): a later verify reads the
// journal's last verdict to know the values were still replicating then.
inline constexpr std::string_view kReplicatingPrefix = "replicating to ";

}  // namespace ctim::agent
