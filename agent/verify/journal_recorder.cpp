#include "agent/verify/journal_recorder.h"

#include <string>
#include <vector>

#include "agent/model/log.h"
#include "agent/verify/verdict_detail.h"
#include "common/iso8601.h"

namespace ctim::agent {

void JournalRecorder::OnPass(const VerifyReport& report, std::span<const std::size_t> changed) {
  std::vector<VerificationRecord> records;
  records.reserve(changed.size());
  for (std::size_t i : changed) {
    const UserResult& u = report.users[i];
    if (!u.expected.object_guid) continue;
    std::string detail = JoinVerdictDetail(u.verdict.status, u.verdict.reason, u.verdict.hint);
    records.push_back(
        {*u.expected.object_guid,
         u.expected.target_object_id,
         u.expected.row,
         u.verdict.status,
         std::move(detail),
         {},
         u.first_sync_after_write ? FormatUtcIso8601(*u.first_sync_after_write) : std::string()});
  }
  const VerifyCounts counts = report.Count();
  const VerifyPassRecord pass{
      {},
      counts.done,
      counts.pending,
      counts.wrong,
      report.tenant_last_sync ? FormatUtcIso8601(*report.tenant_last_sync) : std::string()};
  Status s = journal_.RecordVerifications(run_, records);
  if (s) s = journal_.RecordVerifyPass(run_, pass);
  if (!s && !warned_) {
    warned_ = true;
    Log()->warn("verify: cannot record the verdicts in the journal: {}", s.error().ToString());
  }
}

}  // namespace ctim::agent
