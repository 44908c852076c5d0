// agent/model/cloud_resolver.h over Microsoft Graph (doc/design.md §1, keys 2-3): each
// TargetExternalDirectoryObjectId -> Graph user -> onPremisesSyncEnabled, onPremisesImmutableId,
// onPremisesSecurityIdentifier, onPremisesDistinguishedName, plus the R9 evidence: an Exchange Online license
// in assignedLicenses (agent/verify/exchange_license.h) and, when cheap, Exchange Online's
// RecipientTypeDetails.
//
// Cost: Graph directoryObjects/getByIds, 1000 ids per call (2 resource units each), so 20,000 ids take 20
// calls; then the source of authority of the synced users found (beta onPremisesSyncBehavior, 20 per $batch,
// 1 unit each; a tenant or app that cannot read it gets a plan note, never a refusal). EXO evidence: per user
// (Get-MailUser -Identity) for at most `exo_per_user_limit` synced users, else one bulk listing of the
// dirsynced mail users (one call per 1000). EXO is optional evidence: if it cannot be asked, the fields stay
// unknown and the resolver still answers (a warning says why).
#pragma once

#include <cstddef>
#include <map>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "agent/model/cloud_resolver.h"
#include "sync/cloud_client.h"
#include "sync/graph_types.h"

namespace ctim::agent {

struct GraphCloudOptions {
  bool exo_evidence = true;
  std::size_t exo_per_user_limit = 50;  // up to this many synced users: ask EXO per user, else in bulk
};

// The plan or verify note when the source of authority could not be read (`why`: Graph's answer). Pure.
[[nodiscard]] std::string SourceOfAuthorityNote(std::string_view why);

// Graph's user as the matcher and planner see it. Pure.
[[nodiscard]] CloudIdentity ToCloudIdentity(const sync::CloudUser& user);

// Not thread-safe. `cloud` outlives the resolver; `stop` aborts a Resolve in flight.
class GraphCloudResolver final : public CloudResolver {
 public:
  GraphCloudResolver(sync::CloudClient& cloud, std::stop_token stop, GraphCloudOptions options = {});

  Result<std::map<Guid, CloudIdentity>> Resolve(std::span<const Guid> target_object_ids) override;
  [[nodiscard]] std::vector<std::string> Notes() const override { return notes_; }

 private:
  void AddExoEvidence(std::map<Guid, CloudIdentity>& identities);
  void AddSourceOfAuthority(std::map<Guid, CloudIdentity>& identities);

  sync::CloudClient& cloud_;
  std::stop_token stop_;
  GraphCloudOptions options_;
  std::vector<std::string> notes_;
};

}  // namespace ctim::agent
