#include "agent/model/target_address.h"

#include "agent/model/text_fold.h"

namespace ctim::agent {
namespace {

constexpr std::string_view kSmtpPrefix = "smtp:";

std::string_view WithoutSmtpPrefix(std::string_view address) {
  return StartsWithAscii(address, kSmtpPrefix) ? address.substr(kSmtpPrefix.size()) : address;
}

}  // namespace

TargetAddressMatch MatchTargetAddress(std::string_view target_address, std::string_view source_primary,
                                      std::span<const std::string> source_proxies) {
  const std::string_view target = WithoutSmtpPrefix(target_address);
  if (target.empty() || target.find(':') != std::string_view::npos) return TargetAddressMatch::kNone;
  const std::string_view primary = WithoutSmtpPrefix(source_primary);
  if (!primary.empty() && EqualsFolded(primary, target)) return TargetAddressMatch::kPrimary;
  for (const std::string& proxy : source_proxies) {
    if (!StartsWithAscii(proxy, kSmtpPrefix)) continue;  // X500, SIP, X400...: not an SMTP route
    if (EqualsFolded(std::string_view(proxy).substr(kSmtpPrefix.size()), target)) {
      // An upper-case "SMTP:" marks the primary (doc/facts.md §2.4), which EmailAddresses repeats.
      return proxy.starts_with("SMTP:") ? TargetAddressMatch::kPrimary : TargetAddressMatch::kSecondary;
    }
  }
  return TargetAddressMatch::kNone;
}

}  // namespace ctim::agent
