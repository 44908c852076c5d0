#include "common/guid.h"

#include <cstddef>

namespace ctim {
namespace {

// Position in the AD byte array of each byte as it appears, left to right, in the text form.
// Data1 (4 bytes) and Data2/Data3 (2 each) are little-endian; Data4 keeps its order.
constexpr std::array<std::size_t, 16> kTextToAd = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<Guid> Guid::Parse(std::string_view text) {
  if (text.size() == 38 && text.front() == '{' && text.back() == '}') {
    text = text.substr(1, 36);
  }
  if (text.size() != 36) return std::nullopt;
  Guid guid;
  std::size_t byte = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return std::nullopt;
      ++i;
      continue;
    }
    const int hi = HexValue(text[i]);
    const int lo = HexValue(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    guid.bytes_[kTextToAd[byte++]] = static_cast<std::uint8_t>(hi * 16 + lo);
    i += 2;
  }
  return guid;
}

std::optional<Guid> Guid::FromAdBytes(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != 16) return std::nullopt;
  Guid guid;
  for (std::size_t i = 0; i < 16; ++i) guid.bytes_[i] = bytes[i];
  return guid;
}

std::optional<Guid> Guid::FromAdBytes(std::string_view bytes) {
  return FromAdBytes(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

std::string Guid::ToString() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    const std::uint8_t b = bytes_[kTextToAd[i]];
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xF]);
  }
  return out;
}

std::string Guid::AdBytes() const { return std::string(reinterpret_cast<const char*>(bytes_.data()), 16); }

bool Guid::IsZero() const {
  for (std::uint8_t b : bytes_) {
    if (b != 0) return false;
  }
  return true;
}

}  // namespace ctim
