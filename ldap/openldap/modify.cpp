// Single writes: modify (per-value add/delete/replace, binary values, permissive modify), add, delete
// (optionally a tree delete). Each waits for its result, bounded by the operation timeout.
#include <fmt/format.h>

#include <chrono>

#include "ldap/openldap/session.h"

namespace ctim::ldap {
namespace {

Status Finish(const Connection::Impl& s, int msgid, Operation op, const std::string& target) {
  auto result = openldap::AwaitResult(s, msgid, op, target);
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
  openldap::ModArray array(mods);
  openldap::WriteControls controls(options);
  int msgid = 0;
  const int rc = ldap_modify_ext(s.get(), target.c_str(), array.get(), controls.get(), nullptr, &msgid);
  if (rc != LDAP_SUCCESS) return std::unexpected(s.CallError(Operation::kModify, target, rc));
  return Finish(s, msgid, Operation::kModify, target);
}

Status Connection::Add(std::string_view dn, const Attributes& attributes) {
  const Impl& s = *impl_;
  const std::string target(dn);
  openldap::ModArray array(attributes);
  int msgid = 0;
  const int rc = ldap_add_ext(s.get(), target.c_str(), array.get(), nullptr, nullptr, &msgid);
  if (rc != LDAP_SUCCESS) return std::unexpected(s.CallError(Operation::kAdd, target, rc));
  return Finish(s, msgid, Operation::kAdd, target);
}

Status Connection::Delete(std::string_view dn, const DeleteOptions& options) {
  const Impl& s = *impl_;
  const std::string target(dn);
  LDAPControl tree{};
  tree.ldctl_oid = const_cast<char*>(openldap::kTreeDeleteOid);
  tree.ldctl_value = berval{0, nullptr};
  tree.ldctl_iscritical = 1;
  LDAPControl* controls[2] = {options.tree ? &tree : nullptr, nullptr};
  int msgid = 0;
  const int rc = ldap_delete_ext(s.get(), target.c_str(), options.tree ? controls : nullptr, nullptr, &msgid);
  if (rc != LDAP_SUCCESS) return std::unexpected(s.CallError(Operation::kDelete, target, rc));
  return Finish(s, msgid, Operation::kDelete, target);
}

}  // namespace ctim::ldap
