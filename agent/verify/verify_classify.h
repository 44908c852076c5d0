// How `verify` judges one object: DONE, PENDING or WRONG, from what was planned, what the cloud shows and
// how far directory sync has come since the write. Pure functions, no I/O, no clock: unit-tested case by case
// (tests/unit/agent/verify_classify_test.cpp).
//
// THE RULE (doc/design.md §6, refined by what the cloud emulator showed):
//   WRONG at once when
//     - Graph does not know the target id, or the user is not synced from AD (cloud-only);
//     - a planned value has not arrived and the user's source of authority was moved to the cloud
//       (onPremisesSyncBehavior isCloudManaged): Entra blocks updates from AD, so waiting would only run into
//       the deadline;
//     - Entra reports a PropertyConflict on a value we wrote (a duplicate X500): names the holder if known;
//     - the target was licensed too early: EXO shows another recipient type than MailUser, or a licensed user
//       that Get-MailUser does not return (EXO made it a mailbox: INFERRED), or a licensed mail user whose
//       ExchangeGuid differs from the planned one;
//     - some planned value has not arrived and Entra (onPremisesProvisioningErrors) or Exchange
//       (serviceProvisioningErrors) reports an error for the object: the export is held;
//   DONE when Get-MailUser shows every planned value: ExchangeGuid, ArchiveGuid (when planned), every X500
//     (case-insensitive) and ExternalEmailAddress (any SMTP address of the source, case-insensitive, "SMTP:"
//     prefix optional: agent/model/target_address.h);
//   otherwise it depends on the sync evidence (JudgeSync):
//     - EXO holds a DIFFERENT value (another GUID or address): PENDING until a sync cycle that started after
//       the write has finished (kFullCycle), then WRONG. A cycle reads AD at its start but stamps
//       onPremisesLastSyncDateTime at its end, so the first sync time after the write (kSyncedOnce) may
//       belong to a cycle that read AD before the write: it gets one more cycle;
//     - a value is MISSING (not there at all): PENDING, whatever the evidence, until the caller's deadline
//       (EXO follows Entra within 30 min usually, up to 24 h [EXODELAY]); the reason says how far sync came.
//   Graph stamps sync times in whole seconds: a cycle stamped in the same second as the write counts as NOT
//   after it (cautious: at worst one more cycle is awaited).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "agent/model/verify_status.h"
#include "agent/verify/verify_types.h"

namespace ctim::agent {

enum class SyncEvidence {
  kNotSynced,   // no directory sync has finished since the write (or the tenant never synced)
  kSyncedOnce,  // one has finished since, but it may have read AD before the write
  kFullCycle,   // a cycle that STARTED after the write has finished: it read the written values
};
[[nodiscard]] std::string_view SyncEvidenceName(SyncEvidence evidence);

// `first_sync_after_write`: the earliest tenant sync time the verifier has seen that is later than
// `written_at` (nullopt: none seen). Cycles never overlap, so a cycle that ended after that time started
// after it, hence after the write.
[[nodiscard]] SyncEvidence JudgeSync(TimePoint written_at, std::optional<TimePoint> first_sync_after_write,
                                     std::optional<TimePoint> tenant_last_sync);

enum class ValueState { kArrived, kMissing, kDifferent };
[[nodiscard]] std::string_view ValueStateName(ValueState state);  // "arrived" | "missing" | "different"

// One planned value against Exchange Online.
struct ValueCheck {
  std::string name;     // "ExchangeGuid" | "ArchiveGuid" | "X500" | "ExternalEmailAddress"
  std::string planned;  // as written to AD (GUIDs as text)
  std::string cloud;    // what EXO holds; "" when it holds none
  ValueState state = ValueState::kMissing;
};

// Every planned value of `expected` against `mail_user`, in the order ExchangeGuid, ArchiveGuid, X500s,
// ExternalEmailAddress.
[[nodiscard]] std::vector<ValueCheck> CompareValues(const Expectation& expected, const MailUserState& mail_user);

struct Verdict {
  VerifyStatus status = VerifyStatus::kPending;
  std::string reason;  // what is the case, with the values
  std::string hint;    // WRONG: what to do; PENDING: what it waits for; may be empty
  std::vector<ValueCheck> values;  // empty when EXO was not compared (no mail user, not in the tenant)
};

// `user` is nullptr when Graph does not know expected.target_object_id. `evidence` is judged from
// expected.written_at, or, when that is unknown (a file), from the start of the verify run; the reasons say
// which.
[[nodiscard]] Verdict Classify(const Expectation& expected, const CloudUserState* user, SyncEvidence evidence,
                               std::optional<TimePoint> tenant_last_sync);

}  // namespace ctim::agent
