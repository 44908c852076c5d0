#include "service/journal_setup.h"

#include <filesystem>

#include "service/file_access.h"

namespace ctim::service {

void AddJournalOption(cxxopts::Options& options, std::string_view group) {
  options.add_options(std::string(group))(
      "journal", "the journal file (SQLite) instead of the configuration's [agent] journal",
      cxxopts::value<std::string>()->default_value(""), "FILE");
}

Result<std::string> JournalPath(const cxxopts::ParseResult& parsed, const std::optional<Config>& config) {
  const std::string given = parsed["journal"].as<std::string>();
  if (!given.empty()) return given;
  if (config && !config->agent.journal.empty()) return config->agent.journal;
  return Fail(Errc::kInvalidInput,
              "no journal: neither --journal nor a configuration file with [agent] journal",
              "pass --journal FILE or --config FILE");
}

Result<agent::Journal> OpenJournalForWriting(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty() && !std::filesystem::exists(parent, ec)) {
    std::filesystem::create_directories(parent, ec);
    if (ec) {
      return Fail(Errc::kInvalidInput, "journal directory " + parent.string() + ": " + ec.message(),
                  "create it, or set [agent] journal / --journal to a writable place");
    }
    std::filesystem::permissions(parent, std::filesystem::perms::owner_all, ec);
  }
  if (Status writable = CheckJournalWritable(path); !writable) return std::unexpected(writable.error());
  auto journal = agent::Journal::Open(path);
  if (!journal) return std::unexpected(std::move(journal.error()).With("journal " + path));
  return journal;
}

Result<agent::Journal> OpenExistingJournal(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Fail(Errc::kInvalidInput, "no journal at " + path + " (no write has run with it yet)",
                "run ctim-agent write first, or check --journal / [agent] journal");
  }
  auto journal = agent::Journal::Open(path);
  if (!journal) return std::unexpected(std::move(journal.error()).With("journal " + path));
  return journal;
}

}  // namespace ctim::service
