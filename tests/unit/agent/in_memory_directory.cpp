#include "in_memory_directory.h"

#include <algorithm>

#include "agent/model/attributes.h"
#include "agent/model/text_fold.h"

namespace ctim::agent::testing {
namespace {

// AD String(Unicode)/String(IA5) attributes compare case-insensitively; octet strings and integers exactly.
bool CaseInsensitive(std::string_view attribute) {
  return EqualsAscii(attribute, attr::kProxyAddresses) || EqualsAscii(attribute, attr::kTargetAddress) ||
         EqualsAscii(attribute, attr::kMail) || EqualsAscii(attribute, attr::kUserPrincipalName);
}

bool SingleValued(std::string_view attribute) {
  return !EqualsAscii(attribute, attr::kProxyAddresses) && !EqualsAscii(attribute, attr::kObjectClass);
}

bool Same(std::string_view attribute, std::string_view a, std::string_view b) {
  return CaseInsensitive(attribute) ? EqualsFolded(a, b) : a == b;
}

bool EndsWithDn(std::string_view dn, std::string_view base) {
  return dn.size() >= base.size() && EqualsFolded(dn.substr(dn.size() - base.size()), base);
}

}  // namespace

void InMemoryDirectory::Put(DirectoryObject object) {
  const Guid guid = object.object_guid;
  objects_[guid] = std::move(object);
}

const DirectoryObject* InMemoryDirectory::Find(const Guid& guid) const {
  const auto it = objects_.find(guid);
  return it == objects_.end() ? nullptr : &it->second;
}

DirectoryObject& InMemoryDirectory::Get(const Guid& guid) { return objects_.at(guid); }

Status InMemoryDirectory::LoadCandidates(std::span<const std::string> base_dns, std::span<const std::string>,
                                         const std::function<Status(DirectoryObject&&)>& visit) {
  const std::lock_guard guard(lock);
  ++load_calls;
  if (unavailable) return Fail(Errc::kUnavailable, "ldap://127.0.0.1: Can't contact LDAP server");
  for (const auto& [guid, object] : objects_) {
    const bool under =
        base_dns.empty() || std::any_of(base_dns.begin(), base_dns.end(),
                                        [&](const std::string& b) { return EndsWithDn(object.dn, b); });
    if (!under) continue;
    DirectoryObject copy = object;
    if (Status s = visit(std::move(copy)); !s) return s;
  }
  return {};
}

Result<std::vector<std::optional<DirectoryObject>>> InMemoryDirectory::ReadByGuids(
    std::span<const Guid> guids, std::span<const std::string>) {
  const std::lock_guard guard(lock);
  if (crash_on_read_call && *crash_on_read_call == read_calls) throw SimulatedCrash();
  ++read_calls;
  if (unavailable) return Fail(Errc::kUnavailable, "ldap://127.0.0.1: Can't contact LDAP server");
  std::vector<std::optional<DirectoryObject>> out;
  for (const Guid& g : guids) {
    const DirectoryObject* o = Find(g);
    out.push_back(o ? std::optional<DirectoryObject>(*o) : std::nullopt);
  }
  return out;
}

Result<std::vector<ProxyOwner>> InMemoryDirectory::FindProxyOwners(const std::set<std::string>& values) {
  const std::lock_guard guard(lock);
  ++gc_calls;
  if (unavailable) return Fail(Errc::kUnavailable, "ldap://127.0.0.1:3268: Can't contact LDAP server");
  std::vector<ProxyOwner> owners;
  for (const auto& [guid, object] : objects_) {
    for (const std::string& p : object.Values(attr::kProxyAddresses)) {
      if (std::any_of(values.begin(), values.end(),
                      [&](const std::string& v) { return EqualsFolded(v, p); })) {
        owners.push_back({p, object.dn, guid});
      }
    }
  }
  return owners;
}

Status InMemoryDirectory::ApplyDirect(const ModifyRequest& request) {
  const auto it = objects_.find(request.object_guid);
  if (it == objects_.end() || !EqualsFolded(it->second.dn, request.dn)) {
    return Fail(Errc::kNotFound, "modify " + request.dn + ": No such object (32)");
  }
  DirectoryObject copy = it->second;  // atomic: all mods or none
  for (const Modification& mod : request.mods) {
    auto& values = copy.attributes[mod.attribute];
    for (const std::string& v : mod.values) {
      const auto found = std::find_if(values.begin(), values.end(),
                                      [&](const std::string& x) { return Same(mod.attribute, x, v); });
      if (mod.op == ModOp::kAdd) {
        if (found != values.end()) {
          return Fail(Errc::kConflict,
                      "modify " + request.dn + ": " + mod.attribute + ": Type or value exists (20)");
        }
        if (SingleValued(mod.attribute) && !values.empty()) {
          return Fail(Errc::kConflict, "modify " + request.dn + ": " + mod.attribute +
                                           ": Constraint violation (19), single-valued");
        }
        values.push_back(v);
      } else {
        if (found == values.end()) {
          return Fail(Errc::kConflict,
                      "modify " + request.dn + ": " + mod.attribute + ": No such attribute (16)");
        }
        values.erase(found);
      }
    }
    if (values.empty()) copy.attributes.erase(mod.attribute);
  }
  copy.attributes[std::string(attr::kWhenChanged)] = {std::to_string(++usn_) + ".0Z"};
  it->second = std::move(copy);
  return {};
}

std::vector<Status> InMemoryDirectory::ApplyModifies(std::span<const ModifyRequest> requests) {
  const std::lock_guard guard(lock);
  if (crash_on_modify_call && *crash_on_modify_call == modify_calls) throw SimulatedCrash();
  ++modify_calls;
  std::vector<Status> out;
  for (const ModifyRequest& r : requests) {
    ++requests_seen;
    if (unavailable) {
      out.push_back(Fail(Errc::kUnavailable, "ldap://127.0.0.1: Can't contact LDAP server"));
      continue;
    }
    if (before_modify) before_modify(r);
    Status s = ApplyDirect(r);
    if (s) ++modifies_applied;
    if (crash_after_applied && modifies_applied >= *crash_after_applied && s) throw SimulatedCrash();
    if (s && lose_replies_after && modifies_applied > *lose_replies_after) {
      out.push_back(
          Fail(Errc::kUnavailable, "ldap://127.0.0.1: connection reset while waiting for the reply"));
      continue;
    }
    out.push_back(std::move(s));
  }
  return out;
}

namespace {

class Connection final : public Directory {
 public:
  explicit Connection(InMemoryDirectory& dir) : dir_(dir) {}
  Status LoadCandidates(std::span<const std::string> base_dns, std::span<const std::string> attributes,
                        const std::function<Status(DirectoryObject&&)>& visit) override {
    return dir_.LoadCandidates(base_dns, attributes, visit);
  }
  Result<std::vector<std::optional<DirectoryObject>>> ReadByGuids(std::span<const Guid> guids,
                                                                  std::span<const std::string>) override {
    const std::lock_guard guard(dir_.lock);
    ++dir_.connection_reads;  // not a read of the run's own connection: no read_calls, no crash hook
    if (dir_.unavailable) return Fail(Errc::kUnavailable, "ldap://127.0.0.1: Can't contact LDAP server");
    std::vector<std::optional<DirectoryObject>> out;
    for (const Guid& g : guids) {
      const DirectoryObject* o = dir_.Find(g);
      out.push_back(o ? std::optional<DirectoryObject>(*o) : std::nullopt);
    }
    return out;
  }
  Result<std::vector<ProxyOwner>> FindProxyOwners(const std::set<std::string>& values) override {
    return dir_.FindProxyOwners(values);
  }
  std::vector<Status> ApplyModifies(std::span<const ModifyRequest> requests) override {
    return dir_.ApplyModifies(requests);
  }
  bool ProxyOwnersForestWide() const override { return dir_.ProxyOwnersForestWide(); }

 private:
  InMemoryDirectory& dir_;
};

}  // namespace

std::unique_ptr<Directory> InMemoryDirectory::Connection() {
  return std::make_unique<testing::Connection>(*this);
}

}  // namespace ctim::agent::testing
