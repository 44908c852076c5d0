// How a verify verdict's reason and hint share the journal's one `detail` column (doc/journal-format.md,
// table verifications): "reason — hint" for a WRONG object, the reason alone otherwise.
#pragma once

#include <string>
#include <string_view>

#include "agent/model/verify_status.h"

namespace ctim::agent {

inline constexpr std::string_view kVerdictHintSeparator = " \u2014 ";

[[nodiscard]] std::string JoinVerdictDetail(VerifyStatus status, std::string_view reason,
                                            std::string_view hint);

struct VerdictDetail {
  std::string reason;
  std::string hint;
};
// The inverse of JoinVerdictDetail: for a WRONG object, splits at the LAST separator (a reason may quote a
// value holding one; hints never do); otherwise the whole detail is the reason.
[[nodiscard]] VerdictDetail SplitVerdictDetail(VerifyStatus status, std::string_view detail);

}  // namespace ctim::agent
