#include "agent/reader/identity_reader_result.h"

namespace ctim::agent {

std::string_view ReasonName(Reason reason) {
  switch (reason) {
    case Reason::kBrokenQuotes:
      return "broken_quotes";
    case Reason::kUnterminatedQuote:
      return "unterminated_quote";
    case Reason::kRecordTooLong:
      return "record_too_long";
    case Reason::kFieldCount:
      return "field_count";
    case Reason::kReadError:
      return "read_error";
    case Reason::kInvalidEncoding:
      return "invalid_encoding";
    case Reason::kControlCharacter:
      return "control_character";
    case Reason::kMissingValue:
      return "missing_value";
    case Reason::kBadGuid:
      return "bad_guid";
    case Reason::kZeroGuid:
      return "zero_guid";
    case Reason::kBadLegacyDn:
      return "bad_legacy_dn";
    case Reason::kBadSmtp:
      return "bad_smtp";
    case Reason::kBadUpn:
      return "bad_upn";
    case Reason::kBadProxy:
      return "bad_proxy";
    case Reason::kUnknownProxyType:
      return "unknown_proxy_type";
    case Reason::kValueTooLong:
      return "value_too_long";
    case Reason::kBadJsonArray:
      return "bad_json_array";
    case Reason::kBadBoolean:
      return "bad_boolean";
    case Reason::kBadInteger:
      return "bad_integer";
    case Reason::kDuplicateExchangeGuid:
      return "duplicate_exchange_guid";
    case Reason::kDuplicateTarget:
      return "duplicate_target";
    case Reason::kDuplicateX500:
      return "duplicate_x500";
  }
  return "unknown";
}

std::string RowError::Where() const {
  std::string where = file + ":" + std::to_string(row);
  if (line != row) where += " (line " + std::to_string(line) + ")";
  return where;
}

std::vector<std::string> RowError::Lines() const {
  const std::string where = Where();
  std::vector<std::string> lines;
  lines.reserve(problems.size());
  for (const RowProblem& p : problems) lines.push_back(where + ": " + p.message);
  return lines;
}

}  // namespace ctim::agent
