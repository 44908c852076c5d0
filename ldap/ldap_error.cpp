#include "ldap/ldap_error.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "common/ascii.h"

namespace ctim::ldap {
namespace {

struct Meaning {
  std::string_view data;
  std::string_view text;
  std::string_view action;
};

// Win32 errors AD reports in "data NNN" of an invalidCredentials diagnostic ([MS-ADTS] / KB 2496).
constexpr std::array<Meaning, 10> kAdBindData = {{
    {"525", "user not found", "check the bind name (DN, user@domain or DOMAIN\\user)"},
    {"52e", "bad password", "check the password of the bind account (and the file it is read from)"},
    {"530", "logon not permitted at this time", "check the account's logon hours"},
    {"531", "logon not permitted from this workstation", "check the account's allowed workstations"},
    {"532", "password expired",
     "set a new password for the account (and mark it non-expiring for a service)"},
    {"533", "account disabled", "enable the account"},
    {"534", "logon type not granted", "grant the account network logon on the DC"},
    {"701", "account expired", "extend the account's expiry date"},
    {"773", "password must be changed", "set the password (the account is marked 'change at next logon')"},
    {"775", "account locked out",
     "wait for the lockout to expire or unlock the account, then check the password"},
}};

const Meaning* FindAdBindData(std::string_view diagnostic) {
  // "... AcceptSecurityContext error, data 52e, v4563"
  constexpr std::string_view kKey = "data ";
  for (std::size_t pos = 0; (pos = diagnostic.find(kKey, pos)) != std::string_view::npos;
       pos += kKey.size()) {
    std::string_view rest = diagnostic.substr(pos + kKey.size());
    std::size_t n = 0;
    while (n < rest.size() && std::isxdigit(static_cast<unsigned char>(rest[n])) != 0) ++n;
    const std::string code = LowerAscii(rest.substr(0, n));
    for (const Meaning& m : kAdBindData) {
      if (m.data == code) return &m;
    }
  }
  return nullptr;
}

std::string KerberosHint(std::string_view diagnostic) {
  if (ContainsAscii(diagnostic, "Server not found in Kerberos database")) {
    return "the KDC has no ldap/<host> service principal for the host in the URL: use the DC's name as "
           "registered "
           "(its FQDN), or register the SPN on the DC account (setspn -S / samba-tool spn add)";
  }
  if (ContainsAscii(diagnostic, "Ticket expired"))
    return "the Kerberos ticket expired: renew it (kinit, or kinit -k -t <keytab>)";
  if (ContainsAscii(diagnostic, "No Kerberos credentials") ||
      ContainsAscii(diagnostic, "No credentials cache") ||
      ContainsAscii(diagnostic, "credentials cache file") ||
      ContainsAscii(diagnostic, "No credentials were supplied")) {
    return "no Kerberos credentials: give a client keytab, or kinit into the credential cache the agent uses";
  }
  if (ContainsAscii(diagnostic, "Clock skew"))
    return "the clocks of this host and the DC differ by more than 5 minutes: sync time";
  if (ContainsAscii(diagnostic, "Cannot find KDC") || ContainsAscii(diagnostic, "Cannot contact any KDC")) {
    return "no KDC reachable for the realm: check KRB5_CONFIG (realm's kdc = ...) and port 88 to the DC";
  }
  return "check the Kerberos setup: klist (or kinit -k -t <keytab>), KRB5_CONFIG, clock skew, and the DC's "
         "ldap/<host> SPN";
}

// Samba answers a modify of an attribute its schema lacks with noSuchAttribute (16) and this text, where
// AD says undefinedAttributeType (17).
bool IsUnknownAttribute(const Failure& f) {
  return f.code == rc::kUndefinedAttributeType ||
         (f.code == rc::kNoSuchAttribute && ContainsAscii(f.diagnostic, "not found in the schema"));
}

Errc CodeToErrc(Operation op, int code) {
  switch (code) {
    case rc::kInvalidCredentials:
    case rc::kInappropriateAuthentication:
    case rc::kStrongAuthRequired:
    case rc::kConfidentialityRequired:
    case rc::kAuthMethodNotSupported:
    case rc::kAuthUnknown:
      return Errc::kUnauthenticated;
    case rc::kInsufficientAccessRights:
      return Errc::kPermissionDenied;
    case rc::kAttributeOrValueExists:
    case rc::kEntryAlreadyExists:
    case rc::kNoSuchAttribute:
    case rc::kNotAllowedOnNonLeaf:
      return Errc::kConflict;
    case rc::kNoSuchObject:
    case rc::kReferral:
      return Errc::kNotFound;
    case rc::kUndefinedAttributeType:
    case rc::kInappropriateMatching:
    case rc::kConstraintViolation:
    case rc::kInvalidAttributeSyntax:
    case rc::kInvalidDnSyntax:
    case rc::kNamingViolation:
    case rc::kObjectClassViolation:
    case 67:  // notAllowedOnRDN
    case 69:  // objectClassModsProhibited
    case 71:  // affectsMultipleDSAs
    case rc::kSizeLimitExceeded:
    case rc::kUnavailableCriticalExtension:
    case rc::kFilterError:
    case rc::kNotSupported:
      return Errc::kInvalidInput;
    case rc::kUnwillingToPerform:
      return op == Operation::kBind ? Errc::kUnauthenticated : Errc::kInvalidInput;
    case rc::kServerDown:
    case rc::kConnectError:
    case rc::kTimeout:
    case rc::kTimeLimitExceeded:
    case rc::kAdminLimitExceeded:
    case rc::kBusy:
    case rc::kUnavailable:
      return Errc::kUnavailable;
    case rc::kLocalError:
      return op == Operation::kBind ? Errc::kUnauthenticated : Errc::kInternal;
    default:
      return Errc::kInternal;
  }
}

std::string AccessHint(Operation op) {
  switch (op) {
    case Operation::kModify:
      return "grant the bound account Write Property on these attributes for objects in the target OU (dsacl "
             "/ "
             "Delegation of Control), or bind as an account that has it";
    case Operation::kAdd:
      return "grant the bound account Create Child for this object class on the target OU";
    case Operation::kDelete:
      return "grant the bound account Delete (or Delete Child on the parent) in the target OU";
    default:
      return "grant the bound account Read Property / List Contents on the target OU";
  }
}

std::string TransportHint(const Failure& f) {
  if (f.tls) {
    if (!f.tls_reason.empty()) {
      return "trust the CA that issued the DC's certificate (CA file option), and connect by a name that the "
             "certificate lists";
    }
    return "check that the DC is reachable at that host and port, that its certificate was issued by a CA in "
           "the "
           "CA file option and names this host (TLS verification is always on)";
  }
  return "check that the DC is reachable at that host and port (name resolution, firewall) and that it is "
         "running";
}

std::string HintFor(const Failure& f) {
  switch (f.code) {
    case rc::kInvalidCredentials: {
      if (const Meaning* m = FindAdBindData(f.diagnostic)) {
        return fmt::format("{} (AD data {}): {}", m->text, m->data, m->action);
      }
      return "check the bind name and password";
    }
    case rc::kStrongAuthRequired:
    case rc::kConfidentialityRequired:
      return "use ldaps:// or StartTLS, or GSSAPI with sign+seal";
    case rc::kInappropriateAuthentication:
      return "this account cannot bind this way (e.g. an empty password is anonymous); check the bind method";
    case rc::kAuthMethodNotSupported:
    case rc::kAuthUnknown:
      return "the DC does not offer this bind mechanism (see supportedSASLMechanisms in the rootDSE)";
    case rc::kUnwillingToPerform:
      if (ContainsAscii(f.diagnostic, "not allowed if TLS")) {
        return "do not run GSSAPI inside TLS: use ldap:// (port 389) for GSSAPI, which signs and seals "
               "itself";
      }
      return "the DC refuses this request; its text says why";
    case rc::kInsufficientAccessRights:
      return AccessHint(f.op);
    case rc::kNoSuchAttribute:
      if (IsUnknownAttribute(f)) {
        return "the directory schema has no such attribute: check its lDAPDisplayName, or extend the schema "
               "(e.g. "
               "the Exchange attributes)";
      }
      return "the value is not there (the entry changed since it was read): re-read the entry, or use "
             "permissive "
             "modify";
    case rc::kAttributeOrValueExists:
      return "the value is already there, or a single-valued attribute got a second value: re-read the "
             "entry, or "
             "use permissive modify";
    case rc::kEntryAlreadyExists:
      return "an entry with this DN exists already";
    case rc::kNotAllowedOnNonLeaf:
      return "the entry has children: delete them first, or use a tree delete";
    case rc::kNoSuchObject:
      return f.matched_dn.empty() ? "check the DN"
                                  : fmt::format("check the DN; the part that exists is {}", f.matched_dn);
    case rc::kReferral:
      return "the object is in another domain or naming context: connect to a DC of that domain (referrals "
             "are not "
             "followed)";
    case rc::kUndefinedAttributeType:
      return "the directory schema has no such attribute: check its lDAPDisplayName, or extend the schema "
             "(e.g. the "
             "Exchange attributes)";
    case rc::kObjectClassViolation:
      return "the object's classes do not allow this attribute or value (schema mayContain / mustContain)";
    case rc::kInvalidAttributeSyntax:
      return "the value has the wrong syntax or length for this attribute (e.g. a GUID is exactly 16 bytes)";
    case rc::kConstraintViolation:
      return "the value breaks a schema constraint (size, range, single value): check the value";
    case rc::kInvalidDnSyntax:
      return "the DN is malformed: escape DN values (RFC 4514)";
    case rc::kFilterError:
      return "the filter is malformed: escape filter values (RFC 4515)";
    case rc::kSizeLimitExceeded:
      return "the server's size limit was reached: use paged results with a smaller page, or a narrower "
             "filter";
    case rc::kUnavailableCriticalExtension:
      return "the server does not support a control this request marks critical (see supportedControl in the "
             "rootDSE)";
    case rc::kTimeout:
    case rc::kTimeLimitExceeded:
      return "the DC did not answer in time: retry, check its load, or raise the operation timeout";
    case rc::kBusy:
    case rc::kUnavailable:
    case rc::kAdminLimitExceeded:
      return "the DC is busy or unavailable: retry later, or use another DC";
    case rc::kServerDown:
    case rc::kConnectError:
      return TransportHint(f);
    case rc::kLocalError:
      if (f.op == Operation::kBind) return KerberosHint(f.diagnostic);
      return {};
    default:
      return {};
  }
}

}  // namespace

std::string_view OperationName(Operation op) {
  switch (op) {
    case Operation::kConnect:
      return "connect";
    case Operation::kStartTls:
      return "StartTLS";
    case Operation::kBind:
      return "bind";
    case Operation::kWhoAmI:
      return "whoami";
    case Operation::kSearch:
      return "search";
    case Operation::kRead:
      return "read";
    case Operation::kModify:
      return "modify";
    case Operation::kAdd:
      return "add";
    case Operation::kDelete:
      return "delete";
  }
  return "operation";
}

std::string_view ResultCodeName(int code) {
  switch (code) {
    case rc::kSuccess:
      return "Success";
    case rc::kOperationsError:
      return "Operations error";
    case rc::kProtocolError:
      return "Protocol error";
    case rc::kTimeLimitExceeded:
      return "Time limit exceeded";
    case rc::kSizeLimitExceeded:
      return "Size limit exceeded";
    case rc::kAuthMethodNotSupported:
      return "Authentication method not supported";
    case rc::kStrongAuthRequired:
      return "Strong(er) authentication required";
    case rc::kReferral:
      return "Referral";
    case rc::kAdminLimitExceeded:
      return "Administrative limit exceeded";
    case rc::kUnavailableCriticalExtension:
      return "Critical extension is unavailable";
    case rc::kConfidentialityRequired:
      return "Confidentiality required";
    case 14:
      return "SASL bind in progress";
    case rc::kNoSuchAttribute:
      return "No such attribute";
    case rc::kUndefinedAttributeType:
      return "Undefined attribute type";
    case rc::kInappropriateMatching:
      return "Inappropriate matching";
    case rc::kConstraintViolation:
      return "Constraint violation";
    case rc::kAttributeOrValueExists:
      return "Type or value exists";
    case rc::kInvalidAttributeSyntax:
      return "Invalid syntax";
    case rc::kNoSuchObject:
      return "No such object";
    case 33:
      return "Alias problem";
    case rc::kInvalidDnSyntax:
      return "Invalid DN syntax";
    case rc::kInappropriateAuthentication:
      return "Inappropriate authentication";
    case rc::kInvalidCredentials:
      return "Invalid credentials";
    case rc::kInsufficientAccessRights:
      return "Insufficient access";
    case rc::kBusy:
      return "Server is busy";
    case rc::kUnavailable:
      return "Server is unavailable";
    case rc::kUnwillingToPerform:
      return "Server is unwilling to perform";
    case 54:
      return "Loop detected";
    case rc::kNamingViolation:
      return "Naming violation";
    case rc::kObjectClassViolation:
      return "Object class violation";
    case rc::kNotAllowedOnNonLeaf:
      return "Operation not allowed on non-leaf";
    case 67:
      return "Operation not allowed on RDN";
    case rc::kEntryAlreadyExists:
      return "Already exists";
    case 69:
      return "Cannot modify object class";
    case 71:
      return "Operation affects multiple DSAs";
    case rc::kOther:
      return "Other (e.g., implementation specific) error";
    case rc::kServerDown:
      return "Can't contact LDAP server";
    case rc::kLocalError:
      return "Local error";
    case rc::kEncodingError:
      return "Encoding error";
    case rc::kDecodingError:
      return "Decoding error";
    case rc::kTimeout:
      return "Timed out";
    case rc::kAuthUnknown:
      return "Unknown authentication method";
    case rc::kFilterError:
      return "Bad search filter";
    case rc::kParamError:
      return "Bad parameter to an ldap routine";
    case rc::kNoMemory:
      return "Out of memory";
    case rc::kConnectError:
      return "Connect error";
    case rc::kNotSupported:
      return "Not Supported";
    default:
      return "Unknown result code";
  }
}

std::string_view AdBindDataMeaning(std::string_view diagnostic) {
  const Meaning* m = FindAdBindData(diagnostic);
  return m == nullptr ? std::string_view() : m->text;
}

Error MapFailure(const Failure& f) {
  std::string message =
      fmt::format("ldap {} {}: {} ({})", OperationName(f.op), f.target, ResultCodeName(f.code), f.code);
  if (!f.tls_reason.empty()) {
    message += ": " + f.tls_reason;
  } else if (!f.diagnostic.empty()) {
    message += ": " + f.diagnostic;
  }
  if (!f.matched_dn.empty() && f.code == rc::kNoSuchObject)
    message += fmt::format(" (matched {})", f.matched_dn);
  const Errc code = IsUnknownAttribute(f) ? Errc::kInvalidInput : CodeToErrc(f.op, f.code);
  return Error{code, std::move(message), HintFor(f)};
}

}  // namespace ctim::ldap
