// The narrow interface `verify` needs from the cloud (agent/ never includes sync/): one batched look at a
// set of target users. Implemented over Microsoft Graph and the Exchange Online admin API in
// agent/adapters/cloud_verify_source.cpp.
#pragma once

#include <span>
#include <stop_token>

#include "agent/verify/verify_types.h"
#include "common/result.h"

namespace ctim::agent {

class VerifyCloud {
 public:
  virtual ~VerifyCloud() = default;

  // Graph users by id (batched), the tenant's last sync time, and Exchange Online's mail users (bulk, or per
  // user when bulk cannot be used or costs more). An error means this look failed as a whole: kUnavailable
  // (throttled, down, stopped: worth another pass), kUnauthenticated / kPermissionDenied / kInvalidInput
  // (credentials, consent or configuration: another pass will not help).
  virtual Result<CloudSnapshot> Observe(std::span<const Guid> target_ids, std::stop_token stop) = 0;

  // Requests made so far.
  [[nodiscard]] virtual CloudCalls Calls() const = 0;
};

}  // namespace ctim::agent
