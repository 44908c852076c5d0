#include "agent/adapters/cloud_verify_source.h"

#include <vector>

#include "agent/adapters/graph_cloud.h"
#include "agent/model/log.h"
#include "agent/model/text_fold.h"
#include "agent/verify/exchange_license.h"
#include "common/ascii.h"
#include "sync/graph_parse.h"

namespace ctim::agent {

ExoLookup ChooseExoLookup(std::size_t users, std::optional<std::uint64_t> last_bulk_calls, bool bulk_refused) {
  if (bulk_refused) return ExoLookup::kPerUser;
  if (last_bulk_calls && users < *last_bulk_calls) return ExoLookup::kPerUser;
  return ExoLookup::kBulk;
}

CloudUserState ToCloudUserState(const sync::CloudUser& user) {
  CloudUserState s;
  s.sync_enabled = user.on_premises_sync_enabled.value_or(false);
  s.last_sync = user.on_premises_last_sync;
  s.proxy_addresses = user.proxy_addresses;
  s.exchange_license = HasExchangeLicense(user.assigned_license_sku_ids);
  for (const sync::ProvisioningError& e : user.provisioning_errors) {
    s.provisioning_errors.push_back({e.category, e.property_causing_error, e.value, e.occurred, {}});
  }
  for (const sync::ServiceProvisioningError& e : user.service_provisioning_errors) {
    if (e.is_resolved) continue;
    std::string detail = e.error_detail.substr(0, 300);
    for (char& c : detail) {
      if (c == '\r' || c == '\n') c = ' ';
    }
    s.service_errors.push_back(e.service_instance + ": " + detail);
  }
  return s;
}

MailUserState ToMailUserState(const sync::MailUser& user) {
  return {user.exchange_guid, user.archive_guid, user.email_addresses, user.external_email_address,
          user.recipient_type_details};
}

CloudVerifySource::CloudVerifySource(sync::CloudClient& cloud, CloudVerifyOptions options)
    : cloud_(cloud), options_(options) {}

CloudCalls CloudVerifySource::Calls() const {
  const sync::CallCounts c = cloud_.counts();
  return {c.graph_calls, c.exo_calls, c.token_calls, c.retries, c.throttled};
}

Result<CloudSnapshot> CloudVerifySource::Observe(std::span<const Guid> target_ids, std::stop_token stop) {
  CloudSnapshot snapshot;
  // The tenant's sync time first: a cycle that ends while the users are read then counts only next pass.
  auto org = cloud_.graph().GetOrganization(stop, Priority());
  if (!org) return std::unexpected(std::move(org.error()));
  snapshot.tenant_last_sync = org->on_premises_last_sync;

  std::vector<std::string> ids;
  ids.reserve(target_ids.size());
  for (const Guid& g : target_ids) ids.push_back(g.ToString());
  auto lookup = cloud_.graph().GetUsersByIds(ids, stop, Priority());
  if (!lookup) return std::unexpected(std::move(lookup.error()));
  for (const sync::CloudUser& user : lookup->users) {
    if (const auto id = Guid::Parse(user.id)) snapshot.users.emplace(*id, ToCloudUserState(user));
  }

  std::vector<Guid> known;
  for (const Guid& g : target_ids) {
    if (auto it = snapshot.users.find(g); it != snapshot.users.end() && it->second.sync_enabled) known.push_back(g);
  }
  if (!known.empty()) {
    AddSourceOfAuthority(known, snapshot, stop);
    if (Status s = AddMailUsers(known, snapshot, stop); !s) return std::unexpected(std::move(s.error()));
  }
  NameHolders(snapshot, stop);
  return snapshot;
}

sync::GraphPriority CloudVerifySource::Priority() const {
  return options_.background ? sync::GraphPriority::kLow : sync::GraphPriority::kNormal;
}

void CloudVerifySource::AddSourceOfAuthority(std::span<const Guid> ids, CloudSnapshot& snapshot,
                                             std::stop_token stop) {
  const auto now = std::chrono::steady_clock::now();
  std::vector<std::string> texts;
  for (const Guid& g : ids) {
    const auto known = authority_.find(g);
    if (known == authority_.end() || now - known->second.read >= options_.source_of_authority_ttl) {
      texts.push_back(g.ToString());
    }
  }
  std::string why;
  if (!texts.empty()) {
    auto behaviors = cloud_.graph().GetSyncBehaviors(texts, stop, Priority());
    if (!behaviors) {
      why = behaviors.error().message;
    } else {
      why = behaviors->unavailable;
      for (const Guid& g : ids) {
        const auto it = behaviors->cloud_managed.find(LowerAscii(g.ToString()));
        if (it != behaviors->cloud_managed.end()) authority_[g] = {it->second, now};
      }
    }
  }
  for (const Guid& g : ids) {
    if (const auto it = authority_.find(g); it != authority_.end())
      snapshot.users[g].cloud_managed = it->second.cloud_managed;
  }
  if (!why.empty() && !source_of_authority_noted_) {
    source_of_authority_noted_ = true;
    snapshot.notes.push_back(SourceOfAuthorityNote(why));
  }
}

Status CloudVerifySource::AddMailUsers(std::span<const Guid> ids, CloudSnapshot& snapshot, std::stop_token stop) {
  if (ChooseExoLookup(ids.size(), last_bulk_calls_, bulk_refused_) == ExoLookup::kBulk) {
    const std::uint64_t before = cloud_.counts().exo_calls;
    auto users = cloud_.exo().ListDirSyncedMailUsers(stop);
    if (users) {
      last_bulk_calls_ = cloud_.counts().exo_calls - before;
      for (const sync::MailUser& mail_user : *users) {
        const auto id = Guid::Parse(mail_user.external_directory_object_id);
        if (!id) continue;
        if (auto it = snapshot.users.find(*id); it != snapshot.users.end()) {
          it->second.mail_user = ToMailUserState(mail_user);
        }
      }
      return {};
    }
    if (users.error().code != Errc::kInvalidInput) return std::unexpected(std::move(users.error()));
    // The filter or ResultSize was refused: this tenant (or transport) cannot list in bulk.
    bulk_refused_ = true;
    snapshot.notes.push_back("Exchange Online refused the bulk Get-MailUser (" + users.error().message +
                             "); asking per user from now on");
  }
  for (const Guid& id : ids) {
    auto user = cloud_.exo().GetMailUser(id.ToString(), stop);
    if (user) {
      snapshot.users[id].mail_user = ToMailUserState(*user);
    } else if (user.error().code == Errc::kAmbiguous) {
      snapshot.notes.push_back(user.error().message);
    } else if (user.error().code != Errc::kNotFound) {
      return std::unexpected(std::move(user.error()));
    }
  }
  return {};
}

void CloudVerifySource::NameHolders(CloudSnapshot& snapshot, std::stop_token stop) {
  std::size_t lookups = 0;
  for (auto& [id, user] : snapshot.users) {
    for (ProvisioningIssue& issue : user.provisioning_errors) {
      if (!EqualsAscii(issue.property, "ProxyAddress") || issue.value.empty()) continue;
      const std::string key = FoldCase(issue.value);
      auto cached = holders_.find(key);
      if (cached == holders_.end()) {
        if (lookups >= options_.max_holder_lookups) continue;
        ++lookups;
        auto found = cloud_.graph().ListUsers("proxyAddresses/any(p:p eq " + sync::ODataQuote(issue.value) + ")",
                                              false, stop);
        if (!found) {
          Log()->debug("who holds proxy {}: not known ({})", issue.value, found.error().ToString());
          continue;
        }
        std::string holder;
        for (const sync::CloudUser& other : *found) {
          if (Guid::Parse(other.id) == id) continue;
          holder = other.user_principal_name;
          if (!other.on_premises_distinguished_name.empty()) holder += " (" + other.on_premises_distinguished_name + ")";
          break;
        }
        cached = holders_.emplace(key, std::move(holder)).first;
      }
      issue.holder = cached->second;
    }
  }
}

}  // namespace ctim::agent
