// Why a row is refused, or what an admin should know about it. Every finding names the rule of
// doc/design.md §2 (R1-R10) it comes from, says what was found with the actual values, and gives a hint
// the admin can act on.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ctim::agent {

enum class Rule {
  kR1RowSyntax,        // bad/zero GUID, LegacyExchangeDN not "/o=", value too long, duplicate ExchangeGuid
  kR2Match,            // 0 or >1 objects, keys disagree, cloud-only, two rows on one object
  kR3NotMailUser,      // msExchRecipientTypeDetails != 128, msExchRemoteRecipientType or homeMDB present
  kR4MailboxGuid,      // a different msExchMailboxGuid is already set
  kR5ArchiveGuid,      // a different msExchArchiveGUID; or target archive, source none (warning)
  kR6ProxyElsewhere,   // an X500 to add sits on another object (or two rows would add it)
  kR7TargetAddress,    // targetAddress points elsewhere than the source's SMTP addresses
  kR8Readiness,        // no SMTP: primary in a target domain, no proxy in the target delivery domain
  kR9CloudMailbox,     // the cloud shows an Exchange license or mailbox on the target
  kR10Hold,            // hold bits requested (unsupported for cross-tenant moves)
  kUnmapped,           // TargetExternalDirectoryObjectId empty: skipped, not refused
  kInfo,               // anything else worth saying (source SMTP proxies not written, ...)
};

enum class Severity { kRefusal, kWarning, kNote };

struct Finding {
  Rule rule = Rule::kInfo;
  Severity severity = Severity::kNote;
  std::string message;  // what was found, with the values
  std::string hint;     // what the admin does next

  // "R4 refused: message — hint"
  [[nodiscard]] std::string ToString() const;
};

[[nodiscard]] std::string_view RuleCode(Rule rule);  // "R1".."R10", "unmapped", "info"
[[nodiscard]] std::string_view SeverityName(Severity severity);

[[nodiscard]] inline Finding Refuse(Rule rule, std::string message, std::string hint) {
  return Finding{rule, Severity::kRefusal, std::move(message), std::move(hint)};
}
[[nodiscard]] inline Finding Warn(Rule rule, std::string message, std::string hint = {}) {
  return Finding{rule, Severity::kWarning, std::move(message), std::move(hint)};
}
[[nodiscard]] inline Finding Note(Rule rule, std::string message, std::string hint = {}) {
  return Finding{rule, Severity::kNote, std::move(message), std::move(hint)};
}

[[nodiscard]] bool HasRefusal(const std::vector<Finding>& findings);

}  // namespace ctim::agent
