// The pure conversions between ldap/ values and the agent's Directory values, and the mapping of LDAP
// modify results onto the error-code contract of agent/model/directory.h. No I/O: unit-tested without a DC.
#pragma once

#include <string>
#include <string_view>

#include "agent/model/directory.h"
#include "common/result.h"
#include "ldap/connection.h"
#include "ldap/entry.h"

namespace ctim::agent::adapters {

// An entry as the agent sees it: objectGUID and objectSid move into DirectoryObject's own fields (the
// SID as "S-1-5-..."), every other attribute stays as read. Fails (kInternal) when the entry has no
// 16-byte objectGUID: every AD object has one, so the read did not ask for it or could not see it.
[[nodiscard]] Result<DirectoryObject> ToDirectoryObject(ldap::Entry&& entry);

// "<GUID=1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8>": the extended DN form that names an object by its
// objectGUID wherever it lives now (doc/ad-guid-addressing.md).
[[nodiscard]] std::string GuidDn(const Guid& guid);

// One agent ModifyRequest as one LDAP modify (per-value add/delete, in the same order), addressed by the
// object's GUID (GuidDn), never by request.dn: a DN read at plan time may name another object by the time
// the modify is sent, if the planned object was renamed or moved and another took its name.
[[nodiscard]] ldap::ModifyRequest ToLdapModify(const ModifyRequest& request);

// The Status of one pipelined modify per the directory.h contract:
//   success                                   -> ok
//   16 noSuchAttribute, 20 attributeOrValueExists -> kConflict (the compare-and-swap lost)
//   19 constraintViolation for a second value of a single-valued attribute -> kConflict. AD answers 19
//      with Win32 error 0x2081 (ERROR_DS_SINGLE_VALUE_CONSTRAINT) where Samba answers 20; a 19 carrying
//      another Win32 code (0x2082 range constraint, ...) is a real constraint and stays kInvalidInput.
//   32 noSuchObject                           -> kNotFound
//   no reply (client-side codes < 0: connection lost, timeout) -> kUnavailable: outcome unknown
//   anything else                             -> the ldap/ layer's mapping (permission, syntax, ...)
[[nodiscard]] Status ModifyStatus(const ModifyRequest& request, const ldap::ModifyOutcome& outcome);

// True for the attributes the agent writes that hold one value (everything but proxyAddresses).
[[nodiscard]] bool IsSingleValued(std::string_view attribute);

}  // namespace ctim::agent::adapters
