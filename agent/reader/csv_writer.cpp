#include "agent/reader/csv_writer.h"

namespace ctim::agent {

void AppendCsvRecord(std::string& out, std::span<const std::string_view> fields, std::string_view line_end) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendCsvField(out, fields[i]);
  }
  out.append(line_end);
}

}  // namespace ctim::agent
