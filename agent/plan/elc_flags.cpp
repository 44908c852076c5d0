#include "agent/plan/elc_flags.h"

#include <array>
#include <charconv>

namespace ctim::agent {

std::int64_t RequestedElcBits(const HoldRequest& hold) {
  std::int64_t bits = 0;
  if (hold.litigation_hold.value_or(false)) bits |= kElcLitigationHold;
  if (hold.single_item_recovery.value_or(false)) bits |= kElcSingleItemRecovery;
  bits |= hold.elc_flags.value_or(0) & (kElcLitigationHold | kElcSingleItemRecovery);
  return bits;
}

std::optional<std::int64_t> ParseLdapInteger(std::string_view value) {
  std::int64_t out = 0;
  const char* end = value.data() + value.size();
  const auto [ptr, ec] = std::from_chars(value.data(), end, out);
  if (ec != std::errc() || ptr != end || value.empty()) return std::nullopt;
  return out;
}

std::string DescribeElcBits(std::int64_t bits) {
  struct Bit {
    std::int64_t value;
    const char* name;
  };
  static constexpr std::array kBits = {
      Bit{1, "ExpirationSuspended"}, Bit{2, "ElcV2"},            Bit{4, "DisableCalendarLogging"},
      Bit{8, "LitigationHold"},      Bit{16, "SingleItemRecovery"}, Bit{32, "ValidArchiveDatabase"},
      Bit{128, "ShouldUseDefaultRetentionPolicy"}, Bit{256, "EnableSiteMailboxMessageDedup"},
      Bit{512, "ElcProcessingDisabled"}, Bit{1024, "ComplianceTagHold"}};
  std::string out;
  std::int64_t rest = bits;
  for (const Bit& b : kBits) {
    if ((bits & b.value) == 0) continue;
    if (!out.empty()) out += " + ";
    out += std::to_string(b.value) + " (" + b.name + ")";
    rest &= ~b.value;
  }
  if (rest != 0) {
    if (!out.empty()) out += " + ";
    out += std::to_string(rest) + " (other bits)";
  }
  return out.empty() ? "0" : out;
}

}  // namespace ctim::agent
