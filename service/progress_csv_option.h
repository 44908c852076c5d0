// --progress-csv FILE for `write` and `verify`: where the progress CSV (agent/report/progress_csv.h) goes.
// Checked before anything is changed, so a mistyped directory fails the command up front.
#pragma once

#include <cxxopts.hpp>
#include <optional>
#include <string>

#include "common/result.h"

namespace ctim::service {

void AddProgressCsvOption(cxxopts::Options& options, std::string_view group);
// nullopt when not given; kInvalidInput when FILE is a directory or its directory does not exist.
[[nodiscard]] Result<std::optional<std::string>> ReadProgressCsvPath(const cxxopts::ParseResult& parsed);

}  // namespace ctim::service
