// `plan --format powershell`: the plan as commands for Microsoft's own tools, for customers who must make the
// change with Microsoft-supported tools (README "A script for Microsoft's tools"; doc/report-formats.md):
//   Set-MailUser -Identity '<objectGUID>' -ExchangeGuid '…' -ArchiveGuid '…' -EmailAddresses @{Add='X500:…'}
//     -ExternalEmailAddress 'SMTP:…'      (Exchange Management Shell, Exchange Server 2019 Management Tools)
//   Set-ADUser -Identity '<objectGUID>' -Replace @{msExchELCMailboxFlags=N}   (the ActiveDirectory module)
// Only rows to change get commands; refused, skipped and unchanged rows are comments. Every value is a
// single-quoted PowerShell string with each quote character doubled (PsQuote). Pure.
#pragma once

#include <string>
#include <string_view>

#include "agent/plan/plan.h"

namespace ctim::agent::report {

// 'value' with every single-quote character PowerShell recognises (U+0027 and the typographic U+2018,
// U+2019, U+201A, U+201B) doubled, so the string cannot end early. REQUIRES: `value` is UTF-8.
[[nodiscard]] std::string PsQuote(std::string_view value);

// `file`: the CTIM file the plan was made from, named in the header; `generated_at`: UTC ISO 8601.
[[nodiscard]] std::string FormatPowerShellPlan(const Plan& plan, std::string_view file,
                                               std::string_view generated_at);

}  // namespace ctim::agent::report
