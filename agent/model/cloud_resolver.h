// The narrow interface for the cloud keys of the resolution chain (doc/design.md §1, keys 2-3):
// the target tenant's Entra view of each TargetExternalDirectoryObjectId. Implemented over Graph in
// agent/adapters/graph_cloud.cpp. The chain runs without it (offline keys only) and
// says so in the plan.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/guid.h"
#include "common/result.h"

namespace ctim::agent {

// What Graph says about one target user. Optional fields are nullopt when Graph returned null/nothing.
struct CloudIdentity {
  bool on_premises_sync_enabled = false;                  // onPremisesSyncEnabled == true
  std::optional<std::string> immutable_id;                 // onPremisesImmutableId (base64 text as Graph has it)
  std::optional<std::string> security_identifier;          // onPremisesSecurityIdentifier "S-1-5-..."
  std::optional<std::string> distinguished_name;           // onPremisesDistinguishedName (cross-check only)
  // Evidence for R9 (the target already has an Exchange mailbox or license); nullopt = not known.
  std::optional<bool> exchange_license_assigned;           // assignedLicenses holds an EXO service plan
  std::optional<std::string> recipient_type_details;       // EXO RecipientTypeDetails, e.g. "MailUser"
  std::optional<std::string> previous_recipient_type_details;  // EXO Get-User PreviousRecipientTypeDetails
  // The user's source of authority was moved to the cloud (Graph onPremisesSyncBehavior isCloudManaged):
  // Entra ID blocks updates from on-premises AD, so nothing written to AD reaches it. nullopt = not known.
  std::optional<bool> cloud_managed;
};

class CloudResolver {
 public:
  virtual ~CloudResolver() = default;

  // Looks up every id (the implementation batches: Graph $batch of `id in (...)` filters). An id absent from
  // the returned map does not exist in the target tenant. An error means the cloud could not be asked at
  // all; the caller then plans with the offline keys only and says so.
  virtual Result<std::map<Guid, CloudIdentity>> Resolve(std::span<const Guid> target_object_ids) = 0;

  // What the last Resolve could not find out (e.g. a check the tenant or the app's permissions do not
  // allow), one line each, for the plan's notes. The resolve itself still succeeded.
  [[nodiscard]] virtual std::vector<std::string> Notes() const { return {}; }
};

}  // namespace ctim::agent
