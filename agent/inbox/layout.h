// Where `serve` keeps the files it ingests. The state directory is the inbox's parent; the other folders are
// the inbox's siblings there (doc/inbox.md):
//   <state>/inbox/       files dropped by the admin (and <name>.approve markers)
//   <state>/processed/   every input taken, kept as "<id>-<name>" (id: the inbox file id of the journal)
//   <state>/failed/      inputs that could not be read or are not CTIM files, with "<id>-<name>.error.txt"
//   <state>/outbox/      the reports per file: "<id>-<name>.plan.txt", ".plan.csv", ".progress.csv",
//                        ".final.csv" and ".report.txt" (every change of state, every hold and why)
//   <state>/serve.lock   held by the one running `serve`
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "common/result.h"

namespace ctim::agent::inbox {

struct Layout {
  std::filesystem::path inbox, processed, failed, outbox, lock;

  // REQUIRES: `inbox` is absolute and has a parent other than the root (service/config.cpp checks it).
  [[nodiscard]] static Layout ForInbox(const std::filesystem::path& inbox);
  // Creates the folders that do not exist (existing ones keep their owner and mode). kUnavailable naming it.
  [[nodiscard]] Status Create() const;

  // "<id>-<name>": how an input is named once taken, in processed/, failed/ and outbox/.
  [[nodiscard]] static std::string StoredName(std::int64_t id, const std::string& name);
  [[nodiscard]] std::filesystem::path Outbox(const std::string& stored_name, std::string_view suffix) const {
    return outbox / (stored_name + std::string(suffix));
  }
};

}  // namespace ctim::agent::inbox
