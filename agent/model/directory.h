// The narrow interface the agent needs from Active Directory. The real implementation is
// agent/adapters/ad_directory.cpp over ldap/ (the only code that knows LDAP); the domain code (matcher,
// planner, writer, rollback) sees only these plain values. Values are binary-safe std::string (an LDAP
// value is an octet string: GUID attributes hold 16 raw bytes in AD order, doc/facts.md §2.3).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "agent/model/attribute_map.h"
#include "agent/model/text_fold.h"
#include "common/guid.h"
#include "common/result.h"

namespace ctim::agent {


// One AD object as read: its identity plus the attributes the chain and the planner need (see
// attr::CandidateAttributes). An attribute absent from `attributes` has no value on the object.
struct DirectoryObject {
  std::string dn;
  Guid object_guid;
  std::string object_sid;  // "S-1-5-21-...", empty when the object has none
  AttributeMap attributes;

  // Values of `name`; an empty span when the object has none.
  [[nodiscard]] std::span<const std::string> Values(std::string_view name) const;
  // The single value of `name` (the first, for a single-valued attribute); nullopt when absent.
  [[nodiscard]] std::optional<std::string_view> Single(std::string_view name) const;
  [[nodiscard]] bool Has(std::string_view name) const { return !Values(name).empty(); }
};

// One operation of an LDAP modify. kAdd/kDelete carry the exact values (a delete of a value that is not
// there fails, which is how a scalar change becomes a compare-and-swap: delete-old + add-new in one modify).
enum class ModOp { kAdd, kDelete };

struct Modification {
  ModOp op = ModOp::kAdd;
  std::string attribute;
  AttributeValues values;  // never empty: the agent never deletes a whole attribute
};

// All changes to one object, sent as ONE modify request so the server applies all or none of them.
struct ModifyRequest {
  std::string dn;
  Guid object_guid;  // for messages and for re-reading the object after a conflict
  std::vector<Modification> mods;
};

// Who else carries a proxyAddresses value (Global Catalog view of the forest).
struct ProxyOwner {
  std::string value;  // the proxyAddresses value as stored on the owner (its case)
  std::string dn;
  Guid object_guid;
};

class Directory {
 public:
  virtual ~Directory() = default;

  // Visits every candidate user object under `base_dns` (one search per base, never one per row),
  // with the attributes named by `attributes`. Stops and returns the visitor's error if it returns one.
  virtual Status LoadCandidates(std::span<const std::string> base_dns, std::span<const std::string> attributes,
                                const std::function<Status(DirectoryObject&&)>& visit) = 0;

  // Reads objects by objectGUID (the adapter may batch or pipeline): result[i] is the object with
  // guids[i], or nullopt if no such object exists (deleted). Same attributes as LoadCandidates.
  virtual Result<std::vector<std::optional<DirectoryObject>>> ReadByGuids(
      std::span<const Guid> guids, std::span<const std::string> attributes) = 0;

  // Every object in the forest (Global Catalog) whose proxyAddresses holds one of `values`, compared as AD
  // does (case-insensitively). The adapter batches the values into OR filters; callers pass the whole set.
  virtual Result<std::vector<ProxyOwner>> FindProxyOwners(const std::set<std::string>& values) = 0;

  // True when FindProxyOwners searches the whole forest (a Global Catalog); false when it searches only the
  // DC's own domain because no Global Catalog is configured. The plan then says that X500 uniqueness (R6)
  // was checked in one domain only.
  [[nodiscard]] virtual bool ProxyOwnersForestWide() const = 0;

  // Sends every request (pipelined; one modify per object) and returns one Status per request, in order.
  // A request that failed because the object no longer holds the value a delete names, or already holds a
  // value an add names (LDAP noSuchAttribute 16 / attributeOrValueExists 20, or a constraint violation on
  // a single-valued attribute), is reported as Errc::kConflict; a missing object as Errc::kNotFound.
  // An empty vector (or fewer Statuses than requests) is never returned.
  virtual std::vector<Status> ApplyModifies(std::span<const ModifyRequest> requests) = 0;
};

}  // namespace ctim::agent
