// A journal file in a fresh temporary directory, removed (with its -wal/-shm) when the test ends.
#pragma once

#include <filesystem>
#include <random>
#include <string>

namespace ctim::agent::testing {

// A new, empty directory "<prefix>-<random>" in the system's temp folder, or "" when none could be made.
// std::filesystem only (no mkdtemp): these tests run on Windows too.
inline std::string MakeTempDir(const std::string& prefix) {
  std::error_code ec;
  const std::filesystem::path base = std::filesystem::temp_directory_path(ec);
  if (ec) return {};
  std::random_device random;
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::filesystem::path dir = base / (prefix + "-" + std::to_string(random()));
    if (std::filesystem::create_directory(dir, ec)) return dir.string();  // false: it existed, or failed
  }
  return {};
}

class TempDir {
 public:
  TempDir() : path_(MakeTempDir("ctim-core")) {}
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
