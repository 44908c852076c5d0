#include "agent/model/directory.h"

#include <algorithm>
#include <array>

#include "agent/model/attributes.h"

namespace ctim::agent {

std::span<const std::string> DirectoryObject::Values(std::string_view name) const {
  const auto it = attributes.find(name);
  if (it == attributes.end()) return {};
  return it->second;
}

std::optional<std::string_view> DirectoryObject::Single(std::string_view name) const {
  const auto values = Values(name);
  if (values.empty()) return std::nullopt;
  return std::string_view(values.front());
}

namespace attr {

std::vector<std::string> WrittenAttributes() {
  return {std::string(kMailboxGuid), std::string(kArchiveGuid), std::string(kProxyAddresses),
          std::string(kTargetAddress), std::string(kElcMailboxFlags)};
}

std::vector<std::string> RequiredSchemaAttributes() {
  std::vector<std::string> names = WrittenAttributes();
  for (std::string_view read_only : {kExternalDirectoryObjectId, kConsistencyGuid, kMail, kRecipientTypeDetails,
                                     kRemoteRecipientType, kRecipientDisplayType}) {
    names.emplace_back(read_only);
  }
  return names;
}

std::vector<std::string> CandidateAttributes(std::string_view anchor_attribute) {
  static constexpr std::array kNames = {
      kObjectGuid,          kObjectSid,        kConsistencyGuid,
      kExternalDirectoryObjectId, kTargetAddress, kProxyAddresses,  kMail,
      kUserPrincipalName,   kMailboxGuid,      kArchiveGuid,         kElcMailboxFlags,
      kRecipientTypeDetails, kRemoteRecipientType, kRecipientDisplayType, kHomeMdb,
      kWhenChanged,         kUsnChanged};
  std::vector<std::string> names(kNames.begin(), kNames.end());
  if (!anchor_attribute.empty() &&
      std::none_of(names.begin(), names.end(), [&](const std::string& n) { return EqualsAscii(n, anchor_attribute); })) {
    names.emplace_back(anchor_attribute);
  }
  return names;
}

bool IsGuidValued(std::string_view attribute) {
  return EqualsAscii(attribute, kObjectGuid) || EqualsAscii(attribute, kConsistencyGuid) ||
         EqualsAscii(attribute, kMailboxGuid) || EqualsAscii(attribute, kArchiveGuid);
}

}  // namespace attr
}  // namespace ctim::agent
