// Where one written object stands in the cloud, as `verify` judges it (agent/verify/verify_classify.h) and the
// journal records it (table `verifications`, doc/journal-format.md).
#pragma once

#include <optional>
#include <string_view>

namespace ctim::agent {

enum class VerifyStatus {
  kDone,     // every planned value arrived in Exchange Online
  kPending,  // not (all) there yet, and nothing says it will not come: wait for the next sync
  kWrong,    // the cloud holds something else or refuses the object: a person must act
};

// "done" | "pending" | "wrong" (journal and JSON spelling).
[[nodiscard]] constexpr std::string_view VerifyStatusName(VerifyStatus status) {
  switch (status) {
    case VerifyStatus::kDone:
      return "done";
    case VerifyStatus::kPending:
      return "pending";
    case VerifyStatus::kWrong:
      return "wrong";
  }
  return "?";
}

[[nodiscard]] constexpr std::optional<VerifyStatus> ParseVerifyStatus(std::string_view text) {
  for (VerifyStatus s : {VerifyStatus::kDone, VerifyStatus::kPending, VerifyStatus::kWrong}) {
    if (VerifyStatusName(s) == text) return s;
  }
  return std::nullopt;
}

}  // namespace ctim::agent
