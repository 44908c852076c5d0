// Connection::Impl for the Wldap32 implementation, and helpers shared by its .cpp files.
// Private to ldap/windows. Strings are UTF-8 everywhere else; they become UTF-16 only here, at the edge of
// the W functions of Wldap32.
#pragma once

#include <spdlog/spdlog.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "ldap/connection.h"
#include "ldap/ldap_error.h"
#include "ldap/windows/handles.h"
#include "ldap/windows/server_certificate.h"

namespace ctim::ldap {

struct Connection::Impl {
  LdapUrl url;
  ConnectOptions options;  // the password is cleared once bound
  SessionInfo info;
  // Declared before ld, so destroyed after the session that may call it.
  std::unique_ptr<windows::ServerCertificateCheck> certificate_check;
  windows::LdapSession ld;

  [[nodiscard]] LDAP* get() const { return ld.get(); }
  [[nodiscard]] l_timeval OperationTimeout() const;
  [[nodiscard]] bool UsesTls() const { return url.ldaps || options.start_tls; }

  // An error from a Wldap32 return code (Wldap32 numbering), with the session's diagnostic text.
  [[nodiscard]] Error CallError(Operation op, std::string target, ULONG code) const;
  // An error from a result message's code, matched DN and text.
  [[nodiscard]] Error ResultError(Operation op, std::string target, ULONG code, std::string diagnostic,
                                  std::string matched_dn) const;
};

namespace windows {

// The "ldap" logger (debug only), or the default logger when none is registered.
spdlog::logger& Log();

// UTF-8 <-> UTF-16 at the API edge. Invalid UTF-8 becomes U+FFFD (MultiByteToWideChar's rule).
std::wstring Wide(std::string_view utf8);
std::string Utf8(const wchar_t* utf16);  // "" for nullptr

// Wldap32's client-side codes (0x51 LDAP_SERVER_DOWN ...) in ldap/ldap_error.h's numbering (rc::).
int ToRc(ULONG code);

l_timeval ToTimeval(std::chrono::milliseconds ms);

// The parsed LDAPResult of a response message.
struct ParsedResult {
  ULONG code = LDAP_OTHER;
  std::string matched_dn;
  std::string diagnostic;
  LdapControls controls;  // server response controls, may be null
};

// ldap_parse_resultW without freeing the message.
ULONG ParseResult(LDAP* ld, LDAPMessage* msg, ParsedResult& out);

// ldap_result's "failed" answer, (ULONG)-1.
inline constexpr ULONG kResultError = static_cast<ULONG>(-1);

// The session's last error: LDAP_OPT_ERROR_NUMBER, or LDAP_SERVER_DOWN when it has none.
ULONG LastError(LDAP* ld);

// Waits (bounded by the operation timeout) for the result of msgid, abandoning it on timeout.
Result<ParsedResult> AwaitResult(const Connection::Impl& s, ULONG msgid, Operation op,
                                 const std::string& target);

// The session's server error text (LDAP_OPT_SERVER_ERROR), "" if none or unsupported (Wine).
std::string DiagnosticMessage(LDAP* ld);

// Converts one search-entry message into a plain Entry (binary-safe values).
Entry ToEntry(LDAP* ld, LDAPMessage* entry);

// LDAPModW** for a list of Mod / an Attributes map. Names are converted to UTF-16 and kept here; values
// point into the caller's strings. REQUIRES: the source outlives the ModArray; Wldap32 encodes the request
// before the call returns.
class ModArray {
 public:
  explicit ModArray(const std::vector<Mod>& mods);
  explicit ModArray(const Attributes& attributes);  // an add: every attribute as LDAP_MOD_ADD
  ModArray(const ModArray&) = delete;
  ModArray& operator=(const ModArray&) = delete;
  LDAPModW** get() { return pointers_.data(); }

 private:
  void Reserve(std::size_t n);
  void AddOne(ULONG op, const std::string& attr, const Values& values);
  void Finish();
  std::vector<std::wstring> names_;
  std::vector<LDAPModW> mods_;
  std::vector<std::vector<berval>> values_;
  std::vector<std::vector<berval*>> value_pointers_;
  std::vector<LDAPModW*> pointers_;
};

// Server controls for a write: the permissive-modify control when asked (null-terminated array).
class WriteControls {
 public:
  explicit WriteControls(const WriteOptions& options);
  WriteControls(const WriteControls&) = delete;
  WriteControls& operator=(const WriteControls&) = delete;
  LDAPControlW** get() { return list_.size() > 1 ? list_.data() : nullptr; }

 private:
  std::wstring oid_;
  LDAPControlW permissive_{};
  std::vector<LDAPControlW*> list_;
};

inline constexpr wchar_t kPermissiveModifyOid[] = L"1.2.840.113556.1.4.1413";
inline constexpr wchar_t kTreeDeleteOid[] = L"1.2.840.113556.1.4.805";

}  // namespace windows
}  // namespace ctim::ldap
