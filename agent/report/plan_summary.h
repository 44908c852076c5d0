// `plan` on a terminal, summary first: a real file repeats the same warning on hundreds of rows, so the
// table leads with counts by action, by refusal rule and by warning (each distinct fix printed once), then
// the per-user detail: by default the first `limit` rows of each reason, saying how many were left out and
// that --detail shows them; with limit 0 every row, as the full table prints it. JSON and CSV keep every
// row (agent/report/plan_format.h). Pure: writes to `out` only.
#pragma once

#include <cstddef>
#include <ostream>

#include "agent/plan/plan.h"

namespace ctim::agent::report {

inline constexpr std::size_t kDefaultRowsPerReason = 5;

// `limit`: rows shown per reason; 0 = every row (--detail).
void PrintPlanSummaryFirst(const Plan& plan, std::size_t limit, std::ostream& out);

}  // namespace ctim::agent::report
