// The unit of change: per-attribute changes to one object, planned by the planner (or inverted by the
// rollback), recorded in the journal before they are sent, and sent as ONE LDAP modify so an object is
// never half-written. Optimistic concurrency is encoded in the change itself (see ChangeKind).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/model/directory.h"
#include "common/guid.h"

namespace ctim::agent {

enum class ChangeKind {
  kAddValues,     // add `after` to a multi-valued attribute (proxyAddresses); fails if a value exists
  kDeleteValues,  // delete `before` values (rollback only); fails if a value is gone
  kSet,           // first-time set of a single-valued attribute: LDAP add; fails if a value appeared
  kReplace,       // compare-and-swap: delete `before` + add `after` in the same modify; fails if the old
                  // value changed meanwhile, so the agent never overwrites what it has not seen
};

struct AttributeChange {
  std::string attribute;
  ChangeKind kind = ChangeKind::kAddValues;
  AttributeValues before;  // kDeleteValues: values removed; kReplace: the old value; otherwise empty
  AttributeValues after;   // kAddValues/kSet/kReplace: values written; kDeleteValues: empty

  friend bool operator==(const AttributeChange&, const AttributeChange&) = default;
};

// Changes to one object. `row` is the CTIM file row (0 for a rollback change set).
struct ChangeSet {
  std::size_t row = 0;
  std::string dn;
  Guid object_guid;
  std::vector<AttributeChange> changes;
  // The row's TargetExternalDirectoryObjectId (the Entra object id): where `verify` looks the object up in
  // the cloud. nullopt for change sets recorded before the journal kept it.
  std::optional<Guid> target_object_id;

  [[nodiscard]] bool empty() const { return changes.empty(); }
};

// The LDAP modify for a change set: adds of one attribute merged into one Modification; kReplace as
// delete-old then add-new.
[[nodiscard]] ModifyRequest ToModifyRequest(const ChangeSet& change_set);

// "add" | "delete" | "add" | "replace" (the ProgressOutput Action column uses the same words; kSet is an
// LDAP add, so it prints as "add").
[[nodiscard]] std::string_view ActionName(ChangeKind kind);
// Journal spelling, distinct for every kind: "add_values" | "delete_values" | "set" | "replace".
[[nodiscard]] std::string_view ChangeKindName(ChangeKind kind);
[[nodiscard]] bool ParseChangeKind(std::string_view name, ChangeKind& kind);

// A value as a person reads it: GUID attributes as GUID text (or hex if not 16 bytes), others as stored.
[[nodiscard]] std::string DisplayValue(std::string_view attribute, std::string_view value);
[[nodiscard]] std::string DisplayValues(std::string_view attribute, const AttributeValues& values);

// Where an object stands relative to a change, judged from a fresh read. Used to confirm a write, to
// resolve an intent whose outcome was never recorded (crash), and to check a rollback is still safe.
enum class ChangeState {
  kApplied,     // the object holds what the change writes
  kNotApplied,  // the object holds what the change expects to find before writing
  kDiverged,    // neither: someone else changed the attribute
};

[[nodiscard]] ChangeState StateOf(const AttributeChange& change, const DirectoryObject& object);
// kApplied if every change is applied, kNotApplied if none is, kDiverged otherwise.
[[nodiscard]] ChangeState StateOf(const ChangeSet& change_set, const DirectoryObject& object);
// "msExchELCMailboxFlags is 130, expected 154" style description of why a change is not applied.
[[nodiscard]] std::string DescribeDifference(const AttributeChange& change, const DirectoryObject& object);

}  // namespace ctim::agent
