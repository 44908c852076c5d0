#include "agent/adapters/graph_cloud.h"

#include <vector>

#include "agent/model/log.h"
#include "agent/verify/exchange_license.h"
#include "common/ascii.h"

namespace ctim::agent {
namespace {

std::optional<std::string> NonEmpty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

}  // namespace

std::string SourceOfAuthorityNote(std::string_view why) {
  return "the source of authority of the target users could not be read (" + std::string(why) +
         "): a user managed in the cloud is not refused; the app needs "
         "User-OnPremisesSyncBehavior.ReadWrite.All "
         "(the least privilege Graph offers for reading it) for the check";
}

CloudIdentity ToCloudIdentity(const sync::CloudUser& user) {
  CloudIdentity id;
  id.on_premises_sync_enabled = user.on_premises_sync_enabled.value_or(false);
  id.immutable_id = NonEmpty(user.on_premises_immutable_id);
  id.security_identifier = NonEmpty(user.on_premises_security_identifier);
  id.distinguished_name = NonEmpty(user.on_premises_distinguished_name);
  id.exchange_license_assigned = HasExchangeLicense(user.assigned_license_sku_ids);
  return id;
}

GraphCloudResolver::GraphCloudResolver(sync::CloudClient& cloud, std::stop_token stop, GraphCloudOptions options)
    : cloud_(cloud), stop_(std::move(stop)), options_(options) {}

Result<std::map<Guid, CloudIdentity>> GraphCloudResolver::Resolve(std::span<const Guid> target_object_ids) {
  notes_.clear();
  std::vector<std::string> ids;
  ids.reserve(target_object_ids.size());
  for (const Guid& g : target_object_ids) ids.push_back(g.ToString());
  const std::uint64_t graph_before = cloud_.counts().graph_calls;
  auto lookup = cloud_.graph().GetUsersByIds(ids, stop_);
  if (!lookup) return std::unexpected(std::move(lookup.error()).With("resolving target ids in Microsoft Graph"));

  std::map<Guid, CloudIdentity> out;
  for (const sync::CloudUser& user : lookup->users) {
    const auto id = Guid::Parse(user.id);
    if (!id) continue;  // Graph ids are GUIDs; anything else cannot be one of ours
    out.emplace(*id, ToCloudIdentity(user));
  }
  Log()->debug("resolved {} target ids in Microsoft Graph with {} calls: {} found, {} unknown", ids.size(),
               cloud_.counts().graph_calls - graph_before, out.size(), lookup->not_found.size());
  AddSourceOfAuthority(out);
  if (options_.exo_evidence) AddExoEvidence(out);
  return out;
}

void GraphCloudResolver::AddSourceOfAuthority(std::map<Guid, CloudIdentity>& identities) {
  std::vector<std::string> synced;
  for (const auto& [id, identity] : identities) {
    if (identity.on_premises_sync_enabled) synced.push_back(id.ToString());
  }
  if (synced.empty()) return;
  auto behaviors = cloud_.graph().GetSyncBehaviors(synced, stop_);
  if (!behaviors) {
    notes_.push_back(SourceOfAuthorityNote(behaviors.error().message));
    return;
  }
  if (!behaviors->unavailable.empty()) notes_.push_back(SourceOfAuthorityNote(behaviors->unavailable));
  for (auto& [id, identity] : identities) {
    const auto it = behaviors->cloud_managed.find(LowerAscii(id.ToString()));
    if (it != behaviors->cloud_managed.end()) identity.cloud_managed = it->second;
  }
}

void GraphCloudResolver::AddExoEvidence(std::map<Guid, CloudIdentity>& identities) {
  std::vector<Guid> synced;
  for (const auto& [id, identity] : identities) {
    if (identity.on_premises_sync_enabled) synced.push_back(id);
  }
  if (synced.empty()) return;
  if (synced.size() <= options_.exo_per_user_limit) {
    for (const Guid& id : synced) {
      auto user = cloud_.exo().GetMailUser(id.ToString(), stop_);
      if (user) {
        identities[id].recipient_type_details = user->recipient_type_details;
      } else if (user.error().code != Errc::kNotFound && user.error().code != Errc::kAmbiguous) {
        Log()->warn("Exchange Online not asked for recipient types (R9 relies on licenses only): {}",
                    user.error().ToString());
        return;
      }
    }
    return;
  }
  auto users = cloud_.exo().ListDirSyncedMailUsers(stop_);
  if (!users) {
    Log()->warn("Exchange Online not asked for recipient types (R9 relies on licenses only): {}",
                users.error().ToString());
    return;
  }
  for (const sync::MailUser& mail_user : *users) {
    const auto id = Guid::Parse(mail_user.external_directory_object_id);
    if (!id) continue;
    if (auto it = identities.find(*id); it != identities.end()) {
      it->second.recipient_type_details = mail_user.recipient_type_details;
    }
  }
}

}  // namespace ctim::agent
