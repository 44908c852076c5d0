// Connection::Impl helpers shared by the Wldap32 implementation: text conversion, errors, results,
// timeouts, entries, modification lists.
#include "ldap/windows/session.h"

#include <fmt/format.h>

namespace ctim::ldap {

l_timeval Connection::Impl::OperationTimeout() const { return windows::ToTimeval(options.operation_timeout); }

Error Connection::Impl::CallError(Operation op, std::string target, ULONG code) const {
  Failure f;
  f.op = op;
  f.target = std::move(target);
  f.code = windows::ToRc(code);
  f.diagnostic = windows::DiagnosticMessage(get());
  if (code == LDAP_TIMEOUT && f.diagnostic.empty()) {
    f.diagnostic = fmt::format("no answer within {} ms", options.operation_timeout.count());
  }
  f.tls = UsesTls();
  return MapFailure(f);
}

Error Connection::Impl::ResultError(Operation op, std::string target, ULONG code, std::string diagnostic,
                                    std::string matched_dn) const {
  Failure f;
  f.op = op;
  f.target = std::move(target);
  f.code = windows::ToRc(code);
  f.diagnostic = std::move(diagnostic);
  f.matched_dn = std::move(matched_dn);
  f.tls = UsesTls();
  return MapFailure(f);
}

namespace windows {

spdlog::logger& Log() {
  const std::shared_ptr<spdlog::logger> registered = spdlog::get("ldap");
  return registered ? *registered : *spdlog::default_logger_raw();
}

std::wstring Wide(std::string_view utf8) {
  if (utf8.empty()) return {};
  const int n = MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), nullptr, 0);
  std::wstring out(static_cast<std::size_t>(n), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), out.data(), n);
  return out;
}

std::string Utf8(const wchar_t* utf16) {
  if (utf16 == nullptr || *utf16 == L'\0') return {};
  const int n = WideCharToMultiByte(CP_UTF8, 0, utf16, -1, nullptr, 0, nullptr, nullptr);
  if (n <= 1) return {};
  std::string out(static_cast<std::size_t>(n), '\0');
  WideCharToMultiByte(CP_UTF8, 0, utf16, -1, out.data(), n, nullptr, nullptr);
  out.resize(static_cast<std::size_t>(n - 1));  // without the terminating NUL
  return out;
}

int ToRc(ULONG code) {
  // Server result codes (RFC 4511, 0..0x50) are the same in both; the client-side ones differ.
  switch (code) {
    case LDAP_SERVER_DOWN:
      return rc::kServerDown;
    case LDAP_LOCAL_ERROR:
      return rc::kLocalError;
    case LDAP_ENCODING_ERROR:
      return rc::kEncodingError;
    case LDAP_DECODING_ERROR:
      return rc::kDecodingError;
    case LDAP_TIMEOUT:
      return rc::kTimeout;
    case LDAP_AUTH_UNKNOWN:
      return rc::kAuthUnknown;
    case LDAP_FILTER_ERROR:
      return rc::kFilterError;
    case LDAP_PARAM_ERROR:
      return rc::kParamError;
    case LDAP_NO_MEMORY:
      return rc::kNoMemory;
    case LDAP_CONNECT_ERROR:
      return rc::kConnectError;
    case LDAP_NOT_SUPPORTED:
      return rc::kNotSupported;
    default:
      return code <= static_cast<ULONG>(rc::kOther) ? static_cast<int>(code) : rc::kOther;
  }
}

l_timeval ToTimeval(std::chrono::milliseconds ms) {
  l_timeval tv{};
  tv.tv_sec = static_cast<LONG>(ms.count() / 1000);
  tv.tv_usec = static_cast<LONG>((ms.count() % 1000) * 1000);
  return tv;
}

std::string DiagnosticMessage(LDAP* ld) {
  wchar_t* raw = nullptr;
  if (ld == nullptr || ldap_get_optionW(ld, LDAP_OPT_SERVER_ERROR, &raw) != LDAP_SUCCESS) return {};
  const LdapString owned(raw);
  return Utf8(owned.get());
}

ULONG ParseResult(LDAP* ld, LDAPMessage* msg, ParsedResult& out) {
  ULONG code = LDAP_OTHER;
  wchar_t* matched = nullptr;
  wchar_t* diagnostic = nullptr;
  wchar_t** referrals = nullptr;
  LDAPControlW** controls = nullptr;
  const ULONG rc = ldap_parse_resultW(ld, msg, &code, &matched, &diagnostic, &referrals, &controls, FALSE);
  const LdapString owned_matched(matched);
  const LdapString owned_diagnostic(diagnostic);
  const LdapStringArray unused_referrals(referrals);  // referrals are not followed
  out.controls.reset(controls);
  out.matched_dn = Utf8(owned_matched.get());
  out.diagnostic = Utf8(owned_diagnostic.get());
  out.code = (rc == LDAP_SUCCESS) ? code : rc;
  return rc;
}

ULONG LastError(LDAP* ld) {
  ULONG code = LDAP_SERVER_DOWN;
  if (ld == nullptr || ldap_get_optionW(ld, LDAP_OPT_ERROR_NUMBER, &code) != LDAP_SUCCESS || code == 0) {
    return LDAP_SERVER_DOWN;
  }
  return code;
}

Result<ParsedResult> AwaitResult(const Connection::Impl& s, ULONG msgid, Operation op,
                                 const std::string& target) {
  l_timeval timeout = s.OperationTimeout();
  LDAPMessage* raw = nullptr;
  const ULONG type = ldap_result(s.get(), msgid, LDAP_MSG_ALL, &timeout, &raw);
  const LdapMessage msg(raw);
  if (type == 0) {
    ldap_abandon(s.get(), msgid);
    return std::unexpected(s.CallError(op, target, LDAP_TIMEOUT));
  }
  if (type == kResultError || !msg) return std::unexpected(s.CallError(op, target, LastError(s.get())));
  ParsedResult parsed;
  if (const ULONG rc = ParseResult(s.get(), msg.get(), parsed); rc != LDAP_SUCCESS) {
    return std::unexpected(s.CallError(op, target, rc));
  }
  return parsed;
}

Entry ToEntry(LDAP* ld, LDAPMessage* entry) {
  Entry out;
  {
    const LdapString dn(ldap_get_dnW(ld, entry));
    out.dn = Utf8(dn.get());
  }
  BerElement* raw_ber = nullptr;
  LdapString attr(ldap_first_attributeW(ld, entry, &raw_ber));
  const LdapBerElement ber(raw_ber);
  for (; attr; attr.reset(ldap_next_attributeW(ld, entry, ber.get()))) {
    Values& values = out.attrs[Utf8(attr.get())];
    const LdapValues bvals(ldap_get_values_lenW(ld, entry, attr.get()));
    if (!bvals) continue;
    for (berval** v = bvals.get(); *v != nullptr; ++v) values.emplace_back((*v)->bv_val, (*v)->bv_len);
  }
  return out;
}

void ModArray::Reserve(std::size_t n) {
  names_.reserve(n);
  mods_.reserve(n);
  values_.reserve(n);
  value_pointers_.reserve(n);
}

ModArray::ModArray(const std::vector<Mod>& mods) {
  Reserve(mods.size());
  for (const Mod& m : mods) {
    const ULONG op = m.op == Mod::kAdd      ? LDAP_MOD_ADD
                     : m.op == Mod::kDelete ? LDAP_MOD_DELETE
                                            : LDAP_MOD_REPLACE;
    AddOne(op, m.attr, m.values);
  }
  Finish();
}

ModArray::ModArray(const Attributes& attributes) {
  Reserve(attributes.size());
  for (const auto& [attr, values] : attributes) AddOne(LDAP_MOD_ADD, attr, values);
  Finish();
}

void ModArray::AddOne(ULONG op, const std::string& attr, const Values& values) {
  std::vector<berval>& bvs = values_.emplace_back();
  bvs.reserve(values.size());
  // Wldap32 takes PCHAR but only reads: the request is BER-encoded before ldap_*_extW returns.
  for (const std::string& v : values) {
    bvs.push_back(berval{static_cast<ULONG>(v.size()), const_cast<char*>(v.data())});
  }
  std::vector<berval*>& ptrs = value_pointers_.emplace_back();
  for (berval& bv : bvs) ptrs.push_back(&bv);
  ptrs.push_back(nullptr);
  std::wstring& name = names_.emplace_back(Wide(attr));
  LDAPModW mod{};
  mod.mod_op = op | LDAP_MOD_BVALUES;
  mod.mod_type = name.data();
  mod.mod_vals.modv_bvals = values.empty() ? nullptr : ptrs.data();
  mods_.push_back(mod);
}

void ModArray::Finish() {
  for (LDAPModW& m : mods_) pointers_.push_back(&m);
  pointers_.push_back(nullptr);
}

WriteControls::WriteControls(const WriteOptions& options) {
  if (options.permissive_modify) {
    oid_ = kPermissiveModifyOid;
    permissive_.ldctl_oid = oid_.data();
    permissive_.ldctl_value = berval{0, nullptr};
    permissive_.ldctl_iscritical = TRUE;  // better an error than a silent change of semantics
    list_.push_back(&permissive_);
  }
  list_.push_back(nullptr);
}

}  // namespace windows
}  // namespace ctim::ldap
