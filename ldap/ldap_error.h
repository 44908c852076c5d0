// LDAP result codes -> ctim::Error. Pure: the connection code collects the numbers and texts, this
// table decides the Errc, the message and the hint, so the mapping is unit-tested without a server.
//   message: "ldap modify CN=Bob,OU=Staff,DC=x: Insufficient access (50): <server text>"
//   hint:    what the administrator does next
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace ctim::ldap {

// Server result codes are RFC 4511's. Client-side codes use OpenLDAP's negative values; a Wldap32
// implementation translates its LDAP_SERVER_DOWN (0x51) etc. to these.
namespace rc {
inline constexpr int kSuccess = 0;
inline constexpr int kOperationsError = 1;
inline constexpr int kProtocolError = 2;
inline constexpr int kTimeLimitExceeded = 3;
inline constexpr int kSizeLimitExceeded = 4;
inline constexpr int kAuthMethodNotSupported = 7;
inline constexpr int kStrongAuthRequired = 8;
inline constexpr int kReferral = 10;
inline constexpr int kAdminLimitExceeded = 11;
inline constexpr int kUnavailableCriticalExtension = 12;
inline constexpr int kConfidentialityRequired = 13;
inline constexpr int kNoSuchAttribute = 16;
inline constexpr int kUndefinedAttributeType = 17;
inline constexpr int kInappropriateMatching = 18;
inline constexpr int kConstraintViolation = 19;
inline constexpr int kAttributeOrValueExists = 20;
inline constexpr int kInvalidAttributeSyntax = 21;
inline constexpr int kNoSuchObject = 32;
inline constexpr int kInvalidDnSyntax = 34;
inline constexpr int kInappropriateAuthentication = 48;
inline constexpr int kInvalidCredentials = 49;
inline constexpr int kInsufficientAccessRights = 50;
inline constexpr int kBusy = 51;
inline constexpr int kUnavailable = 52;
inline constexpr int kUnwillingToPerform = 53;
inline constexpr int kNamingViolation = 64;
inline constexpr int kObjectClassViolation = 65;
inline constexpr int kNotAllowedOnNonLeaf = 66;
inline constexpr int kEntryAlreadyExists = 68;
inline constexpr int kOther = 80;
// client side (OpenLDAP numbering)
inline constexpr int kServerDown = -1;
inline constexpr int kLocalError = -2;
inline constexpr int kEncodingError = -3;
inline constexpr int kDecodingError = -4;
inline constexpr int kTimeout = -5;
inline constexpr int kAuthUnknown = -6;
inline constexpr int kFilterError = -7;
inline constexpr int kParamError = -9;
inline constexpr int kNoMemory = -10;
inline constexpr int kConnectError = -11;
inline constexpr int kNotSupported = -12;
}  // namespace rc

enum class Operation { kConnect, kStartTls, kBind, kWhoAmI, kSearch, kRead, kModify, kAdd, kDelete };

std::string_view OperationName(Operation op);  // "connect", "StartTLS", "bind", ...

// Everything known about one failed operation.
struct Failure {
  Operation op = Operation::kSearch;
  std::string target;      // DN, URL (+ identity for binds) or base + filter
  int code = rc::kOther;   // LDAP result code (see rc::)
  std::string diagnostic;  // the server's diagnosticMessage (or the client library's text)
  std::string matched_dn;  // the server's matchedDN, if any
  bool tls = false;        // the connection uses (or tried) TLS
  std::string tls_reason;  // why certificate verification failed, when known
};

// The readable name of a result code: "Insufficient access", "Invalid credentials", ...
std::string_view ResultCodeName(int code);

// AD puts a Win32 error in the diagnostic of 49 ("... data 52e, v4563"). Returns its meaning
// ("bad password", "account locked out", ...) or an empty view when there is none / it is unknown.
std::string_view AdBindDataMeaning(std::string_view diagnostic);

// The error a caller sees. Errc by code: 49/48/8/13/7 -> kUnauthenticated, 50 -> kPermissionDenied,
// 20/68/16 -> kConflict, 32 -> kNotFound, 17/18/19/21/34/64/65 -> kInvalidInput,
// -1/-11/-5/3/51/52 -> kUnavailable, ...
[[nodiscard]] Error MapFailure(const Failure& failure);

}  // namespace ctim::ldap
