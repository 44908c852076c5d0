#include "agent/reader/reader_options.h"

#include "agent/reader/identity_reader_text.h"
#include "common/ascii.h"

namespace ctim::agent {

// The INFERRED layout of doc/facts.md §1.2 (the real column list of Download-CtimCopiedIdentities is
// not published). Names are CsvHelper's property names; aliases are spellings seen in hand-made mapping
// files (T2T, MS samples) and cost nothing to accept. Required columns: the three documented ones
// (ExchangeGuid, LegacyExchangeDN, TargetExternalDirectoryObjectId) plus PrimarySmtpAddress, which the
// planner needs for targetAddress (doc/facts.md §1.2).
ReaderOptions::ReaderOptions()
    : columns{{
          {Column::kSourceObjectId,
           "SourceExternalDirectoryObjectId",
           {"SourceObjectId", "ExternalDirectoryObjectId"},
           false,
           true},
          {Column::kSourceUpn, "SourceUserPrincipalName", {"SourceUPN", "UserPrincipalName"}, false, false},
          {Column::kPrimarySmtp, "PrimarySmtpAddress", {"SourcePrimarySmtpAddress"}, true, true},
          {Column::kExchangeGuid, "ExchangeGuid", {"SourceExchangeGuid"}, true, true},
          {Column::kArchiveGuid, "ArchiveGuid", {"SourceArchiveGuid"}, false, false},
          {Column::kLegacyExchangeDn, "LegacyExchangeDN", {"SourceLegacyExchangeDN"}, true, true},
          {Column::kEmailAddresses,
           "EmailAddresses",
           {"ProxyAddresses", "SourceEmailAddresses"},
           false,
           false},
          {Column::kTargetObjectId, "TargetExternalDirectoryObjectId", {"TargetObjectId"}, true, false},
          {Column::kMigrationStatus, "MigrationStatus", {}, false, false},
          {Column::kLitigationHold, "LitigationHoldEnabled", {}, false, false},
          {Column::kSingleItemRecovery, "SingleItemRecoveryEnabled", {}, false, false},
          {Column::kElcMailboxFlags, "ElcMailboxFlags", {"msExchELCMailboxFlags"}, false, false},
      }},
      // Exchange address types (Get-Recipient EmailAddresses prefixes). SMTP and X500 are the ones we act
      // on; the others are accepted so a real mailbox's full list reads cleanly, and reported.
      proxy_types{"SMTP",  "X500",  "X400", "SIP",    "EUM", "SPO",
                  "NOTES", "GWISE", "MS",   "CCMAIL", "FAX", "MSMAIL"},
      status_policy{{"Mapped", StatusAction::kProcess},
                    {"Completed", StatusAction::kReverify},
                    {"Complete", StatusAction::kReverify}} {}

std::string_view StatusActionName(StatusAction action) {
  switch (action) {
    case StatusAction::kProcess:
      return "process";
    case StatusAction::kReverify:
      return "reverify";
    case StatusAction::kReport:
      return "report";
  }
  return "report";
}

std::optional<Column> ReaderOptions::MatchHeader(std::string_view header_cell) const {
  for (const ColumnSpec& spec : columns) {
    if (EqualsAscii(header_cell, spec.name)) return spec.column;
    for (const std::string& alias : spec.aliases) {
      if (EqualsAscii(header_cell, alias)) return spec.column;
    }
  }
  return std::nullopt;
}

bool ReaderOptions::IsKnownProxyType(std::string_view type) const {
  for (const std::string& known : proxy_types) {
    if (EqualsAscii(type, known)) return true;
  }
  return false;
}

StatusAction ReaderOptions::ActionFor(std::string_view migration_status) const {
  if (migration_status.empty()) return status_empty;
  for (const auto& [status, action] : status_policy) {
    if (EqualsAscii(migration_status, status)) return action;
  }
  return status_default;
}

Status ApplyReaderOption(ReaderOptions& options, std::string_view key, std::string_view value) {
  const auto bad = [&](std::string_view accepted) {
    return Fail(Errc::kInvalidInput,
                "reader option " + std::string(key) + ": " + QuoteForMessage(value) + " is not accepted",
                "use " + std::string(accepted));
  };
  if (key == "email_addresses_separator") {
    if (value == ";" || value == "|") {
      options.proxy_separator = value[0];
      return {};
    }
    return bad("\";\" or \"|\"");
  }
  if (key == "email_addresses_json") {
    if (value == "true" || value == "false") {
      options.accept_json_array = value == "true";
      return {};
    }
    return bad("true or false");
  }
  if (key == "utf16") {
    if (value == "transcode" || value == "refuse") {
      options.transcode_utf16 = value == "transcode";
      return {};
    }
    return bad("\"transcode\" or \"refuse\"");
  }
  return Fail(Errc::kInvalidInput, "unknown reader option " + QuoteForMessage(key),
              "known: email_addresses_separator, email_addresses_json, utf16");
}

}  // namespace ctim::agent
