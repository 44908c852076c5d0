// SHA-256 of a file, for the journal (runs.file_sha256): proves later which exact file a run read.
#pragma once

#include <filesystem>
#include <string>

#include "common/result.h"

namespace ctim::service {

// Lower-case hex. kInvalidInput naming the file when it cannot be read.
[[nodiscard]] Result<std::string> Sha256OfFile(const std::filesystem::path& path);

}  // namespace ctim::service
