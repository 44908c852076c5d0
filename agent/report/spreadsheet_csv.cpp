#include "agent/report/spreadsheet_csv.h"

#include <vector>

#include "agent/reader/csv_writer.h"

namespace ctim::agent::report {

std::string NeutraliseCell(std::string_view value) {
  if (value.empty()) return {};
  switch (value.front()) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
    case '\0':
      return "'" + std::string(value);
    default:
      return std::string(value);
  }
}

void AppendSafeCsvRecord(std::string& out, std::span<const std::string_view> fields) {
  std::vector<std::string> cells;
  cells.reserve(fields.size());
  for (std::string_view f : fields) cells.push_back(NeutraliseCell(f));
  std::vector<std::string_view> views(cells.begin(), cells.end());
  AppendCsvRecord(out, views);
}

}  // namespace ctim::agent::report
