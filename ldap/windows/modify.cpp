// Single writes: modify (per-value add/delete/replace, binary values, permissive modify), add, delete
// (optionally a tree delete) over Wldap32. Each waits for its result, bounded by the operation timeout.
#include <fmt/format.h>

#include <chrono>

#include "ldap/windows/session.h"

namespace ctim::ldap {
namespace {

Status Finish(const Connection::Impl& s, ULONG msgid, Operation op, const std::string& target) {
  auto result = windows::AwaitResult(s, msgid, op, target);
  if (!result) return std::unexpected(std::move(result.error()));
  if (result->code != LDAP_SUCCESS) {
    return std::unexpected(s.ResultError(op, target, result->code, std::move(result->diagnostic),
                                         std::move(result->matched_dn)));
  }
  return {};
}

}  // namespace

Status Connection::Modify(std::string_view dn, const std::vector<Mod>& mods, const WriteOptions& options) {
  const Impl& s = *impl_;
  const std::string target(dn);
  if (mods.empty()) return {};
  windows::ModArray array(mods);
  windows::WriteControls controls(options);
  std::wstring wide_dn = windows::Wide(target);
  ULONG msgid = 0;
  const ULONG rc = ldap_modify_extW(s.get(), wide_dn.data(), array.get(), controls.get(), nullptr, &msgid);
  if (rc != LDAP_SUCCESS) return std::unexpected(s.CallError(Operation::kModify, target, rc));
  return Finish(s, msgid, Operation::kModify, target);
}

Status Connection::Add(std::string_view dn, const Attributes& attributes) {
  const Impl& s = *impl_;
  const std::string target(dn);
  windows::ModArray array(attributes);
  std::wstring wide_dn = windows::Wide(target);
  ULONG msgid = 0;
  const ULONG rc = ldap_add_extW(s.get(), wide_dn.data(), array.get(), nullptr, nullptr, &msgid);
  if (rc != LDAP_SUCCESS) return std::unexpected(s.CallError(Operation::kAdd, target, rc));
  return Finish(s, msgid, Operation::kAdd, target);
}

Status Connection::Delete(std::string_view dn, const DeleteOptions& options) {
  const Impl& s = *impl_;
  const std::string target(dn);
  std::wstring oid = windows::kTreeDeleteOid;
  LDAPControlW tree{};
  tree.ldctl_oid = oid.data();
  tree.ldctl_value = berval{0, nullptr};
  tree.ldctl_iscritical = TRUE;
  LDAPControlW* controls[2] = {options.tree ? &tree : nullptr, nullptr};
  std::wstring wide_dn = windows::Wide(target);
  ULONG msgid = 0;
  const ULONG rc =
      ldap_delete_extW(s.get(), wide_dn.data(), options.tree ? controls : nullptr, nullptr, &msgid);
  if (rc != LDAP_SUCCESS) return std::unexpected(s.CallError(Operation::kDelete, target, rc));
  return Finish(s, msgid, Operation::kDelete, target);
}

}  // namespace ctim::ldap
