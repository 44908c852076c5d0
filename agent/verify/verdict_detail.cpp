#include "agent/verify/verdict_detail.h"

namespace ctim::agent {

std::string JoinVerdictDetail(VerifyStatus status, std::string_view reason, std::string_view hint) {
  std::string detail(reason);
  if (status == VerifyStatus::kWrong && !hint.empty()) detail.append(kVerdictHintSeparator).append(hint);
  return detail;
}

VerdictDetail SplitVerdictDetail(VerifyStatus status, std::string_view detail) {
  const auto at =
      status == VerifyStatus::kWrong ? detail.rfind(kVerdictHintSeparator) : std::string_view::npos;
  if (at == std::string_view::npos) return {std::string(detail), {}};
  return {std::string(detail.substr(0, at)), std::string(detail.substr(at + kVerdictHintSeparator.size()))};
}

}  // namespace ctim::agent
