// Hold flags from a side file a source-tenant admin can export (doc/facts.md §2.6): the real CTIM file has no
// hold columns, so the bits msExchELCMailboxFlags needs come from
//   Get-Mailbox -ResultSize Unlimited |
//     Select PrimarySmtpAddress,ExchangeGuid,LitigationHoldEnabled,SingleItemRecoveryEnabled |
//     Export-Csv -NoTypeInformation <file>
// and from the policy default `[agent] elc_default`. Each identity row is matched to a side row by
// ExchangeGuid, else by PrimarySmtpAddress (case-insensitive); the matched side row's True flags are OR-ed into
// the row's HoldRequest, and the planner ORs the bits into msExchELCMailboxFlags as for hold columns (never
// clearing one, agent/plan/elc_flags.h). Pure apart from reading the file.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "agent/model/finding.h"
#include "agent/model/source_identity.h"
#include "agent/plan/plan.h"
#include "common/guid.h"
#include "common/result.h"

namespace ctim::agent {

struct ElcSideRow {
  std::size_t row = 0;               // record number, header = 1 (a "#TYPE" line before it is not counted)
  std::optional<Guid> exchange_guid;  // nullopt: empty in the file
  std::string primary_smtp;           // "" when empty
  bool litigation_hold = false;       // LitigationHoldEnabled True
  bool single_item_recovery = false;  // SingleItemRecoveryEnabled True
};

struct ElcSideFile {
  std::string label;  // the path as given
  std::vector<ElcSideRow> rows;
};

// Reads the side file: UTF-8 with or without BOM (or UTF-16, as Windows PowerShell 5.1 may write it), RFC 4180
// quoting, an optional "#TYPE ..." first line (Export-Csv without -NoTypeInformation). The header must have
// ExchangeGuid or PrimarySmtpAddress, and LitigationHoldEnabled or SingleItemRecoveryEnabled (any case, any
// order, other columns ignored). Flags are True or False in any case; empty means False. Fails
// (kInvalidInput) on the first problems, each naming file:row and column: a malformed record, a bad GUID,
// address or flag, a row with neither key, or two rows with the same ExchangeGuid or PrimarySmtpAddress.
[[nodiscard]] Result<ElcSideFile> ReadElcSideFile(const std::filesystem::path& path);

// `[agent] elc_default`: the bits requested for an identity row the side file does not match (every row
// when there is no side file).
struct ElcDefault {
  bool litigation_hold = false;
  bool single_item_recovery = false;
  [[nodiscard]] bool any() const { return litigation_hold || single_item_recovery; }
};
// "single-item-recovery" and "litigation-hold"; kInvalidInput naming `key` and the value otherwise.
[[nodiscard]] Result<ElcDefault> ParseElcDefault(const std::vector<std::string>& values, std::string_view key);

// What applying the side file did, for the plan.
struct ElcApplication {
  std::vector<Finding> notes;  // plan-wide: rows matched, side rows that matched no identity row
  // (index into the identity rows, refusal): rows whose ExchangeGuid and PrimarySmtpAddress match two
  // different side rows. Their HoldRequest is left as it was.
  std::vector<std::pair<std::size_t, Finding>> refusals;
};

// ORs the side file's (or the default's) flags into `rows`' HoldRequests. `side` may be null.
[[nodiscard]] ElcApplication ApplyElcFlags(const ElcSideFile* side, const ElcDefault& defaults,
                                           std::vector<SourceIdentity>& rows);

// Adds `applied` to a plan built from the same rows: the notes to plan.notes, each refusal to the row's
// findings (its changes cleared: nothing is written for it).
void AddElcFindings(const ElcApplication& applied, Plan& plan);

}  // namespace ctim::agent
