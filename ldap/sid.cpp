#include "ldap/sid.h"

#include <fmt/format.h>

#include <cstdint>

namespace ctim::ldap {

std::optional<std::string> SidToString(std::string_view bytes) {
  // revision (1), sub-authority count (1), identifier authority (6, big-endian), sub-authorities (4 each, LE)
  if (bytes.size() < 8) return std::nullopt;
  const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(bytes[i]); };
  const std::size_t count = byte(1);
  if (byte(0) != 1 || count > 15 || bytes.size() != 8 + 4 * count) return std::nullopt;
  std::uint64_t authority = 0;
  for (std::size_t i = 2; i < 8; ++i) authority = (authority << 8) | byte(i);
  std::string out = fmt::format("S-1-{}", authority);
  for (std::size_t k = 0; k < count; ++k) {
    const std::size_t at = 8 + 4 * k;
    const std::uint32_t sub =
        static_cast<std::uint32_t>(byte(at)) | (static_cast<std::uint32_t>(byte(at + 1)) << 8) |
        (static_cast<std::uint32_t>(byte(at + 2)) << 16) | (static_cast<std::uint32_t>(byte(at + 3)) << 24);
    out += fmt::format("-{}", sub);
  }
  return out;
}

}  // namespace ctim::ldap
