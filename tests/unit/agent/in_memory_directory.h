// TEST DOUBLE — never shipped in agent/. An in-memory Directory with Active Directory's modify semantics
// (atomic per request; add of an existing value or delete of a missing one fails; string attributes compare
// case-insensitively as AD does), for unit tests of the write/rollback ORCHESTRATION. The real adapter over
// ldap/ is tested against the Samba lab in tests/integration.
// Fault hooks simulate concurrent admins, lost replies and process death (SimulatedCrash is thrown out of
// the agent's call, unwinding it like kill -9 would end it: nothing after the throw point runs, and SQLite
// transactions that were not committed are rolled back).
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "agent/model/directory.h"

namespace ctim::agent::testing {

struct SimulatedCrash : std::runtime_error {
  SimulatedCrash() : std::runtime_error("simulated kill -9") {}
};

class InMemoryDirectory final : public Directory {
 public:
  // Candidate users (found by LoadCandidates under a matching base DN) and, for the Global Catalog, every
  // object of the forest.
  void Put(DirectoryObject object);
  [[nodiscard]] const DirectoryObject* Find(const Guid& guid) const;
  [[nodiscard]] DirectoryObject& Get(const Guid& guid);
  [[nodiscard]] std::map<Guid, DirectoryObject> Snapshot() const { return objects_; }

  Status LoadCandidates(std::span<const std::string> base_dns, std::span<const std::string> attributes,
                        const std::function<Status(DirectoryObject&&)>& visit) override;
  Result<std::vector<std::optional<DirectoryObject>>> ReadByGuids(std::span<const Guid> guids,
                                                                  std::span<const std::string> attributes) override;
  Result<std::vector<ProxyOwner>> FindProxyOwners(const std::set<std::string>& values) override;
  std::vector<Status> ApplyModifies(std::span<const ModifyRequest> requests) override;
  bool ProxyOwnersForestWide() const override { return forest_wide; }

  // Applies one request with AD semantics, outside any hook or counter (what a concurrent admin does).
  Status ApplyDirect(const ModifyRequest& request);

  // --- hooks and counters ---
  bool forest_wide = true;  // FindProxyOwners answers for the whole forest (a Global Catalog)
  std::function<void(const ModifyRequest&)> before_modify;  // runs before each modify is applied
  std::optional<std::size_t> crash_after_applied;    // throw once this many modifies have been applied
  std::optional<std::size_t> crash_on_modify_call;   // throw at the start of the n-th ApplyModifies call (0-based)
  std::optional<std::size_t> crash_on_read_call;     // throw at the start of the n-th ReadByGuids call (0-based)
  std::optional<std::size_t> lose_replies_after;     // after this many applied: apply, but reply kUnavailable
  bool unavailable = false;                          // every call fails with kUnavailable, nothing applied

  std::size_t load_calls = 0, read_calls = 0, gc_calls = 0, modify_calls = 0, modifies_applied = 0;
  std::size_t requests_seen = 0;

  // A second connection to this directory (the run engine's reader): its calls take the same lock as this
  // directory's, so a thread may read through it while another applies modifies here. Counts its reads.
  [[nodiscard]] std::unique_ptr<Directory> Connection();
  std::size_t connection_reads = 0;

  std::recursive_mutex lock;  // every Directory call holds it

 private:
  std::map<Guid, DirectoryObject> objects_;
  std::size_t usn_ = 1000;
};

}  // namespace ctim::agent::testing
