// Checks no single row can make: two rows with one ExchangeGuid (R1), two rows on one object (R2), one X500
// planned onto two objects (R6). Every row involved is refused and names the others. Pure.
#pragma once

#include <span>
#include <vector>

#include "agent/plan/plan.h"
#include "agent/model/source_identity.h"

namespace ctim::agent {

// `sources[rows[i].source_index]` is the row's identity. Refused rows lose their changes.
void ApplyCrossRowChecks(std::span<const SourceIdentity> sources, std::vector<RowPlan>& rows);

}  // namespace ctim::agent
