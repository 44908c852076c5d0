#include "agent/adapters/ad_entry.h"

#include <algorithm>
#include <cctype>

#include "agent/model/attributes.h"
#include "agent/model/text_fold.h"
#include "ldap/ldap_error.h"
#include "ldap/sid.h"

namespace ctim::agent::adapters {
namespace {

// AD prefixes most diagnostics with the Win32 error as 8 hex digits: "00002081: AtrErr: DSID-...".
bool HasWin32Prefix(std::string_view diagnostic) {
  if (diagnostic.size() < 9 || diagnostic[8] != ':') return false;
  return std::all_of(diagnostic.begin(), diagnostic.begin() + 8,
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
}

// ERROR_DS_SINGLE_VALUE_CONSTRAINT (0x2081): "a single-valued attribute was given a second value".
constexpr std::string_view kSingleValueConstraint = "00002081";

bool AddsToSingleValued(const ModifyRequest& request) {
  return std::any_of(request.mods.begin(), request.mods.end(), [](const Modification& m) {
    return m.op == ModOp::kAdd && IsSingleValued(m.attribute);
  });
}

bool IsSecondValueOnSingleValued(const ModifyRequest& request, std::string_view diagnostic) {
  if (HasWin32Prefix(diagnostic)) return diagnostic.starts_with(kSingleValueConstraint);
  return AddsToSingleValued(request);
}

}  // namespace

bool IsSingleValued(std::string_view attribute) {
  return !EqualsAscii(attribute, attr::kProxyAddresses) && !EqualsAscii(attribute, attr::kObjectClass);
}

Result<DirectoryObject> ToDirectoryObject(ldap::Entry&& entry) {
  DirectoryObject object;
  object.dn = std::move(entry.dn);
  const ldap::Values* guid_values = entry.Find(attr::kObjectGuid);
  std::optional<Guid> guid;
  if (guid_values != nullptr && guid_values->size() == 1) guid = Guid::FromAdBytes(guid_values->front());
  if (!guid) {
    return Fail(Errc::kInternal, "ldap entry " + object.dn + " has no readable 16-byte objectGUID",
                "check that the bound account may read objectGUID (it is readable by Authenticated Users)");
  }
  object.object_guid = *guid;
  if (const ldap::Values* sid = entry.Find(attr::kObjectSid); sid != nullptr && !sid->empty()) {
    object.object_sid = ldap::SidToString(sid->front()).value_or("");
  }
  object.attributes.reserve(entry.attrs.size());
  for (auto& [name, values] : entry.attrs) {
    if (EqualsAscii(name, attr::kObjectGuid) || EqualsAscii(name, attr::kObjectSid)) continue;
    object.attributes.emplace(name, std::move(values));
  }
  return object;
}

std::string GuidDn(const Guid& guid) { return "<GUID=" + guid.ToString() + ">"; }

ldap::ModifyRequest ToLdapModify(const ModifyRequest& request) {
  ldap::ModifyRequest out;
  out.dn = GuidDn(request.object_guid);
  out.mods.reserve(request.mods.size());
  for (const Modification& m : request.mods) {
    out.mods.push_back(
        ldap::Mod{m.op == ModOp::kAdd ? ldap::Mod::kAdd : ldap::Mod::kDelete, m.attribute, m.values});
  }
  return out;
}

Status ModifyStatus(const ModifyRequest& request, const ldap::ModifyOutcome& outcome) {
  if (outcome.status) return {};
  Error error = outcome.status.error();
  const int code = outcome.result_code;
  if (code < 0) {
    error.code = Errc::kUnavailable;  // no reply: the server may or may not have applied it
    return std::unexpected(std::move(error));
  }
  switch (code) {
    case ldap::rc::kNoSuchAttribute:
    case ldap::rc::kAttributeOrValueExists:
      error.code = Errc::kConflict;
      break;
    case ldap::rc::kConstraintViolation:
      if (IsSecondValueOnSingleValued(request, outcome.diagnostic)) error.code = Errc::kConflict;
      break;
    case ldap::rc::kNoSuchObject:
      error.code = Errc::kNotFound;
      break;
    default:
      break;
  }
  return std::unexpected(std::move(error));
}

}  // namespace ctim::agent::adapters
