// Which journal a command uses (--journal FILE, else [agent] journal) and opening it.
#pragma once

#include <cxxopts.hpp>
#include <optional>
#include <string>

#include "agent/journal/journal.h"
#include "common/result.h"
#include "service/config.h"

namespace ctim::service {

void AddJournalOption(cxxopts::Options& options, std::string_view group);

// --journal, else the config's [agent] journal. kInvalidInput when neither is available.
[[nodiscard]] Result<std::string> JournalPath(const cxxopts::ParseResult& parsed,
                                              const std::optional<Config>& config);

// For write and rollback: creates the journal (and its directory, mode 0700) if it does not exist.
[[nodiscard]] Result<agent::Journal> OpenJournalForWriting(const std::string& path);
// For runs, show and verify: the journal must exist (reading never creates one). kInvalidInput (exit 2) when
// it does not.
[[nodiscard]] Result<agent::Journal> OpenExistingJournal(const std::string& path);

}  // namespace ctim::service
