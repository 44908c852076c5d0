#include "agent/model/finding.h"

#include <algorithm>

namespace ctim::agent {

std::string_view RuleCode(Rule rule) {
  switch (rule) {
    case Rule::kR1RowSyntax: return "R1";
    case Rule::kR2Match: return "R2";
    case Rule::kR3NotMailUser: return "R3";
    case Rule::kR4MailboxGuid: return "R4";
    case Rule::kR5ArchiveGuid: return "R5";
    case Rule::kR6ProxyElsewhere: return "R6";
    case Rule::kR7TargetAddress: return "R7";
    case Rule::kR8Readiness: return "R8";
    case Rule::kR9CloudMailbox: return "R9";
    case Rule::kR10Hold: return "R10";
    case Rule::kUnmapped: return "unmapped";
    case Rule::kInfo: return "info";
  }
  return "?";
}

std::string_view SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kRefusal: return "refused";
    case Severity::kWarning: return "warning";
    case Severity::kNote: return "note";
  }
  return "?";
}

std::string Finding::ToString() const {
  std::string out;
  out.append(RuleCode(rule)).append(" ").append(SeverityName(severity)).append(": ").append(message);
  if (!hint.empty()) out.append(" \u2014 ").append(hint);
  return out;
}

bool HasRefusal(const std::vector<Finding>& findings) {
  return std::any_of(findings.begin(), findings.end(),
                     [](const Finding& f) { return f.severity == Severity::kRefusal; });
}

}  // namespace ctim::agent
