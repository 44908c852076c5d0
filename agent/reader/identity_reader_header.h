// The header row of a CTIM identities file: which position holds which column. The reader is driven by
// header names only, never by position (the real column order is not published).
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "agent/reader/csv_parser.h"
#include "agent/reader/reader_options.h"
#include "common/result.h"

namespace ctim::agent {

struct ColumnMap {
  std::vector<std::string> names;                // header cells as written, by position
  std::vector<std::optional<Column>> column_at;  // the column at each position; nullopt = unknown
  std::array<std::optional<std::size_t>, kColumnCount> position{};  // where each column is, if present

  [[nodiscard]] bool Has(Column c) const { return position[static_cast<std::size_t>(c)].has_value(); }
  [[nodiscard]] std::size_t size() const { return names.size(); }
};

// Resolves the header record. `where` names it in messages ("file.csv:1"). Refuses (kInvalidInput, with
// the fix in the hint): a malformed or over-long header, invalid UTF-8 or NUL bytes (UTF-16 without BOM),
// a ';', tab or '|' delimited header ("re-save with comma delimiter"), CR-only line ends, two cells naming
// the same column, a missing required column. Unknown cells are returned in `unknown` as
// "unknown column \"Notes\" (column 10) ignored" messages, once each.
Result<ColumnMap> ResolveHeader(const CsvRecord& header, const ReaderOptions& options, std::string_view where,
                                std::vector<std::string>& unknown);

}  // namespace ctim::agent
