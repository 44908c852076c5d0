// Which of the source mailbox's addresses a target's targetAddress (Exchange: ExternalEmailAddress) routes to
// (doc/facts.md §2.5). One rule for the planner's R7 and for verify's ExternalEmailAddress check. Pure.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace ctim::agent {

enum class TargetAddressMatch {
  kPrimary,    // the source's PrimarySmtpAddress: what Microsoft's samples and validator expect
  kSecondary,  // another SMTP address of the source (an "smtp:" item of its EmailAddresses)
  kNone,       // none of the source's SMTP addresses, e.g. the target's own address
};

// `target_address`: "SMTP:a@b", "smtp:a@b" or "a@b" (Exchange shows it with or without the prefix).
// `source_primary`: the source's PrimarySmtpAddress, with or without "SMTP:". `source_proxies`: the source's
// EmailAddresses items ("smtp:x@y", "X500:...", "SIP:..."); only SMTP items count. Addresses compare as AD
// compares String(Unicode) values (case-insensitively, doc/design.md §4); an empty address matches nothing.
[[nodiscard]] TargetAddressMatch MatchTargetAddress(std::string_view target_address, std::string_view source_primary,
                                                    std::span<const std::string> source_proxies);

// True unless MatchTargetAddress says kNone.
[[nodiscard]] inline bool RoutesToSource(std::string_view target_address, std::string_view source_primary,
                                         std::span<const std::string> source_proxies) {
  return MatchTargetAddress(target_address, source_primary, source_proxies) != TargetAddressMatch::kNone;
}

}  // namespace ctim::agent
