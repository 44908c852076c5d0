// Connection::Impl helpers shared by the OpenLDAP implementation: errors, results, timeouts, entries.
#include "ldap/openldap/session.h"

#include <fmt/format.h>

namespace ctim::ldap {

timeval Connection::Impl::OperationTimeout() const { return openldap::ToTimeval(options.operation_timeout); }

Error Connection::Impl::CallError(Operation op, std::string target, int code) const {
  Failure f;
  f.op = op;
  f.target = std::move(target);
  f.code = code;
  f.diagnostic = openldap::DiagnosticMessage(get());
  if (code == LDAP_TIMEOUT && f.diagnostic.empty()) {
    f.diagnostic = fmt::format("no answer within {} ms", options.operation_timeout.count());
  }
  f.tls = UsesTls();
  return MapFailure(f);
}

Error Connection::Impl::ResultError(Operation op, std::string target, int code, std::string diagnostic,
                                    std::string matched_dn) const {
  Failure f;
  f.op = op;
  f.target = std::move(target);
  f.code = code;
  f.diagnostic = std::move(diagnostic);
  f.matched_dn = std::move(matched_dn);
  f.tls = UsesTls();
  return MapFailure(f);
}

namespace openldap {

spdlog::logger& Log() {
  // Looked up each time: the service may register "ldap" after the first connection.
  const std::shared_ptr<spdlog::logger> registered = spdlog::get("ldap");
  return registered ? *registered : *spdlog::default_logger_raw();
}

timeval ToTimeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<decltype(tv.tv_sec)>(ms.count() / 1000);
  tv.tv_usec = static_cast<decltype(tv.tv_usec)>((ms.count() % 1000) * 1000);
  return tv;
}

std::string DiagnosticMessage(LDAP* ld) {
  char* raw = nullptr;
  if (ld == nullptr || ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &raw) != LDAP_OPT_SUCCESS) return {};
  return TakeString(raw);
}

int ParseResult(LDAP* ld, LDAPMessage* msg, ParsedResult& out) {
  int code = LDAP_OTHER;
  char* matched = nullptr;
  char* diagnostic = nullptr;
  char** referrals = nullptr;
  LDAPControl** controls = nullptr;
  const int rc = ldap_parse_result(ld, msg, &code, &matched, &diagnostic, &referrals, &controls, 0);
  out.matched_dn = TakeString(matched);
  out.diagnostic = TakeString(diagnostic);
  out.controls.reset(controls);
  const LdapStringArray unused_referrals(referrals);  // referrals are not followed
  out.code = (rc == LDAP_SUCCESS) ? code : rc;
  return rc;
}

Result<ParsedResult> AwaitResult(const Connection::Impl& s, int msgid, Operation op,
                                 const std::string& target) {
  timeval timeout = s.OperationTimeout();
  LDAPMessage* raw = nullptr;
  const int type = ldap_result(s.get(), msgid, LDAP_MSG_ALL, &timeout, &raw);
  LdapMessage msg(raw);
  if (type == 0) {
    ldap_abandon_ext(s.get(), msgid, nullptr, nullptr);
    return std::unexpected(s.CallError(op, target, LDAP_TIMEOUT));
  }
  if (type < 0) {
    int code = LDAP_SERVER_DOWN;
    ldap_get_option(s.get(), LDAP_OPT_RESULT_CODE, &code);
    return std::unexpected(s.CallError(op, target, code));
  }
  ParsedResult parsed;
  if (const int rc = ParseResult(s.get(), msg.get(), parsed); rc != LDAP_SUCCESS) {
    return std::unexpected(s.CallError(op, target, rc));
  }
  return parsed;
}

Entry ToEntry(LDAP* ld, LDAPMessage* entry) {
  Entry out;
  out.dn = TakeString(ldap_get_dn(ld, entry));
  BerElement* raw_ber = nullptr;
  LdapString attr(ldap_first_attribute(ld, entry, &raw_ber));
  const LdapBerElement ber(raw_ber);
  for (; attr; attr.reset(ldap_next_attribute(ld, entry, ber.get()))) {
    Values& values = out.attrs[attr.get()];
    const LdapValues bvals(ldap_get_values_len(ld, entry, attr.get()));
    if (!bvals) continue;
    for (berval** v = bvals.get(); *v != nullptr; ++v) values.emplace_back((*v)->bv_val, (*v)->bv_len);
  }
  return out;
}

ModArray::ModArray(const std::vector<Mod>& mods) {
  mods_.reserve(mods.size());
  values_.reserve(mods.size());
  value_pointers_.reserve(mods.size());
  for (const Mod& m : mods) {
    const int op = m.op == Mod::kAdd      ? LDAP_MOD_ADD
                   : m.op == Mod::kDelete ? LDAP_MOD_DELETE
                                          : LDAP_MOD_REPLACE;
    AddOne(op, m.attr, m.values);
  }
  for (LDAPMod& m : mods_) pointers_.push_back(&m);
  pointers_.push_back(nullptr);
}

ModArray::ModArray(const Attributes& attributes) {
  mods_.reserve(attributes.size());
  values_.reserve(attributes.size());
  value_pointers_.reserve(attributes.size());
  for (const auto& [attr, values] : attributes) AddOne(LDAP_MOD_ADD, attr, values);
  for (LDAPMod& m : mods_) pointers_.push_back(&m);
  pointers_.push_back(nullptr);
}

void ModArray::AddOne(int op, const std::string& attr, const Values& values) {
  std::vector<berval>& bvs = values_.emplace_back();
  bvs.reserve(values.size());
  // libldap takes char* but only reads: the request is BER-encoded before ldap_*_ext returns.
  for (const std::string& v : values) bvs.push_back(berval{v.size(), const_cast<char*>(v.data())});
  std::vector<berval*>& ptrs = value_pointers_.emplace_back();
  for (berval& bv : bvs) ptrs.push_back(&bv);
  ptrs.push_back(nullptr);
  LDAPMod mod{};
  mod.mod_op = op | LDAP_MOD_BVALUES;
  mod.mod_type = const_cast<char*>(attr.c_str());
  mod.mod_bvalues = values.empty() ? nullptr : ptrs.data();
  mods_.push_back(mod);
}

WriteControls::WriteControls(const WriteOptions& options) {
  if (options.permissive_modify) {
    permissive_.ldctl_oid = const_cast<char*>(kPermissiveModifyOid);
    permissive_.ldctl_value = berval{0, nullptr};
    permissive_.ldctl_iscritical = 1;  // better an error than a silent change of semantics
    list_.push_back(&permissive_);
  }
  list_.push_back(nullptr);
}

}  // namespace openldap
}  // namespace ctim::ldap
