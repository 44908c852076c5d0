// A journal file in a fresh temporary directory, removed (with its -wal/-shm) when the test ends.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>

namespace ctim::agent::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ctim-core-XXXXXX").string();
    if (mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] std::string File(const std::string& name) const { return (std::filesystem::path(path_) / name).string(); }
  [[nodiscard]] bool ok() const { return !path_.empty(); }

 private:
  std::string path_;
};

}  // namespace ctim::agent::testing
