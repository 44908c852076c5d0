// msExchELCMailboxFlags arithmetic (doc/facts.md §2.4): the agent only ever ORs bits 8
// (LitigationHold) and 16 (SingleItemRecovery) into the current value and never clears a bit. Replacing the
// whole value, as Microsoft's sample and T2T do, clobbers other bits such as 2 (ElcV2), which is common.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "agent/model/source_identity.h"

namespace ctim::agent {

inline constexpr std::int64_t kElcLitigationHold = 8;
inline constexpr std::int64_t kElcSingleItemRecovery = 16;

// The bits a row asks for (a subset of 8|16); 0 when it asks for none.
[[nodiscard]] std::int64_t RequestedElcBits(const HoldRequest& hold);
// `current | bits`. Never clears a bit.
[[nodiscard]] constexpr std::int64_t MergeElcBits(std::int64_t current, std::int64_t bits) { return current | bits; }
// An Integer attribute value as AD returns it ("130", "-5"); nullopt if it is not a decimal integer.
[[nodiscard]] std::optional<std::int64_t> ParseLdapInteger(std::string_view value);
// "8 (LitigationHold) + 16 (SingleItemRecovery)"
[[nodiscard]] std::string DescribeElcBits(std::int64_t bits);

}  // namespace ctim::agent
