// Exchange Online admin API, read-only, app-only: Get-MailUser through the InvokeCommand endpoint the
// ExchangeOnlineManagement PowerShell module uses. That transport is NOT an officially supported contract
// [MICHEV]: this class is the only place that knows it, so replacing it touches one .cpp.
//   POST <exo_url>/adminapi/beta/<tenant>/InvokeCommand?$select=...
//   X-CmdletName, X-ResponseFormat: json, Prefer: odata.maxpagesize=1000,
//   X-AnchorMailbox: APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@<tenant>, client-request-id
//   {"CmdletInput":{"CmdletName":"Get-MailUser","Parameters":{...}}}
// Paging POSTs the same body to @odata.nextLink until it is absent (only on exo_url's origin).
#pragma once

#include <chrono>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "sync/exo_types.h"
#include "sync/resource_caller.h"

namespace ctim::sync {

struct ExoOptions {
  std::string exo_url;    // root, e.g. https://outlook.office365.com
  std::string tenant_id;  // GUID or domain (ValidateTenantId)
  std::chrono::milliseconds call_deadline{std::chrono::minutes(5)};
  std::chrono::milliseconds operation_deadline{std::chrono::minutes(30)};
  int max_pages = 10000;
};

// Thread-safe. `resource` outlives the client.
class ExoAdminClient {
 public:
  ExoAdminClient(ResourceCaller& resource, ExoOptions options);

  // Get-MailUser -Identity <identity> (an ExternalDirectoryObjectId, UPN or SMTP address).
  // kNotFound when EXO has no such mail user; kAmbiguous when the identity matches several.
  Result<MailUser> GetMailUser(std::string_view identity, std::stop_token stop);

  // Get-MailUser -ResultSize Unlimited -Filter "IsDirSynced -eq $true", every page (1000 per call).
  Result<std::vector<MailUser>> ListDirSyncedMailUsers(std::stop_token stop);

 private:
  // Runs one cmdlet (body from InvokeCommandBody) through every page; `what` names it in errors.
  Result<std::vector<MailUser>> Invoke(std::string_view cmdlet, const std::string& body,
                                       const std::string& what, std::stop_token stop);

  ResourceCaller& resource_;
  const ExoOptions options_;
};

}  // namespace ctim::sync
