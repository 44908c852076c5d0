// Everything the CTIM identities reader assumes about the file that Microsoft does not document
// (doc/facts.md §1.2, all INFERRED): column names and aliases, which columns are required, the
// EmailAddresses separator, the accepted proxy types, value limits, the hold columns and the
// MigrationStatus policy. One value, built with the defaults in reader_options.cpp, so a wrong guess is
// fixed in one place (or in the config file through ApplyReaderOption) without touching the parser.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace ctim::agent {

// The columns the reader understands. Anything else in the header is an unknown column: reported once,
// then ignored.
enum class Column {
  kSourceObjectId,      // SourceExternalDirectoryObjectId
  kSourceUpn,           // SourceUserPrincipalName
  kPrimarySmtp,         // PrimarySmtpAddress
  kExchangeGuid,        // ExchangeGuid
  kArchiveGuid,         // ArchiveGuid
  kLegacyExchangeDn,    // LegacyExchangeDN
  kEmailAddresses,      // EmailAddresses
  kTargetObjectId,      // TargetExternalDirectoryObjectId
  kMigrationStatus,     // MigrationStatus
  kLitigationHold,      // LitigationHoldEnabled
  kSingleItemRecovery,  // SingleItemRecoveryEnabled
  kElcMailboxFlags,     // ElcMailboxFlags
};
inline constexpr std::size_t kColumnCount = 12;

struct ColumnSpec {
  Column column{};
  std::string name;                  // canonical name, as messages print it when the column is missing
  std::vector<std::string> aliases;  // other header spellings accepted (matched case-insensitively)
  bool required_column = false;      // the header must have it, or the file is refused
  bool required_value = false;       // when the column is present, an empty value rejects the row
};

// What later stages do with a row, decided from its MigrationStatus (doc/facts.md §1.2: process Mapped,
// re-verify Completed, report anything else).
enum class StatusAction { kProcess, kReverify, kReport };
std::string_view StatusActionName(StatusAction action);

struct ReaderOptions {
  ReaderOptions();  // the INFERRED defaults (reader_options.cpp)

  // Indexed by Column. Header names are matched ASCII-case-insensitively against name and aliases.
  std::array<ColumnSpec, kColumnCount> columns;

  // EmailAddresses: items separated by `proxy_separator`. A separator splits only where the text after it
  // (after optional spaces) starts with a known proxy type and ':' (see identity_reader_proxies.h), so X400
  // values, which contain ';', stay whole. A value starting with '[' is read as a JSON array of strings
  // when accept_json_array is on. Config key: email_addresses_separator.
  char proxy_separator = ';';
  bool accept_json_array = true;
  // Proxy types accepted in EmailAddresses (case-insensitive). Any other type rejects the row.
  std::vector<std::string> proxy_types;
  // AD proxyAddresses rangeUpper: at most this many characters (UTF-16 code units) per value, prefix
  // included.
  std::size_t max_proxy_chars = 1123;
  // LegacyExchangeDN must start with this (case-insensitive); X500 items of EmailAddresses with x500_prefix.
  std::string legacy_dn_prefix = "/o=";
  std::string x500_prefix = "/";

  // MigrationStatus -> action, case-insensitive; anything not listed gets status_default, an empty value
  // or an absent column gets status_empty.
  std::vector<std::pair<std::string, StatusAction>> status_policy;
  StatusAction status_default = StatusAction::kReport;
  StatusAction status_empty = StatusAction::kProcess;

  // A UTF-16 file (Windows PowerShell's default) is transcoded to UTF-8; off = refused with a clear message.
  bool transcode_utf16 = true;
  // One record (all its fields) may hold at most this many bytes; a longer one is a row error and the
  // reader skips to its end without keeping it, so memory stays bounded whatever the input.
  std::size_t max_record_bytes = 1 << 20;
  // File-level checks (duplicate ExchangeGuid / target id / X500 across rows). They keep a 16-byte key per
  // distinct value; turning them off leaves the reader in constant memory.
  bool check_duplicates = true;

  [[nodiscard]] const ColumnSpec& Spec(Column c) const { return columns[static_cast<std::size_t>(c)]; }
  // The matching column for a header cell, or nullopt if it is unknown.
  [[nodiscard]] std::optional<Column> MatchHeader(std::string_view header_cell) const;
  [[nodiscard]] bool IsKnownProxyType(std::string_view type) const;
  [[nodiscard]] StatusAction ActionFor(std::string_view migration_status) const;
};

// Config-file knobs, one key each:
//   email_addresses_separator  ";" or "|"
//   email_addresses_json       "true" | "false"
//   utf16                      "transcode" | "refuse"
// Unknown key or bad value -> kInvalidInput naming the key and the accepted values.
Status ApplyReaderOption(ReaderOptions& options, std::string_view key, std::string_view value);

}  // namespace ctim::agent
