// What `verify` expects in the cloud, from one of two inputs:
//   - a write run in the journal: per object, the values the run wrote (latest written intent per object),
//     the Entra id recorded with them, and when they were written;
//   - a CTIM identities file, read directly (no journal, no AD): per mapped row, everything the row asks for
//     (ExchangeGuid, ArchiveGuid, X500:<LegacyExchangeDN> and the X500 items, targetAddress).
// Pure apart from reading the file. ELC flags are not verified (Get-MailUser does not show them).
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "agent/journal/journal.h"
#include "agent/reader/reader_options.h"
#include "agent/verify/verify_types.h"
#include "common/result.h"

namespace ctim::agent {

struct ExpectationSet {
  std::vector<Expectation> expectations;  // in row order
  std::vector<std::string> skipped;       // one line per object/row that is not verified, with why
  std::size_t rejected_rows = 0;          // a file's rows the reader rejected (listed in `skipped`)
};

// kInvalidInput for a rollback run (it removes values; there is nothing to see arrive).
[[nodiscard]] Result<ExpectationSet> ExpectationsFromRun(const RunRecord& run, std::span<const IntentView> intents);

// kInvalidInput when the file cannot be read or is refused as a whole (the reader's message).
[[nodiscard]] Result<ExpectationSet> ExpectationsFromFile(const std::filesystem::path& file,
                                                          const ReaderOptions& options);

}  // namespace ctim::agent
