// CSV that a spreadsheet opens safely. Our CSV files carry values that came from another tenant's export
// (display names, addresses, reasons quoting them); Excel and LibreOffice run a cell that starts with '=',
// '+', '-' or '@' as a formula (and one that starts with a tab, CR or NUL may still become one). Following
// OWASP's CSV injection guidance (doc/report-formats.md), such a cell is prefixed with a single quote, which
// the spreadsheet takes as "this is text".
// Quoting itself is agent/reader/csv_writer.h (RFC 4180).
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace ctim::agent::report {

// The cell as written: `value`, or "'" + value when it starts with = + - @ TAB CR or NUL.
[[nodiscard]] std::string NeutraliseCell(std::string_view value);
// Appends the neutralised, quoted fields separated by ',' and CRLF.
void AppendSafeCsvRecord(std::string& out, std::span<const std::string_view> fields);

}  // namespace ctim::agent::report
