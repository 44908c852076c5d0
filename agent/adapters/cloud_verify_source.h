// agent/verify/verify_cloud.h over Microsoft Graph and the Exchange Online admin API. One Observe() costs:
//   Graph: 1 GET /organization (read FIRST, so a cycle ending during the look can only make the verdict more
//          cautious) + ceil(ids / 1000) directoryObjects/getByIds calls (users with provisioning errors,
//          licenses, proxies) + ceil(synced users not read in the last hour / 20) beta $batch calls of
//          onPremisesSyncBehavior (source of authority, one resource unit per user, so each user's flag is
//          kept for an hour; when the tenant or the app cannot read it, one note says so and verify goes on)
//          + at most max_holder_lookups filters naming the holder of a conflicting proxy (cached);
//   EXO:   one bulk Get-MailUser -Filter "IsDirSynced -eq $true" (ceil(dirsynced mail users / 1000)
//          calls), or Get-MailUser -Identity per user when bulk is refused (400) or when the open users are
//          fewer than the calls the last bulk listing took (ChooseExoLookup).
// Not thread-safe. `cloud` outlives this object.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>

#include "agent/verify/verify_cloud.h"
#include "sync/cloud_client.h"
#include "sync/exo_types.h"
#include "sync/graph_types.h"

namespace ctim::agent {

struct CloudVerifyOptions {
  std::size_t max_holder_lookups = 50;  // per Observe
  // The service's background sweep: its Graph requests carry x-ms-throttle-priority: low, so that Graph
  // throttles them before interactive work (doc/cloud-api.md). Interactive commands leave it false.
  bool background = false;
  // How long a user's source of authority (onPremisesSyncBehavior) is trusted before it is read again.
  std::chrono::seconds source_of_authority_ttl{std::chrono::hours(1)};
};

enum class ExoLookup { kBulk, kPerUser };
// Per user when bulk was refused, or when `users` lookups cost fewer calls than the last bulk listing took;
// bulk otherwise (and always first, when its cost is not known yet). Pure.
[[nodiscard]] ExoLookup ChooseExoLookup(std::size_t users, std::optional<std::uint64_t> last_bulk_calls,
                                        bool bulk_refused);

// Graph's and EXO's views as verify sees them. Pure.
[[nodiscard]] CloudUserState ToCloudUserState(const sync::CloudUser& user);
[[nodiscard]] MailUserState ToMailUserState(const sync::MailUser& user);

class CloudVerifySource final : public VerifyCloud {
 public:
  explicit CloudVerifySource(sync::CloudClient& cloud, CloudVerifyOptions options = {});

  Result<CloudSnapshot> Observe(std::span<const Guid> target_ids, std::stop_token stop) override;
  [[nodiscard]] CloudCalls Calls() const override;

 private:
  // EXO mail users of `ids`, by bulk listing or per user; sets notes on the snapshot.
  Status AddMailUsers(std::span<const Guid> ids, CloudSnapshot& snapshot, std::stop_token stop);
  // Names the holder of each conflicting proxy value (best effort).
  void NameHolders(CloudSnapshot& snapshot, std::stop_token stop);
  // Marks the users whose source of authority is the cloud; a failed read is a note (once), never an error.
  void AddSourceOfAuthority(std::span<const Guid> ids, CloudSnapshot& snapshot, std::stop_token stop);
  [[nodiscard]] sync::GraphPriority Priority() const;

  sync::CloudClient& cloud_;
  CloudVerifyOptions options_;
  std::optional<std::uint64_t> last_bulk_calls_;
  bool bulk_refused_ = false;
  bool source_of_authority_noted_ = false;
  struct Authority {
    bool cloud_managed = false;
    std::chrono::steady_clock::time_point read;
  };
  std::map<Guid, Authority> authority_;         // the flags read, with when
  std::map<std::string, std::string> holders_;  // folded proxy value -> holder text ("" = looked up, none)
};

}  // namespace ctim::agent
