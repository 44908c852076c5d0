// What ctim-agent reads from Microsoft Graph v1.0, as plain values (doc/facts.md §3.3 [GUSER][GORG]
// [GPROV]). Strings are empty and optionals unset where Graph returned null or omitted the property.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sync/http_date.h"

namespace ctim::sync {

// onPremisesProvisioningErrors[]: Entra could not apply a synced value (e.g. a duplicate proxy).
struct ProvisioningError {
  std::string category;                // "PropertyConflict"
  std::string property_causing_error;  // "ProxyAddress" | "UserPrincipalName"
  std::string value;                   // the conflicting value
  std::string occurred;                // occurredDateTime as Graph wrote it
  friend bool operator==(const ProvisioningError&, const ProvisioningError&) = default;
};

// serviceProvisioningErrors[]: a workload (Exchange Online) could not provision the object.
struct ServiceProvisioningError {
  std::string service_instance;  // "exchange/namprd03-012-01"
  std::string error_detail;      // XML text from Exchange
  bool is_resolved = false;
  std::string created;  // createdDateTime as Graph wrote it
  friend bool operator==(const ServiceProvisioningError&, const ServiceProvisioningError&) = default;
};

struct CloudUser {
  std::string id;  // the Entra object id (= ExternalDirectoryObjectId in EXO)
  std::string user_principal_name;
  std::string mail;
  std::optional<bool> on_premises_sync_enabled;  // true: synced from AD; unset: cloud-only / never synced
  std::string on_premises_immutable_id;          // base64 of the source anchor (objectGUID / ConsistencyGuid)
  std::string on_premises_security_identifier;   // "S-1-5-21-..."
  std::string on_premises_distinguished_name;
  std::optional<SysTime> on_premises_last_sync;
  std::vector<std::string> proxy_addresses;           // "SMTP:a@b", "smtp:...", "X500:..."
  std::vector<std::string> assigned_license_sku_ids;  // assignedLicenses[].skuId
  std::vector<ProvisioningError> provisioning_errors;
  std::vector<ServiceProvisioningError> service_provisioning_errors;
  friend bool operator==(const CloudUser&, const CloudUser&) = default;
};

// The tenant's directory-sync heartbeat: GET /organization.
struct OrganizationSync {
  std::string tenant_id;
  std::optional<bool> on_premises_sync_enabled;
  std::optional<SysTime> on_premises_last_sync;  // last Entra Connect export into the tenant
};

// The outcome of a lookup by ids: what was found, and which of the asked ids Graph does not know.
struct UserLookup {
  std::vector<CloudUser> users;
  std::vector<std::string> not_found;  // as the caller spelled them
};

// How users are looked up by id. getByIds with $select costs 2 resource units per 1000 ids; the $batch path
// costs 1 unit per 15 ids (doc/cloud-api.md). The $batch path stays for comparison (verify_bench).
enum class UserLookupPath { kGetByIds, kBatchFilters };

// Source of authority per user (beta GET /users/{id}/onPremisesSyncBehavior, doc/cloud-api.md):
// isCloudManaged true means Entra ID blocks updates from on-premises AD for that user.
struct SyncBehaviorLookup {
  std::map<std::string, bool> cloud_managed;  // lower-cased object id -> isCloudManaged, for the ids read
  // Why some ids could not be read (e.g. "HTTP 403 Authorization_RequestDenied: ..."): the endpoint is not
  // served to this tenant or the app lacks the permission. Empty when every id was answered (404 for an id
  // Graph does not know counts as answered when other ids were read).
  std::string unavailable;
};

}  // namespace ctim::sync
