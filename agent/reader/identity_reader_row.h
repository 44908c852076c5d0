// One data record of a CTIM identities file -> a SourceIdentity, or the list of what is wrong with it.
// Only what a single row can tell is checked here; duplicates across rows are the reader's job.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "agent/reader/identity_reader_header.h"
#include "agent/reader/identity_reader_result.h"
#include "agent/reader/reader_options.h"
#include "agent/model/source_identity.h"

namespace ctim::agent {

struct ParsedRow {
  SourceIdentity identity;
  std::vector<RowProblem> problems;  // empty: the row is valid
  // Which keys of `identity` are usable for the duplicate checks even if the row has other problems.
  bool exchange_guid_ok = false;
  bool legacy_dn_ok = false;
  // At most kMaxProblems are kept; the last one then says how many more there were.
  static constexpr std::size_t kMaxProblems = 20;
};

// REQUIRES: fields.size() == columns.size(). `utf16_source` words encoding errors for a UTF-16 file.
// `scratch` is reused between calls to keep allocations down.
void ParseRow(std::span<const std::string_view> fields, const ColumnMap& columns,
              const ReaderOptions& options, bool utf16_source, ParsedRow& out,
              std::vector<std::string>& scratch);

}  // namespace ctim::agent
