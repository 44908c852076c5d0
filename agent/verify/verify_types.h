// The values `verify` works with: what a run wrote (or a file asks for) per object, and what the cloud
// holds for it. Plain values; the cloud side is filled by agent/adapters/cloud_verify_source.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agent/verify/verify_time.h"
#include "common/guid.h"

namespace ctim::agent {

// One object to verify: the values Exchange Online must show once Entra Connect has synced the write.
// Fields left empty (nullopt / "" / no X500s) were not planned and are not checked.
struct Expectation {
  std::size_t row = 0;     // CTIM file row (header = 1)
  std::optional<std::int64_t> run;  // the journal's write run that wrote it (nullopt for a file)
  std::string label;       // how messages name it: "row 17 (bob@fabrikam.com)" or "row 17 CN=Bob,OU=..."
  Guid target_object_id;   // TargetExternalDirectoryObjectId: the Entra object id (= EXO ExternalDirectoryObjectId)
  std::optional<Guid> object_guid;  // AD objectGUID (from the journal; nullopt for a file)
  std::string dn;                   // AD DN (from the journal)
  std::optional<Guid> exchange_guid;
  std::optional<Guid> archive_guid;
  std::vector<std::string> x500s;  // "X500:/o=...", byte-exact
  std::string external_email;      // targetAddress as written, "SMTP:source@fabrikam.com"
  // The source's other EmailAddresses items (a file's; empty for a run): ExternalEmailAddress may equal any
  // of its SMTP addresses (agent/model/target_address.h).
  std::vector<std::string> source_proxies;
  // When the values were written to AD (the journal's "written" outcome). nullopt: unknown (a file);
  // the verifier then uses its own start time.
  std::optional<TimePoint> written_at;
};

// Exchange Online's Get-MailUser view of the object.
struct MailUserState {
  std::optional<Guid> exchange_guid;  // unset: none stamped
  std::optional<Guid> archive_guid;   // unset: no archive
  std::vector<std::string> email_addresses;
  std::string external_email_address;  // "SMTP:..." or ""
  std::string recipient_type_details;  // "MailUser"; "UserMailbox" for a target licensed too early
};

// onPremisesProvisioningErrors[]: Entra could not apply a synced value.
struct ProvisioningIssue {
  std::string category;  // "PropertyConflict"
  std::string property;  // "ProxyAddress" | "UserPrincipalName"
  std::string value;
  std::string occurred;
  std::string holder;  // the other object that holds `value` ("upn (onPremisesDistinguishedName)"), "" unknown
};

// Graph's (Entra ID's) view of the object, plus EXO's.
struct CloudUserState {
  bool sync_enabled = false;               // onPremisesSyncEnabled
  std::optional<TimePoint> last_sync;      // the user's onPremisesLastSyncDateTime
  std::vector<std::string> proxy_addresses;  // Entra ID's proxyAddresses (arrive before EXO's)
  std::optional<bool> exchange_license;      // HasExchangeLicense(assignedLicenses)
  std::vector<ProvisioningIssue> provisioning_errors;
  std::vector<std::string> service_errors;  // unresolved serviceProvisioningErrors, one line each
  std::optional<MailUserState> mail_user;   // nullopt: Get-MailUser does not return the object
  // Source of authority moved to the cloud (onPremisesSyncBehavior isCloudManaged); nullopt = not known.
  std::optional<bool> cloud_managed;
};

// One look at the cloud for a set of ids.
struct CloudSnapshot {
  std::optional<TimePoint> tenant_last_sync;  // organization onPremisesLastSyncDateTime (end of last cycle)
  std::map<Guid, CloudUserState> users;       // an asked id that is absent: Graph does not know it
  std::vector<std::string> notes;             // how the cloud was asked, for the log
};

// Requests sent to the cloud so far (every HTTP attempt counts; a Graph $batch is one call).
struct CloudCalls {
  std::uint64_t graph = 0;
  std::uint64_t exo = 0;
  std::uint64_t token = 0;
  std::uint64_t retries = 0;
  std::uint64_t throttled = 0;
};

}  // namespace ctim::agent
