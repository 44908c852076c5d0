// The progress file: one row per user and attribute with where it stands (planned, written, refused,
// skipped, failed, verified, pending, wrong), the reason, the fix and when (UTC ISO 8601). Built from values
// only, so `write`, `verify`, `show --format csv` and any other caller (a service writing an outbox) produce
// the same rows from the same data. Columns and statuses: doc/report-formats.md and README "Progress CSV".
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "agent/journal/journal.h"
#include "agent/plan/plan.h"
#include "agent/verify/verifier.h"

namespace ctim::agent::report {

enum class ProgressStatus {
  kPlanned,   // `plan`: would be written
  kWritten,   // written to AD (confirmed by a re-read, or the server said so)
  kRefused,   // a refusal rule stopped the row: nothing was written
  kSkipped,   // nothing to write: unmapped, already as planned, or not attempted
  kFailed,    // AD refused the modify, or the object changed under the write
  kVerified,  // the value arrived in Exchange Online
  kPending,   // not in the cloud yet (or, for a write, the outcome is not known yet)
  kWrong,     // the cloud holds something else: a person must act
};
[[nodiscard]] std::string_view ProgressStatusName(ProgressStatus status);  // "planned" .. "wrong"

struct ProgressRow {
  std::optional<RunId> run;
  std::size_t row = 0;           // CTIM file row (header = 1)
  std::string source_object_id;  // SourceExternalDirectoryObjectId, when known (from the plan)
  std::string target_object_id;  // TargetExternalDirectoryObjectId
  std::string dn;                // the AD object, once matched
  std::string attribute;         // AD attribute (msExchMailboxGuid, proxyAddresses, ...); "" for a whole row
  std::string action;            // add | replace | delete | none
  std::string old_value;
  std::string new_value;
  ProgressStatus status = ProgressStatus::kPlanned;
  std::string reason;
  std::string fix;
  std::string at;  // UTC ISO 8601
};

// The rows of one write run from what the journal holds for it: Journal::GetRun, RunIntents and
// RunVerifications. An object's latest intent gives one row per attribute change; its latest verify
// verdict (when there is one) decides verified/pending/wrong, otherwise the latest outcome decides
// written/failed/skipped/pending. With `plan` (the plan the run executed), every file row appears, in file
// order: rows without an intent are refused, skipped (unmapped, already as planned) or not attempted, and
// written rows carry the plan's warnings as reason and their hints as fix. `now` stamps rows that have no
// time of their own (plan-only rows).
[[nodiscard]] std::vector<ProgressRow> ProgressFromRun(const RunRecord& run,
                                                       std::span<const IntentView> intents,
                                                       std::span<const VerificationRecord> verifications,
                                                       const Plan* plan, std::string_view now);

// The rows of a `plan`: planned, refused or skipped, per attribute change.
[[nodiscard]] std::vector<ProgressRow> ProgressFromPlan(const Plan& plan, std::string_view now);

// The rows of a `verify`: one per planned value (ExchangeGuid, ArchiveGuid, each X500, targetAddress),
// named by the AD attribute it was written to; verified when it arrived, otherwise the user's verdict.
[[nodiscard]] std::vector<ProgressRow> ProgressFromVerify(const VerifyReport& report,
                                                          std::optional<RunId> run, std::string_view now);

}  // namespace ctim::agent::report
