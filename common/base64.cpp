#include "common/base64.h"

#include <array>
#include <cstdint>

namespace ctim {
namespace {

constexpr std::string_view kStd = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Encode(std::string_view in, std::string_view alphabet, bool pad) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const std::uint32_t v = (std::uint32_t{static_cast<std::uint8_t>(in[i])} << 16) |
                            (std::uint32_t{static_cast<std::uint8_t>(in[i + 1])} << 8) |
                            std::uint32_t{static_cast<std::uint8_t>(in[i + 2])};
    out.push_back(alphabet[(v >> 18) & 63]);
    out.push_back(alphabet[(v >> 12) & 63]);
    out.push_back(alphabet[(v >> 6) & 63]);
    out.push_back(alphabet[v & 63]);
  }
  const std::size_t rest = in.size() - i;
  if (rest > 0) {
    std::uint32_t v = std::uint32_t{static_cast<std::uint8_t>(in[i])} << 16;
    if (rest == 2) v |= std::uint32_t{static_cast<std::uint8_t>(in[i + 1])} << 8;
    out.push_back(alphabet[(v >> 18) & 63]);
    out.push_back(alphabet[(v >> 12) & 63]);
    if (rest == 2) out.push_back(alphabet[(v >> 6) & 63]);
    if (pad) out.append(rest == 1 ? "==" : "=");
  }
  return out;
}

std::optional<std::string> Decode(std::string_view in, std::string_view alphabet, bool padded) {
  std::array<int, 256> value{};
  value.fill(-1);
  for (std::size_t i = 0; i < alphabet.size(); ++i) value[static_cast<std::uint8_t>(alphabet[i])] = static_cast<int>(i);
  std::size_t pad = 0;
  if (padded) {
    if (in.size() % 4 != 0) return std::nullopt;
    while (pad < 2 && !in.empty() && in.back() == '=') {
      in.remove_suffix(1);
      ++pad;
    }
  } else if (in.size() % 4 == 1) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(in.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    const int v = value[static_cast<std::uint8_t>(c)];
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  // Leftover bits must be zero (canonical encoding), else the text was not produced by an encoder.
  if ((acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

}  // namespace

std::string Base64Encode(std::string_view bytes) { return Encode(bytes, kStd, true); }
std::optional<std::string> Base64Decode(std::string_view text) { return Decode(text, kStd, true); }
std::string Base64UrlEncode(std::string_view bytes) { return Encode(bytes, kUrl, false); }
std::optional<std::string> Base64UrlDecode(std::string_view text) { return Decode(text, kUrl, false); }

}  // namespace ctim
