#include "agent/report/powershell_plan.h"

#include <vector>

#include "agent/model/attributes.h"
#include "agent/report/plan_format.h"

namespace ctim::agent::report {
namespace {

// A comment line must stay one line whatever the value holds.
std::string CommentText(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return out;
}

std::string ElcValue(std::string_view text) {
  // The planner writes msExchELCMailboxFlags as a decimal integer; anything else is quoted as a string.
  if (text.empty() || text.find_first_not_of("0123456789") != std::string_view::npos) return PsQuote(text);
  return std::string(text);
}

void RowCommands(const RowPlan& p, std::string& out) {
  const std::string identity = PsQuote(p.change_set.object_guid.ToString());
  std::string mail_user;
  std::string elc;
  std::string notes;
  std::vector<std::string> x500s;
  for (const AttributeChange& c : p.change_set.changes) {
    const std::string value = c.after.empty() ? "" : DisplayValue(c.attribute, c.after.front());
    if (c.kind == ChangeKind::kReplace) {
      notes += "#   " + c.attribute + " was " + CommentText(DisplayValues(c.attribute, c.before)) +
               " (Set-* replaces it without checking; run plan again right before)\n";
    }
    if (c.attribute == attr::kMailboxGuid) {
      mail_user += " -ExchangeGuid " + PsQuote(value);
    } else if (c.attribute == attr::kArchiveGuid) {
      mail_user += " -ArchiveGuid " + PsQuote(value);
    } else if (c.attribute == attr::kProxyAddresses) {
      for (const std::string& v : c.after) x500s.push_back(PsQuote(v));
    } else if (c.attribute == attr::kTargetAddress) {
      mail_user += " -ExternalEmailAddress " + PsQuote(value);
    } else if (c.attribute == attr::kElcMailboxFlags) {
      elc =
          "Set-ADUser -Identity " + identity + " -Replace @{msExchELCMailboxFlags=" + ElcValue(value) + "}\n";
    } else {
      notes += "#   " + CommentText(c.attribute) + ": no Exchange cmdlet parameter; not scripted\n";
    }
  }
  if (!x500s.empty()) {
    mail_user += " -EmailAddresses @{Add=";
    for (std::size_t i = 0; i < x500s.size(); ++i) mail_user += (i == 0 ? "" : ",") + x500s[i];
    mail_user += "}";
  }
  out += notes;
  if (!mail_user.empty()) out += "Set-MailUser -Identity " + identity + mail_user + "\n";
  out += elc;
}

}  // namespace

std::string PsQuote(std::string_view value) {
  std::string out = "'";
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == '\'') {
      out += "''";
      continue;
    }
    // U+2018..U+201B are E2 80 98..9B in UTF-8.
    if (static_cast<unsigned char>(c) == 0xE2 && i + 2 < value.size() &&
        static_cast<unsigned char>(value[i + 1]) == 0x80 &&
        static_cast<unsigned char>(value[i + 2]) >= 0x98 &&
        static_cast<unsigned char>(value[i + 2]) <= 0x9B) {
      const std::string_view quote = value.substr(i, 3);
      out.append(quote).append(quote);
      i += 2;
      continue;
    }
    out.push_back(c);
  }
  out += "'";
  return out;
}

std::string FormatPowerShellPlan(const Plan& plan, std::string_view file, std::string_view generated_at) {
  const PlanCounts counts = plan.Count();
  std::string out;
  out += "# ctim-agent plan --format powershell\n";
  out += "# file: " + CommentText(file) + "\n";
  out += "# generated: " + std::string(generated_at) + "\n";
  out += "# " + CommentText(PlanSummaryLine(counts)) + "\n";
  out +=
      "# Run in the Exchange Management Shell (Exchange Server 2019 Management Tools) with the "
      "ActiveDirectory\n";
  out += "# module loaded. Objects are named by objectGUID. Refused and skipped rows are comments only.\n";
  out += "# Afterwards, check the cloud the same way: ctim-agent verify --file " + CommentText(file) + "\n";
  out += "$ErrorActionPreference = 'Stop'\n";
  for (const RowPlan& p : plan.rows) {
    out += "\n# " + CommentText(p.label);
    if (p.matched()) out += " -> " + CommentText(p.change_set.dn);
    out += "  " + std::string(RowStatusName(p.status())) + "\n";
    for (const Finding& f : p.findings) {
      if (f.rule == Rule::kInfo) continue;
      out += "#   " + CommentText(f.ToString()) + "\n";
    }
    if (p.status() == RowStatus::kChange) RowCommands(p, out);
  }
  return out;
}

}  // namespace ctim::agent::report
