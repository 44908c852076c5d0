// A CTIM identities file as `plan` and `write` use it: read whole (the plan needs every row at once), with
// the rows the reader rejected kept beside the valid ones, and the way those rejections enter the plan:
// each rejected row becomes a refused row of the plan (rule R1, or R2/R6 for duplicates), and a row that a
// LATER row duplicates is refused too (the reader yields the earlier row as valid before it sees the later
// one, and writing one of two rows that claim the same mailbox, target or X500 would be a guess).
// Memory: about 1 KB per row (20,000 rows: ~20 MB).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "agent/reader/identity_reader_result.h"
#include "agent/plan/plan.h"
#include "agent/reader/reader_options.h"
#include "agent/model/source_identity.h"
#include "common/result.h"

namespace ctim::agent {

struct IdentityFile {
  std::string label;                    // the path as given, prefix of every message
  std::vector<SourceIdentity> rows;     // valid rows, in file order (unmapped ones included)
  std::vector<RowError> errors;         // rejected rows, in file order
  std::vector<ReaderWarning> warnings;  // unknown columns (header warnings)
  ReaderSummary summary;
};

// Fails (kInvalidInput, naming the file) when the file cannot be opened or is refused as a whole
// (encoding, delimiter, missing column): then nothing may be planned.
[[nodiscard]] Result<IdentityFile> ReadIdentityFile(const std::filesystem::path& path,
                                                    const ReaderOptions& options);

// Adds one refused RowPlan per rejected row (in row order among the plan's rows; its source_index is
// kNoSource) and refuses the rows that rejected duplicates point at. Call after BuildPlan.
void AddRejectedRows(const IdentityFile& file, Plan& plan);

inline constexpr std::size_t kNoSource = static_cast<std::size_t>(-1);

}  // namespace ctim::agent
