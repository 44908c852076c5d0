// Exchange Online admin API (InvokeCommand) JSON -> plain values, and its error shape -> Error. Pure.
//   200   {"@odata.context":"...","value":[{...PowerShell property names...}],"@odata.nextLink":"..."}
//   error {"error":{"code":"...","message":"...","details":[{"message","target"}],
//          "innererror":{"internalException":{"message":"..."}}}}
// The JSON value shapes (GUIDs as text, arrays of strings) are INFERRED and pinned by the emulator.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "sync/exo_types.h"
#include "sync/http_client.h"
#include "sync/json_fields.h"

namespace ctim::sync {

// The $select list for Get-MailUser: every property MailUser carries.
[[nodiscard]] std::string_view MailUserSelect();

// kInternal when a GUID property holds something that is not a GUID (the INFERRED shape was wrong).
[[nodiscard]] Result<MailUser> ParseMailUser(const Json& value);

struct MailUserPage {
  std::vector<MailUser> users;
  std::string next_link;              // empty on the last page
  std::vector<std::string> warnings;  // @adminapi.warnings
};
[[nodiscard]] Result<MailUserPage> ParseMailUserPage(std::string_view body);

// {"CmdletInput":{"CmdletName":"<cmdlet>","Parameters":{...}}}; `parameters` is a JSON object.
[[nodiscard]] std::string InvokeCommandBody(std::string_view cmdlet, const Json& parameters);

// A failed InvokeCommand as an Error naming `what` ("exo Get-MailUser 6a1e..."), EXO's code, message and
// first detail, the request-id, and a hint: 400 kInvalidInput, 401 kUnauthenticated, 403
// kPermissionDenied, not found (IsExoNotFound) kNotFound, several matches (IsExoAmbiguous) kAmbiguous,
// 429/5xx kUnavailable, else kInternal.
[[nodiscard]] Error ExoError(const HttpResponse& response, std::string_view what);

// INFERRED, in this one function: EXO reports a missing recipient as HTTP 404, or (as the PowerShell
// module surfaces it) an error whose text names ManagementObjectNotFoundException / "couldn't be found".
[[nodiscard]] bool IsExoNotFound(const HttpResponse& response);
// INFERRED likewise: an identity matching several recipients names ManagementObjectAmbiguousException.
[[nodiscard]] bool IsExoAmbiguous(const HttpResponse& response);

}  // namespace ctim::sync
