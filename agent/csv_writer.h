// Writing RFC 4180 CSV, the inverse of csv_parser.h: a field is quoted when it holds ',', '"', CR or LF
// (or starts with a space or '#', so no reader mistakes it for a comment), quotes doubled; records end
// with CRLF as CsvHelper writes them. Used for the progress file and to generate test and benchmark input.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace ctim::agent {

// Appends one field, quoted if needed.
void AppendCsvField(std::string& out, std::string_view field);
// Appends the fields separated by ',' and the record end.
void AppendCsvRecord(std::string& out, std::span<const std::string_view> fields,
                     std::string_view line_end = "\r\n");

}  // namespace ctim::agent
