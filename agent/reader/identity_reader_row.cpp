#include "agent/reader/identity_reader_row.h"

#include "agent/reader/identity_reader_fields.h"
#include "agent/reader/identity_reader_proxies.h"
#include "agent/reader/identity_reader_text.h"

namespace ctim::agent {
namespace {

// Parses a GUID cell; a zero GUID is refused with `zero_why` unless zero_ok.
FieldCheck GuidCell(std::string_view v, Guid& out, std::string_view zero_why) {
  if (auto bad = ParseGuidText(v, out)) return bad;
  if (out.IsZero() && !zero_why.empty()) {
    return FieldIssue{Reason::kZeroGuid,
                      QuoteForMessage(v) + " is the all-zero GUID; " + std::string(zero_why)};
  }
  return std::nullopt;
}

}  // namespace

void ParseRow(std::span<const std::string_view> fields, const ColumnMap& columns,
              const ReaderOptions& options, bool utf16_source, ParsedRow& out,
              std::vector<std::string>& scratch) {
  out.identity = SourceIdentity{};
  out.problems.clear();
  out.exchange_guid_ok = false;
  out.legacy_dn_ok = false;
  SourceIdentity& id = out.identity;
  std::size_t dropped = 0;
  std::size_t pos = 0;
  const auto add = [&](const FieldIssue& issue) {
    if (out.problems.size() == ParsedRow::kMaxProblems) {
      ++dropped;
      return;
    }
    out.problems.push_back(
        RowProblem{issue.reason, columns.names[pos], "column " + columns.names[pos] + ": " + issue.text, 0});
  };

  for (; pos < fields.size(); ++pos) {
    const std::string_view v = fields[pos];
    const std::optional<Column> column = columns.column_at[pos];
    // Free text may hold anything readable; EmailAddresses checks each item itself (a JSON array may be
    // pretty-printed over several lines).
    const bool allow_control =
        !column || *column == Column::kMigrationStatus || *column == Column::kEmailAddresses;
    if (auto bad = CheckText(v, utf16_source, allow_control)) {
      add(*bad);
      continue;
    }
    if (!column) continue;
    if (v.empty()) {
      if (options.Spec(*column).required_value) {
        add(FieldIssue{Reason::kMissingValue, "empty, but a value is required"});
      }
      continue;
    }
    FieldCheck bad;
    switch (*column) {
      case Column::kSourceObjectId: {
        Guid g;
        bad = GuidCell(v, g, "not an object id");
        if (!bad) id.source_object_id = v;
        break;
      }
      case Column::kSourceUpn:
        bad = CheckUpn(v);
        if (!bad) id.source_upn = v;
        break;
      case Column::kPrimarySmtp:
        bad = CheckSmtpAddress(v);
        if (!bad) id.primary_smtp = v;
        break;
      case Column::kExchangeGuid:
        bad = GuidCell(v, id.exchange_guid, "the source has no mailbox GUID to copy");
        out.exchange_guid_ok = !bad;
        break;
      case Column::kArchiveGuid: {
        Guid g;
        bad = GuidCell(v, g, "");
        if (!bad && !g.IsZero()) id.archive_guid = g;  // all-zero: the source has no archive
        break;
      }
      case Column::kLegacyExchangeDn:
        bad = CheckLegacyDn(v, options);
        if (!bad) {
          id.legacy_exchange_dn = v;
          out.legacy_dn_ok = true;
        }
        break;
      case Column::kEmailAddresses:
        bad = SplitEmailAddresses(v, options, scratch);
        if (bad) break;
        for (std::size_t i = 0; i < scratch.size(); ++i) {
          if (auto item_bad = CheckProxyItem(scratch[i], i + 1, options)) {
            add(*item_bad);
            continue;
          }
          (IsX500Item(scratch[i]) ? id.x500_proxies : id.other_proxies).push_back(std::move(scratch[i]));
        }
        break;
      case Column::kTargetObjectId: {
        Guid g;
        bad = GuidCell(v, g, "not an object id (leave the cell empty if the row is not mapped yet)");
        if (!bad) id.target_object_id = g;
        break;
      }
      case Column::kMigrationStatus:
        id.migration_status = v;
        break;
      case Column::kLitigationHold: {
        bool b = false;
        bad = ParseBoolean(v, b);
        if (!bad) id.hold.litigation_hold = b;
        break;
      }
      case Column::kSingleItemRecovery: {
        bool b = false;
        bad = ParseBoolean(v, b);
        if (!bad) id.hold.single_item_recovery = b;
        break;
      }
      case Column::kElcMailboxFlags: {
        std::int64_t flags = 0;
        bad = ParseFlags(v, flags);
        if (!bad) id.hold.elc_flags = flags;
        break;
      }
    }
    if (bad) add(*bad);
  }
  if (dropped > 0) {
    out.problems.back().message += " (and " + std::to_string(dropped) + " more problems in this row)";
  }
}

}  // namespace ctim::agent
