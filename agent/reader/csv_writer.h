// Writing RFC 4180 CSV, the inverse of csv_parser.h: each field quoted by the rule of common/csv.h; records
// end with CRLF as CsvHelper writes them. Used to generate test and benchmark input.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "common/csv.h"

namespace ctim::agent {

using ::ctim::AppendCsvField;  // one field, quoted if needed (common/csv.h)
// Appends the fields separated by ',' and the record end.
void AppendCsvRecord(std::string& out, std::span<const std::string_view> fields,
                     std::string_view line_end = "\r\n");

}  // namespace ctim::agent
