// (SourceIdentity, DirectoryObject) -> the minimal change that makes the object what a cross-tenant move
// needs (doc/facts.md §2.2), or the reasons it must not be written (doc/design.md §2, R1-R10).
// Pure: no I/O, no logging, no clock. The same function plans for `plan`, for `write`, and re-plans an
// object after a write conflict, so the dry run cannot differ from what is written.
//
// What the planner writes, and how:
//   msExchMailboxGuid   = ExchangeGuid (AD byte order)      set if absent; equal: nothing; different: R4
//   msExchArchiveGUID   = ArchiveGuid, only if the source has one   same rules (R5)
//   proxyAddresses     += "X500:<LegacyExchangeDN>" and every source X500, byte-exact, per-value add of the
//                         values missing when compared case-insensitively; never removes or rewrites a value
//   targetAddress       = "SMTP:<PrimarySmtpAddress>" only when empty (R7 otherwise)
//   msExchELCMailboxFlags |= 8/16, only when the row asks (R10 warning); never clears a bit
// Never: recipient-type attributes, source SMTP/SIP/X400 proxies, any removal.
#pragma once

#include <string>
#include <vector>

#include "agent/model/change_set.h"
#include "agent/model/cloud_resolver.h"
#include "agent/model/directory.h"
#include "agent/model/finding.h"
#include "agent/plan/plan_options.h"
#include "agent/plan/proxy_owners.h"
#include "agent/model/source_identity.h"

namespace ctim::agent {

struct ObjectPlan {
  ChangeSet change_set;           // empty when nothing differs, or when refused
  std::vector<Finding> findings;  // refusals (then change_set is empty), warnings, notes

  [[nodiscard]] bool refused() const { return HasRefusal(findings); }
};

// The X500 proxies the target must carry for `source`: "X500:<LegacyExchangeDN>" first, then the file's
// X500 items, byte-exact, without case-insensitive duplicates.
[[nodiscard]] std::vector<std::string> DesiredX500s(const SourceIdentity& source);

// The desired X500s `object` does not hold yet (case-insensitive comparison). The values R6 must look up in
// the forest before planning.
[[nodiscard]] std::vector<std::string> MissingX500s(const SourceIdentity& source, const DirectoryObject& object);

// `cloud` is the target user as Graph sees it (R9), or nullptr when unknown.
[[nodiscard]] ObjectPlan PlanObject(const SourceIdentity& source, const DirectoryObject& object,
                                    const PlanOptions& options, const ProxyOwners& owners,
                                    const CloudIdentity* cloud);

// Individual rules, exposed for PlanObject and its tests. Each appends findings; none writes.
void CheckRowSyntax(const SourceIdentity& source, const PlanOptions& options, std::vector<Finding>& findings);
void CheckMailUser(const DirectoryObject& object, std::vector<Finding>& findings);
void CheckCloudMailbox(const CloudIdentity* cloud, std::vector<Finding>& findings);
void CheckReadiness(const SourceIdentity& source, const DirectoryObject& object, const PlanOptions& options,
                    std::vector<Finding>& findings);

}  // namespace ctim::agent
