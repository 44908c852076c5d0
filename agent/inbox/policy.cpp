#include "agent/inbox/policy.h"

#include <fmt/format.h>

namespace ctim::agent::inbox {

std::vector<std::string> HoldReasons(const Policy& policy, const Plan& plan,
                                     std::chrono::system_clock::time_point file_mtime,
                                     std::chrono::system_clock::time_point now) {
  std::vector<std::string> reasons;
  if (!policy.auto_write) reasons.push_back("[service] write = \"approve\": every file waits for an admin");
  const PlanCounts counts = plan.Count();
  if (static_cast<std::int64_t>(counts.change) > policy.max_changes) {
    reasons.push_back(fmt::format("{} users would be changed, more than max_changes = {}", counts.change,
                                  policy.max_changes));
  }
  if (counts.rows > 0 &&
      counts.refused * 100 > counts.rows * static_cast<std::size_t>(policy.max_refused_percent)) {
    reasons.push_back(fmt::format("{} of {} rows refused ({:.1f} %), more than max_refused_percent = {}",
                                  counts.refused, counts.rows, 100.0 * counts.refused / counts.rows,
                                  policy.max_refused_percent));
  }
  // A GUID already on the object that differs (rules R4/R5) is what --overwrite-guid would replace. The
  // service never overwrites one: an approval writes the other rows and leaves these refused.
  std::size_t stale = 0;
  for (const RowPlan& row : plan.rows) {
    for (const Finding& f : row.findings) {
      if (f.severity == Severity::kRefusal &&
          (f.rule == Rule::kR4MailboxGuid || f.rule == Rule::kR5ArchiveGuid)) {
        ++stale;
        break;
      }
    }
  }
  if (stale > 0) {
    reasons.push_back(fmt::format(
        "{} row(s) hold a different msExchMailboxGuid or msExchArchiveGUID (an --overwrite-guid change); "
        "approving writes the other rows and leaves these refused (ctim-agent write --overwrite-guid "
        "replaces them)",
        stale));
  }
  const auto age = std::chrono::duration_cast<std::chrono::seconds>(now - file_mtime);
  if (age > policy.max_file_age) {
    reasons.push_back(fmt::format("the file is {} h old (modification time), older than max_file_age = {} s",
                                  age.count() / 3600, policy.max_file_age.count()));
  }
  return reasons;
}

}  // namespace ctim::agent::inbox
