#include "agent/plan/elc_side_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>

#include "agent/model/text_fold.h"
#include "agent/plan/elc_flags.h"
#include "agent/reader/csv_input.h"
#include "agent/reader/csv_parser.h"

namespace ctim::agent {
namespace {

constexpr std::size_t kMaxRecordBytes = 64 * 1024;
constexpr std::size_t kMaxErrors = 10;   // problems listed before the file is refused
constexpr std::size_t kMaxListed = 5;    // unmatched side rows named in the note

constexpr std::string_view kGuid = "ExchangeGuid";
constexpr std::string_view kSmtp = "PrimarySmtpAddress";
constexpr std::string_view kLitigation = "LitigationHoldEnabled";
constexpr std::string_view kRecovery = "SingleItemRecoveryEnabled";

constexpr std::string_view kFixHint =
    "export the file again with Get-Mailbox -ResultSize Unlimited | Select PrimarySmtpAddress,ExchangeGuid,"
    "LitigationHoldEnabled,SingleItemRecoveryEnabled | Export-Csv -NoTypeInformation FILE, or fix the rows named";

std::string Quote(std::string_view value) {
  constexpr std::size_t kShown = 60;
  return "\"" + std::string(value.substr(0, kShown)) + (value.size() > kShown ? "…" : "") + "\"";
}

std::string_view DefectText(CsvDefect defect) {
  switch (defect) {
    case CsvDefect::kStrayQuote:
      return "a quote inside an unquoted field";
    case CsvDefect::kTextAfterQuote:
      return "text after a closing quote";
    case CsvDefect::kUnterminatedQuote:
      return "the file ends inside a quoted field";
    case CsvDefect::kTooLong:
      return "the record is too long";
    case CsvDefect::kNone:
      break;
  }
  return "malformed";
}

struct Columns {
  std::optional<std::size_t> guid, smtp, litigation, recovery;
  std::size_t count = 0;
};

}  // namespace

Result<ElcSideFile> ReadElcSideFile(const std::filesystem::path& path) {
  ElcSideFile file;
  file.label = path.string();
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    return Fail(Errc::kInvalidInput, file.label + ": cannot open the ELC side file (" + std::strerror(err) + ")",
                "check --elc-file / [agent] elc_file and that this account may read the file");
  }
  CsvInput input(in);
  if (Status s = input.Start(/*transcode_utf16=*/true); !s) {
    return Fail(Errc::kInvalidInput, file.label + ": " + s.error().message, std::string(kFixHint));
  }
  CsvParser parser(input, kMaxRecordBytes);
  CsvRecord record;
  std::vector<std::string> errors;
  std::map<Guid, std::size_t> by_guid;        // -> side row number
  std::map<std::string, std::size_t> by_smtp;  // folded address -> side row number
  std::optional<Columns> columns;
  std::size_t row = 0;
  const auto error = [&](std::size_t at, std::string_view column, const std::string& what) {
    if (errors.size() < kMaxErrors) {
      errors.push_back(file.label + ":" + std::to_string(at) + (column.empty() ? "" : ": column " + std::string(column)) +
                       ": " + what);
    } else if (errors.size() == kMaxErrors) {
      errors.emplace_back("... and more");
    }
  };
  // Bounded by the file: every Next() consumes a record.
  while (parser.Next(record)) {
    if (record.blank) continue;
    if (!columns && row == 0 && !record.fields.empty() && StartsWithAscii(record.fields.front(), "#TYPE")) {
      continue;  // Windows PowerShell 5.1's Export-Csv without -NoTypeInformation
    }
    ++row;
    if (record.defect != CsvDefect::kNone) {
      error(row, "", std::string(DefectText(record.defect)) + " (line " + std::to_string(record.defect_line) + ")");
      continue;
    }
    if (!columns) {
      Columns c;
      c.count = record.fields.size();
      for (std::size_t i = 0; i < record.fields.size(); ++i) {
        const std::string_view name = record.fields[i];
        if (EqualsAscii(name, kGuid)) c.guid = i;
        if (EqualsAscii(name, kSmtp)) c.smtp = i;
        if (EqualsAscii(name, kLitigation)) c.litigation = i;
        if (EqualsAscii(name, kRecovery)) c.recovery = i;
      }
      if ((!c.guid && !c.smtp) || (!c.litigation && !c.recovery)) {
        return Fail(Errc::kInvalidInput,
                    file.label + ":" + std::to_string(row) +
                        ": the header needs ExchangeGuid or PrimarySmtpAddress, and LitigationHoldEnabled or "
                        "SingleItemRecoveryEnabled",
                    std::string(kFixHint));
      }
      columns = c;
      continue;
    }
    if (record.fields.size() != columns->count) {
      error(row, "", std::to_string(record.fields.size()) + " fields, the header has " +
                         std::to_string(columns->count));
      continue;
    }
    ElcSideRow side;
    side.row = row;
    bool ok = true;
    if (columns->guid && !record.fields[*columns->guid].empty()) {
      side.exchange_guid = Guid::Parse(record.fields[*columns->guid]);
      if (!side.exchange_guid) {
        error(row, kGuid, Quote(record.fields[*columns->guid]) + " is not a GUID");
        ok = false;
      }
    }
    if (columns->smtp) {
      side.primary_smtp = std::string(record.fields[*columns->smtp]);
      const auto at = side.primary_smtp.find('@');
      if (!side.primary_smtp.empty() &&
          (at == std::string::npos || at == 0 || at + 1 == side.primary_smtp.size())) {
        error(row, kSmtp, Quote(side.primary_smtp) + " is not an SMTP address (local@domain)");
        ok = false;
      }
    }
    const auto flag = [&](std::optional<std::size_t> column, std::string_view name, bool& out) {
      if (!column) return;
      const std::string_view value = record.fields[*column];
      if (value.empty() || EqualsAscii(value, "false")) {
        out = false;
      } else if (EqualsAscii(value, "true")) {
        out = true;
      } else {
        error(row, name, Quote(value) + " is not True or False");
        ok = false;
      }
    };
    flag(columns->litigation, kLitigation, side.litigation_hold);
    flag(columns->recovery, kRecovery, side.single_item_recovery);
    if (ok && !side.exchange_guid && side.primary_smtp.empty()) {
      error(row, "", "neither ExchangeGuid nor PrimarySmtpAddress is set, so the row cannot be matched");
      ok = false;
    }
    if (!ok) continue;
    if (side.exchange_guid) {
      const auto [it, inserted] = by_guid.emplace(*side.exchange_guid, row);
      if (!inserted) {
        error(row, kGuid, side.exchange_guid->ToString() + " is also on row " + std::to_string(it->second));
        continue;
      }
    }
    if (!side.primary_smtp.empty()) {
      const auto [it, inserted] = by_smtp.emplace(FoldCase(side.primary_smtp), row);
      if (!inserted) {
        error(row, kSmtp, side.primary_smtp + " is also on row " + std::to_string(it->second));
        continue;
      }
    }
    file.rows.push_back(std::move(side));
  }
  if (input.failed()) errors.push_back(file.label + ": read error");
  if (!columns && errors.empty()) {
    return Fail(Errc::kInvalidInput, file.label + ": the ELC side file is empty (no header)", std::string(kFixHint));
  }
  if (!errors.empty()) {
    std::string message = "ELC side file refused:";
    for (const std::string& e : errors) message += "\n  " + e;
    return Fail(Errc::kInvalidInput, std::move(message), std::string(kFixHint));
  }
  return file;
}

Result<ElcDefault> ParseElcDefault(const std::vector<std::string>& values, std::string_view key) {
  ElcDefault out;
  for (const std::string& v : values) {
    if (EqualsAscii(v, "single-item-recovery")) {
      out.single_item_recovery = true;
    } else if (EqualsAscii(v, "litigation-hold")) {
      out.litigation_hold = true;
    } else {
      return Fail(Errc::kInvalidInput, std::string(key) + ": unknown value \"" + v + "\"",
                  "use \"single-item-recovery\" and/or \"litigation-hold\", e.g. " + std::string(key) +
                      " = [\"single-item-recovery\"]");
    }
  }
  return out;
}

ElcApplication ApplyElcFlags(const ElcSideFile* side, const ElcDefault& defaults, std::vector<SourceIdentity>& rows) {
  ElcApplication out;
  std::map<Guid, std::size_t> by_guid;        // -> index in side->rows
  std::map<std::string, std::size_t> by_smtp;  // folded -> index
  std::vector<bool> used(side ? side->rows.size() : 0, false);
  if (side) {
    for (std::size_t i = 0; i < side->rows.size(); ++i) {
      if (side->rows[i].exchange_guid) by_guid.emplace(*side->rows[i].exchange_guid, i);
      if (!side->rows[i].primary_smtp.empty()) by_smtp.emplace(FoldCase(side->rows[i].primary_smtp), i);
    }
  }
  std::size_t matched_guid = 0, matched_smtp = 0, defaulted = 0;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    SourceIdentity& row = rows[r];
    std::optional<std::size_t> guid_hit, smtp_hit;
    if (const auto it = by_guid.find(row.exchange_guid); it != by_guid.end()) guid_hit = it->second;
    if (!row.primary_smtp.empty()) {
      if (const auto it = by_smtp.find(FoldCase(row.primary_smtp)); it != by_smtp.end()) smtp_hit = it->second;
    }
    if (guid_hit && smtp_hit && *guid_hit != *smtp_hit) {
      used[*guid_hit] = used[*smtp_hit] = true;
      out.refusals.emplace_back(
          r, Refuse(Rule::kR10Hold,
                    "the ELC side file " + side->label + " has this row's ExchangeGuid on its row " +
                        std::to_string(side->rows[*guid_hit].row) + " and its PrimarySmtpAddress on its row " +
                        std::to_string(side->rows[*smtp_hit].row) + ": which hold flags apply is unclear",
                    "fix the side file so one row carries both (export it again from the source tenant), then "
                    "rerun"));
      continue;
    }
    const std::optional<std::size_t> hit = guid_hit ? guid_hit : smtp_hit;
    if (!hit) {
      if (defaults.any()) {
        if (defaults.litigation_hold) row.hold.litigation_hold = true;
        if (defaults.single_item_recovery) row.hold.single_item_recovery = true;
        ++defaulted;
      }
      continue;
    }
    used[*hit] = true;
    ++(guid_hit ? matched_guid : matched_smtp);
    const ElcSideRow& s = side->rows[*hit];
    if (s.litigation_hold) row.hold.litigation_hold = true;
    if (s.single_item_recovery) row.hold.single_item_recovery = true;
  }
  if (side) {
    out.notes.push_back(Note(Rule::kR10Hold, "ELC side file " + side->label + ": " +
                                                 std::to_string(matched_guid + matched_smtp) + " of " +
                                                 std::to_string(rows.size()) + " row(s) matched (" +
                                                 std::to_string(matched_guid) + " by ExchangeGuid, " +
                                                 std::to_string(matched_smtp) + " by PrimarySmtpAddress)"));
    std::size_t unmatched = 0;
    std::string listed;
    for (std::size_t i = 0; i < used.size(); ++i) {
      if (used[i]) continue;
      if (++unmatched > kMaxListed) continue;
      const ElcSideRow& s = side->rows[i];
      listed += (listed.empty() ? "" : ", ") + std::string("row ") + std::to_string(s.row) + " (" +
                (!s.primary_smtp.empty() ? s.primary_smtp : s.exchange_guid->ToString()) + ")";
    }
    if (unmatched > 0) {
      out.notes.push_back(Note(Rule::kR10Hold,
                               std::to_string(unmatched) + " row(s) of the ELC side file " + side->label +
                                   " match no identity row: " + listed + (unmatched > kMaxListed ? ", ..." : ""),
                               "mailboxes outside this batch are expected; otherwise check the side file and the "
                               "CTIM file come from the same source tenant"));
    }
  }
  if (defaulted > 0) {
    ElcDefault d = defaults;
    out.notes.push_back(Note(Rule::kR10Hold,
                             "[agent] elc_default requests msExchELCMailboxFlags |= " +
                                 DescribeElcBits((d.litigation_hold ? kElcLitigationHold : 0) |
                                                 (d.single_item_recovery ? kElcSingleItemRecovery : 0)) +
                                 " for " + std::to_string(defaulted) + " row(s)" +
                                 (side ? " the side file does not match" : "")));
  }
  return out;
}

void AddElcFindings(const ElcApplication& applied, Plan& plan) {
  plan.notes.insert(plan.notes.end(), applied.notes.begin(), applied.notes.end());
  for (const auto& [index, finding] : applied.refusals) {
    for (RowPlan& r : plan.rows) {
      if (r.source_index != index) continue;
      r.findings.push_back(finding);
      r.change_set.changes.clear();
    }
  }
}

}  // namespace ctim::agent
