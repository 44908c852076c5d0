#include "service/file_digest.h"

#include <openssl/evp.h>

#include <array>
#include <fstream>
#include <memory>

#include "common/c_free.h"

namespace ctim::service {
namespace {
using EvpMdCtx = std::unique_ptr<EVP_MD_CTX, CFree<&EVP_MD_CTX_free>>;
}  // namespace

Result<std::string> Sha256OfFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(Errc::kInvalidInput, path.string() + ": cannot open to compute its SHA-256");
  const EvpMdCtx ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    return Fail(Errc::kInternal, "OpenSSL: SHA-256 is not available");
  }
  std::array<char, 1 << 16> buffer{};
  while (in) {
    in.read(buffer.data(), buffer.size());
    const auto n = static_cast<std::size_t>(in.gcount());
    if (n > 0 && EVP_DigestUpdate(ctx.get(), buffer.data(), n) != 1) {
      return Fail(Errc::kInternal, "OpenSSL: SHA-256 update failed");
    }
  }
  if (in.bad()) return Fail(Errc::kInvalidInput, path.string() + ": read error while computing its SHA-256");
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(ctx.get(), digest.data(), &size) != 1)
    return Fail(Errc::kInternal, "OpenSSL: SHA-256 failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xf]);
  }
  return hex;
}

}  // namespace ctim::service
