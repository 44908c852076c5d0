// What the identities reader says besides valid rows: why a row was rejected (RowError), file-level
// warnings, and the summary of a whole file. Plain values; printed by agent/reader/check_report.h.
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ctim::agent {

// Why a row was rejected. The JSON name (ReasonName) is stable: scripts may switch on it.
enum class Reason {
  kBrokenQuotes,           // a quote inside an unquoted field, or text after a closing quote
  kUnterminatedQuote,      // the file ended inside a quoted field
  kRecordTooLong,          // longer than ReaderOptions::max_record_bytes
  kFieldCount,             // not as many fields as the header has columns
  kReadError,              // the stream failed while reading this row
  kInvalidEncoding,        // invalid UTF-8 (or, in a UTF-16 file, an unpaired surrogate)
  kControlCharacter,       // a control character (line break, tab, NUL...) in an identity value
  kMissingValue,           // a required value is empty
  kBadGuid,                // not 8-4-4-4-12 hex (braces allowed)
  kZeroGuid,               // all-zero where a real id is needed
  kBadLegacyDn,            // LegacyExchangeDN does not start with /o=
  kBadSmtp,                // not an SMTP address (local@domain)
  kBadUpn,                 // not a user principal name (name@suffix)
  kBadProxy,               // an EmailAddresses item that is not type:value, or a bad value for its type
  kUnknownProxyType,       // an EmailAddresses item of a type not in ReaderOptions::proxy_types
  kValueTooLong,           // a proxy value over ReaderOptions::max_proxy_chars
  kBadJsonArray,           // EmailAddresses starts with '[' but is not a JSON array of strings
  kBadBoolean,             // LitigationHoldEnabled / SingleItemRecoveryEnabled not true/false
  kBadInteger,             // ElcMailboxFlags not a non-negative integer
  kDuplicateExchangeGuid,  // the same ExchangeGuid on an earlier row
  kDuplicateTarget,        // the same TargetExternalDirectoryObjectId on an earlier row
  kDuplicateX500,          // the same X500 (case-insensitive) on an earlier row
};
inline constexpr std::size_t kReasonCount = 22;
std::string_view ReasonName(Reason reason);  // "bad_guid", "duplicate_x500", ...

struct RowProblem {
  Reason reason{};
  std::string column;         // the header cell as written in the file; empty when the whole row is at fault
  std::string message;        // "column ExchangeGuid: \"1ec0…\" is not a GUID (expected 8-4-4-4-12 hex)"
  std::size_t other_row = 0;  // duplicates: the earlier row holding the same value (0 = none)
};

// A rejected row. Every problem found in the row is listed (a row may have several).
struct RowError {
  std::string file;      // the label the reader was opened with, e.g. "identities.csv"
  std::size_t row = 0;   // record number, header = 1, first data row = 2
  std::size_t line = 0;  // physical line where the record starts (differs after #TYPE or embedded newlines)
  std::string who;       // source UPN or PrimarySmtpAddress when the row has a readable one
  std::vector<RowProblem> problems;

  // "file.csv:42" or "file.csv:42 (line 45)" when row and line differ.
  [[nodiscard]] std::string Where() const;
  // One line per problem: "file.csv:42: column ExchangeGuid: \"1ec0…\" is not a GUID (...)".
  [[nodiscard]] std::vector<std::string> Lines() const;
};

// Something worth telling that does not reject a row: an unknown column, a hold request.
struct ReaderWarning {
  std::size_t row = 0;  // 1 for the header
  std::size_t line = 0;
  std::string message;  // complete text, starting with "file.csv:<row>: "
};

struct ReaderSummary {
  std::string encoding;       // "utf-8", "utf-8 (BOM)", "utf-16le", "utf-16be"
  std::size_t rows_read = 0;  // data records, blank lines excluded; = valid + rejected
  std::size_t valid = 0;      // rows yielded as SourceIdentity (unmapped ones included)
  std::size_t unmapped = 0;   // valid rows with an empty TargetExternalDirectoryObjectId
  std::size_t rejected = 0;   // rows yielded as RowError
  std::size_t blank_lines = 0;
  std::size_t hold_requested = 0;  // valid rows whose hold columns request LitigationHold/SIR bits
  // Rejected rows per reason; a row with several problems counts under each of its reasons.
  std::array<std::size_t, kReasonCount> rejected_by_reason{};
  // Valid mapped rows per MigrationStatus action (ReaderOptions::ActionFor).
  std::size_t to_process = 0;
  std::size_t to_reverify = 0;
  std::size_t to_report = 0;
  // Valid rows per MigrationStatus value as written ("" for empty). At most kMaxStatusValues distinct
  // values are kept; the rest are counted under "(other)".
  static constexpr std::size_t kMaxStatusValues = 32;
  std::map<std::string, std::size_t> by_status;
};

}  // namespace ctim::agent
