// Connection::Impl for the OpenLDAP implementation, and helpers shared by its .cpp files.
// Private to ldap/openldap.
#pragma once

#include <spdlog/spdlog.h>

#include <chrono>
#include <string>
#include <vector>

#include "ldap/connection.h"
#include "ldap/ldap_error.h"
#include "ldap/openldap/handles.h"

namespace ctim::ldap {

struct Connection::Impl {
  LdapUrl url;
  ConnectOptions options;  // the password is cleared once bound
  SessionInfo info;
  openldap::LdapSession ld;

  [[nodiscard]] LDAP* get() const { return ld.get(); }
  [[nodiscard]] timeval OperationTimeout() const;
  [[nodiscard]] bool UsesTls() const { return url.ldaps || options.start_tls; }

  // An error from a libldap call's return code, with the session's diagnostic text.
  [[nodiscard]] Error CallError(Operation op, std::string target, int code) const;
  // An error from a result message's code, matched DN and text.
  [[nodiscard]] Error ResultError(Operation op, std::string target, int code, std::string diagnostic,
                                  std::string matched_dn) const;
};

namespace openldap {

// The "ldap" logger (debug only), or the default logger when none is registered.
spdlog::logger& Log();

// The parsed LDAPResult of a response message.
struct ParsedResult {
  int code = LDAP_OTHER;
  std::string matched_dn;
  std::string diagnostic;
  LdapControls controls;  // server response controls, may be null
};

// ldap_parse_result without freeing the message.
int ParseResult(LDAP* ld, LDAPMessage* msg, ParsedResult& out);

// Waits (bounded by the operation timeout) for the result of msgid, abandoning it on timeout.
Result<ParsedResult> AwaitResult(const Connection::Impl& s, int msgid, Operation op,
                                 const std::string& target);

// The session's LDAP_OPT_DIAGNOSTIC_MESSAGE ("" if none).
std::string DiagnosticMessage(LDAP* ld);

// Converts one LDAP_RES_SEARCH_ENTRY message into a plain Entry (binary-safe values).
Entry ToEntry(LDAP* ld, LDAPMessage* entry);

// LDAPMod** for a list of Mod / an Attributes map, pointing into the caller's strings (no copies).
// REQUIRES: the source outlives the ModArray; libldap encodes the request before the call returns.
class ModArray {
 public:
  explicit ModArray(const std::vector<Mod>& mods);
  explicit ModArray(const Attributes& attributes);  // an add: every attribute as LDAP_MOD_ADD
  ModArray(const ModArray&) = delete;
  ModArray& operator=(const ModArray&) = delete;
  LDAPMod** get() { return pointers_.data(); }

 private:
  void AddOne(int op, const std::string& attr, const Values& values);
  std::vector<LDAPMod> mods_;
  std::vector<std::vector<berval>> values_;
  std::vector<std::vector<berval*>> value_pointers_;
  std::vector<LDAPMod*> pointers_;
};

// Server controls for a write: the permissive-modify control when asked (null-terminated array).
class WriteControls {
 public:
  explicit WriteControls(const WriteOptions& options);
  WriteControls(const WriteControls&) = delete;
  WriteControls& operator=(const WriteControls&) = delete;
  LDAPControl** get() { return list_.size() > 1 ? list_.data() : nullptr; }

 private:
  LDAPControl permissive_{};
  std::vector<LDAPControl*> list_;
};

inline constexpr char kPermissiveModifyOid[] = "1.2.840.113556.1.4.1413";
inline constexpr char kTreeDeleteOid[] = "1.2.840.113556.1.4.805";

// Why TLS failed, found by a second handshake without verification (nothing but the handshake is sent;
// no bind) whose peer certificate is then checked against the CA file and host with OpenSSL.
struct TlsDiagnosis {
  bool handshake = false;  // a TLS handshake is possible at all (so TCP works)
  std::string reason;      // "" when no better reason can be given
};
TlsDiagnosis DiagnoseTlsFailure(const LdapUrl& url, const ConnectOptions& options);

timeval ToTimeval(std::chrono::milliseconds ms);

}  // namespace openldap
}  // namespace ctim::ldap
