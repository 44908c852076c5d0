// RFC 4180 records from a CsvInput, one at a time, in memory bounded by the longest record (capped).
//   - fields separated by ',', records by CRLF or LF; the last record may lack a line end;
//   - a field in double quotes may hold ',', CR, LF and "" (one quote);
//   - a lone CR outside quotes is data (the field validators reject it, naming the row).
// A malformed record is still returned, marked with its first defect, and parsing resumes at the next
// record end, so one broken row never hides the rows after it:
//   kStrayQuote        a '"' inside an unquoted field (kept as a literal quote)
//   kTextAfterQuote    a character other than ',' or a line end after a closing quote (kept, field goes on)
//   kUnterminatedQuote the input ended inside a quoted field (the record ends there)
//   kTooLong           the record exceeded max_record_bytes; its fields are dropped, parsing skips to its end
// Not thread-safe. The CsvInput must outlive the parser.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "agent/reader/csv_input.h"

namespace ctim::agent {

enum class CsvDefect { kNone, kStrayQuote, kTextAfterQuote, kUnterminatedQuote, kTooLong };

struct CsvRecord {
  std::size_t first_line = 0;  // 1-based physical line where the record starts
  std::size_t last_line = 0;   // ... and where it ends (differs when a quoted field holds line breaks)
  // Field values with quoting removed. Views into the parser: valid until the next Next().
  std::vector<std::string_view> fields;
  bool blank = false;  // an empty line: no bytes at all before its line end
  CsvDefect defect = CsvDefect::kNone;
  std::size_t defect_line = 0;   // line of the first defect
  std::size_t defect_field = 0;  // 0-based index of the field holding it
};

class CsvParser {
 public:
  // REQUIRES: max_record_bytes >= 1.
  CsvParser(CsvInput& input, std::size_t max_record_bytes);

  // Fills `record` with the next record; false at the end of the input.
  bool Next(CsvRecord& record);
  // The physical line the parser is on (1-based).
  [[nodiscard]] std::size_t line() const { return line_; }

 private:
  enum class State { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted };

  bool Refill();  // false at end of input
  void Append(std::string_view bytes);
  void EndField();
  void Mark(CsvDefect defect, std::size_t line);

  CsvInput* input_;
  std::size_t max_record_bytes_;
  std::string_view chunk_;  // unread part of the current chunk
  bool at_end_ = false;
  std::size_t line_ = 1;
  bool pending_cr_ = false;  // a CR outside quotes, waiting to see whether LF follows

  // The record being built.
  std::string text_;
  std::vector<std::size_t> ends_;
  bool overflow_ = false;
  CsvRecord* out_ = nullptr;
};

}  // namespace ctim::agent
