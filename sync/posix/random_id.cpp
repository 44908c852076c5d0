#include "sync/random_id.h"

#include <openssl/rand.h>

#include <array>
#include <cstdint>
#include <random>

namespace ctim::sync {

std::string NewGuidText() {
  std::array<std::uint8_t, 16> b{};
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) {
    // RAND_bytes fails only when the OS entropy source does; random_device reads the same source.
    std::random_device rd;
    for (auto& byte : b) byte = static_cast<std::uint8_t>(rd());
  }
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0FU) | 0x40U);  // version 4
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3FU) | 0x80U);  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4U]);
    out.push_back(kHex[b[i] & 15U]);
  }
  return out;
}

}  // namespace ctim::sync
