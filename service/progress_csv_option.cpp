#include "service/progress_csv_option.h"

#include <filesystem>

namespace ctim::service {

void AddProgressCsvOption(cxxopts::Options& options, std::string_view group) {
  options.add_options(std::string(group))(
      "progress-csv",
      "also write the progress CSV to FILE (one row per user and attribute: status, reason, fix, UTC "
      "timestamp; columns in README \"Progress CSV\"), replaced atomically",
      cxxopts::value<std::string>(), "FILE");
}

Result<std::optional<std::string>> ReadProgressCsvPath(const cxxopts::ParseResult& parsed) {
  if (parsed.count("progress-csv") == 0) return std::optional<std::string>();
  const std::string path = parsed["progress-csv"].as<std::string>();
  namespace fs = std::filesystem;
  std::error_code ec;
  if (path.empty() || fs::is_directory(path, ec)) {
    return Fail(Errc::kInvalidInput, "--progress-csv \"" + path + "\" is not a file name",
                "give a file name, e.g. --progress-csv progress.csv");
  }
  const fs::path parent = fs::absolute(path, ec).parent_path();
  if (!fs::is_directory(parent, ec)) {
    return Fail(Errc::kInvalidInput,
                "--progress-csv " + path + ": directory " + parent.string() + " does not exist",
                "create it first, or write the file elsewhere");
  }
  return std::optional<std::string>(path);
}

}  // namespace ctim::service
