// One validated data row of a CTIM identities file: the SOURCE mailbox's identity and the target it is
// mapped to. Produced by the CSV reader (agent/csv_reader.h), consumed by the matcher and the planner.
// Values are byte-exact as in the file: X500 values are never re-cased or reformatted.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/guid.h"

namespace ctim::agent {

// Hold-related input the file may carry (INFERRED optional columns, doc/facts.md §1.2).
// Absent (all nullopt) means msExchELCMailboxFlags is not touched.
struct HoldRequest {
  std::optional<bool> litigation_hold;        // LitigationHoldEnabled -> bit 8
  std::optional<bool> single_item_recovery;   // SingleItemRecoveryEnabled -> bit 16
  std::optional<std::int64_t> elc_flags;      // ElcMailboxFlags: only bits 8 and 16 are taken from it

  [[nodiscard]] bool Requested() const {
    return litigation_hold.value_or(false) || single_item_recovery.value_or(false) ||
           (elc_flags.value_or(0) & (8 | 16)) != 0;
  }
};

struct SourceIdentity {
  // Where the row came from: `row` is the record number as a spreadsheet shows it (header = 1, first data
  // row = 2); `line` is the physical line the record starts on (differs when quoted fields hold newlines).
  std::size_t row = 0;
  std::size_t line = 0;

  std::string source_object_id;      // SourceExternalDirectoryObjectId (report/journal only)
  std::string source_upn;            // SourceUserPrincipalName (report only)
  std::string primary_smtp;          // PrimarySmtpAddress, "local@domain" without "SMTP:"
  Guid exchange_guid;                // never all-zero (the reader refuses it)
  std::optional<Guid> archive_guid;  // nullopt: the source has no archive (empty or all-zero in the file)
  std::string legacy_exchange_dn;    // "/o=..." byte-exact
  std::vector<std::string> x500_proxies;   // "X500:..." items of EmailAddresses, byte-exact, file order
  std::vector<std::string> other_proxies;  // SMTP/SIP/X400/EUM/... items: reported, never written
  std::optional<Guid> target_object_id;    // TargetExternalDirectoryObjectId; nullopt = unmapped row
  std::string migration_status;            // open enum, e.g. "Mapped", "Completed"
  HoldRequest hold;

  // "row 17 (bob@fabrikam.com)": how every message names this row.
  [[nodiscard]] std::string Label() const {
    std::string label = "row " + std::to_string(row);
    const std::string& who = !source_upn.empty() ? source_upn : primary_smtp;
    if (!who.empty()) label += " (" + who + ")";
    return label;
  }
};

}  // namespace ctim::agent
