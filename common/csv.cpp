#include "common/csv.h"

namespace ctim {

void AppendCsvField(std::string& out, std::string_view field) {
  const bool quote = field.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!field.empty() && (field.front() == ' ' || field.front() == '#'));
  if (!quote) {
    out.append(field);
    return;
  }
  out.push_back('"');
  for (const char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

std::string CsvField(std::string_view field) {
  std::string out;
  out.reserve(field.size() + 2);
  AppendCsvField(out, field);
  return out;
}

}  // namespace ctim
