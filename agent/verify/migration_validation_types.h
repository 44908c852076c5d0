// Microsoft's own final check beside ours (doc/migration-validation.md): the verdict Microsoft's
// cross-tenant migration validation gave each user, as verify reports it. Plain values.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>

#include "common/guid.h"
#include "common/result.h"

namespace ctim::agent {

enum class MicrosoftStatus {
  kValid,    // every workload valid (or completed)
  kInvalid,  // a workload invalid, error or failed: Microsoft rejects the user
  kUnknown,  // not judged: no task for the user, or a status still in progress / not known to us
};
[[nodiscard]] std::string_view MicrosoftStatusName(
    MicrosoftStatus status);  // "valid" | "invalid" | "unknown"

struct MicrosoftVerdict {
  MicrosoftStatus status = MicrosoftStatus::kUnknown;
  // Microsoft's words: "exchangeOnline invalid (message): CODE: text, CODE: text; <next service>" ('' when
  // valid with nothing to say).
  std::string detail;
};

// One run of Microsoft's validation for the users DONE in our verdict.
struct MigrationValidation {
  std::string job_id;      // '' when no job was created (none DONE, or the create failed)
  std::string job_status;  // the job's last status as Graph wrote it
  std::string job_message;
  bool reused = false;                     // the job recorded for this run and these users was used again
  std::size_t asked = 0;                   // users sent to Microsoft
  std::map<Guid, MicrosoftVerdict> users;  // by target object id
  // Why Microsoft's check could not run or finish (permission, cloud, timeout). Never changes our verdicts.
  std::optional<Error> error;

  [[nodiscard]] std::size_t Rejected() const;
};

}  // namespace ctim::agent
