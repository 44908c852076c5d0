// The AD attributes the agent reads and writes, by lDAPDisplayName (never OID or schemaIDGUID: the lab's
// Exchange schema uses placeholder OIDs, doc/facts.md §2.2). One place, so a name is spelled
// once. Attribute names compare case-insensitively (LDAP), see AsciiCaseLess in agent/model/text_fold.h.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ctim::agent::attr {

inline constexpr std::string_view kObjectGuid = "objectGUID";
inline constexpr std::string_view kObjectSid = "objectSid";
inline constexpr std::string_view kObjectClass = "objectClass";
inline constexpr std::string_view kConsistencyGuid = "mS-DS-ConsistencyGuid";
inline constexpr std::string_view kExternalDirectoryObjectId = "msDS-ExternalDirectoryObjectId";
inline constexpr std::string_view kTargetAddress = "targetAddress";
inline constexpr std::string_view kProxyAddresses = "proxyAddresses";
inline constexpr std::string_view kMail = "mail";
inline constexpr std::string_view kUserPrincipalName = "userPrincipalName";
inline constexpr std::string_view kMailboxGuid = "msExchMailboxGuid";
inline constexpr std::string_view kArchiveGuid = "msExchArchiveGUID";
inline constexpr std::string_view kElcMailboxFlags = "msExchELCMailboxFlags";
inline constexpr std::string_view kRecipientTypeDetails = "msExchRecipientTypeDetails";
inline constexpr std::string_view kRemoteRecipientType = "msExchRemoteRecipientType";
inline constexpr std::string_view kRecipientDisplayType = "msExchRecipientDisplayType";
inline constexpr std::string_view kHomeMdb = "homeMDB";
inline constexpr std::string_view kWhenChanged = "whenChanged";
inline constexpr std::string_view kUsnChanged = "uSNChanged";

// The attributes the candidate search must return: every key of the resolution chain, every attribute the
// planner reads, and `anchor_attribute` (the site's sourceAnchor, mS-DS-ConsistencyGuid by default) when it
// is not already in the list. objectGUID and objectSid are included (the adapter moves them into
// DirectoryObject's own fields). Not objectClass: the candidate filter already selects users, nothing reads
// it, and its four values were a tenth of what a candidate object held.
[[nodiscard]] std::vector<std::string> CandidateAttributes(std::string_view anchor_attribute);

// The attributes the agent may write (the planner's outputs), for `doctor`'s write-permission check.
[[nodiscard]] std::vector<std::string> WrittenAttributes();
// Every attribute the agent needs in the schema: what it writes and what it reads as keys or guards.
// `doctor` checks each exists, so a forest without the Exchange schema extension fails before a run.
[[nodiscard]] std::vector<std::string> RequiredSchemaAttributes();

// True for attributes whose values are raw bytes (GUIDs, SIDs): compared byte-exact, shown as text.
[[nodiscard]] bool IsGuidValued(std::string_view attribute);

}  // namespace ctim::agent::attr
