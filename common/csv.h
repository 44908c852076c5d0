// Writing one CSV field as RFC 4180 says (doc/facts.md §1.2, §1.3): a field holding ',', '"', CR or LF is
// enclosed in double quotes and each '"' inside is doubled; any other field is written as it is, except one
// that starts with a space or '#', which is quoted too (RFC 4180 allows quoting any field) so that no reader
// trims it or takes its line for a comment. The one CSV writer rule of the progress file, the test and
// benchmark generators and the lab's CTIM files. Pure, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace ctim {

// Appends `field` to `out`, quoted when needed.
void AppendCsvField(std::string& out, std::string_view field);
// The field as it is written.
[[nodiscard]] std::string CsvField(std::string_view field);

}  // namespace ctim
