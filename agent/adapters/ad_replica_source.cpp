#include "agent/adapters/ad_replica_source.h"

#include <fmt/format.h>

#include "agent/adapters/ad_directory.h"
#include "agent/model/attributes.h"
#include "common/iso8601.h"

namespace ctim::agent::adapters {
namespace {

std::optional<Guid> GuidValue(const DirectoryObject& object, std::string_view name) {
  const auto value = object.Single(name);
  return value ? Guid::FromAdBytes(*value) : std::nullopt;
}

ReplicaObject ToReplicaObject(const DirectoryObject& object) {
  ReplicaObject held;
  held.exchange_guid = GuidValue(object, attr::kMailboxGuid);
  held.archive_guid = GuidValue(object, attr::kArchiveGuid);
  const auto proxies = object.Values(attr::kProxyAddresses);
  held.proxy_addresses.assign(proxies.begin(), proxies.end());
  held.target_address = std::string(object.Single(attr::kTargetAddress).value_or(""));
  if (const auto when = object.Single(attr::kWhenChanged)) held.when_changed = ParseGeneralizedTime(*when);
  return held;
}

}  // namespace

std::optional<TimePoint> ParseGeneralizedTime(std::string_view text) {
  // YYYYMMDDhhmmss, an optional fraction (".0"), then Z. AD writes UTC only.
  if (text.size() < 15 || (text.back() != 'Z' && text.back() != 'z')) return std::nullopt;
  for (std::size_t i = 0; i < 14; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  std::string_view fraction = text.substr(14, text.size() - 15);
  if (!fraction.empty()) {
    if (fraction.front() != '.' && fraction.front() != ',') return std::nullopt;
    fraction.remove_prefix(1);
    if (fraction.empty()) return std::nullopt;
    for (char c : fraction) {
      if (c < '0' || c > '9') return std::nullopt;
    }
  }
  const std::string iso = fmt::format("{}-{}-{}T{}:{}:{}{}{}Z", text.substr(0, 4), text.substr(4, 2),
                                      text.substr(6, 2), text.substr(8, 2), text.substr(10, 2),
                                      text.substr(12, 2), fraction.empty() ? "" : ".", fraction);
  return ParseUtcIso8601(iso);
}

std::vector<ReplicaLook> AdReplicaSource::Observe(std::span<const Guid> object_guids, std::stop_token stop) {
  static const std::vector<std::string> kAttributes = {
      std::string(attr::kMailboxGuid), std::string(attr::kArchiveGuid), std::string(attr::kProxyAddresses),
      std::string(attr::kTargetAddress), std::string(attr::kWhenChanged)};
  std::vector<ReplicaLook> looks;
  looks.reserve(dcs_.size());
  for (const SyncSourceDc& dc : dcs_) {
    ReplicaLook look;
    look.dc = dc.host;
    if (stop.stop_requested()) {
      look.error = Error{Errc::kUnavailable, "stopped before it was asked", {}};
      looks.push_back(std::move(look));
      continue;
    }
    AdDirectoryOptions options;
    options.dc = dc.options;
    auto directory = OpenAdDirectory(std::move(options));
    if (!directory) {
      look.error = std::move(directory.error());
      looks.push_back(std::move(look));
      continue;
    }
    auto objects = (*directory)->ReadByGuids(object_guids, kAttributes);
    if (!objects) {
      look.error = std::move(objects.error());
      looks.push_back(std::move(look));
      continue;
    }
    for (const std::optional<DirectoryObject>& object : *objects) {
      if (object) look.objects.emplace(object->object_guid, ToReplicaObject(*object));
    }
    looks.push_back(std::move(look));
  }
  return looks;
}

}  // namespace ctim::agent::adapters
