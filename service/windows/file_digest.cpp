// Sha256OfFile on Windows: BCrypt's SHA-256 over the file, read in 64 KiB blocks.
#include "service/file_digest.h"

// clang-format off
#include <windows.h>
#include <bcrypt.h>
// clang-format on

#include <array>
#include <fstream>
#include <memory>

#include "common/c_free.h"

namespace ctim::service {
namespace {
void CloseAlgorithm(void* h) noexcept { BCryptCloseAlgorithmProvider(h, 0); }
void DestroyHash(void* h) noexcept { BCryptDestroyHash(h); }
using AlgorithmHandle = std::unique_ptr<void, CFree<&CloseAlgorithm>>;
using HashHandle = std::unique_ptr<void, CFree<&DestroyHash>>;
}  // namespace

Result<std::string> Sha256OfFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(Errc::kInvalidInput, path.string() + ": cannot open to compute its SHA-256");
  BCRYPT_ALG_HANDLE raw_alg = nullptr;
  const NTSTATUS opened = BCryptOpenAlgorithmProvider(&raw_alg, BCRYPT_SHA256_ALGORITHM, nullptr, 0);
  const AlgorithmHandle alg(raw_alg);
  BCRYPT_HASH_HANDLE raw_hash = nullptr;
  if (opened != 0 || BCryptCreateHash(alg.get(), &raw_hash, nullptr, 0, nullptr, 0, 0) != 0) {
    return Fail(Errc::kInternal, "CNG: SHA-256 is not available");
  }
  const HashHandle hash(raw_hash);
  std::array<char, 1 << 16> buffer{};
  while (in) {
    in.read(buffer.data(), buffer.size());
    const auto n = static_cast<ULONG>(in.gcount());
    if (n > 0 && BCryptHashData(hash.get(), reinterpret_cast<PUCHAR>(buffer.data()), n, 0) != 0) {
      return Fail(Errc::kInternal, "CNG: SHA-256 update failed");
    }
  }
  if (in.bad()) return Fail(Errc::kInvalidInput, path.string() + ": read error while computing its SHA-256");
  std::array<unsigned char, 32> digest{};
  if (BCryptFinishHash(hash.get(), digest.data(), static_cast<ULONG>(digest.size()), 0) != 0) {
    return Fail(Errc::kInternal, "CNG: SHA-256 failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(digest.size() * 2);
  for (unsigned char b : digest) {
    hex.push_back(kHex[b >> 4U]);
    hex.push_back(kHex[b & 0xfU]);
  }
  return hex;
}

}  // namespace ctim::service
