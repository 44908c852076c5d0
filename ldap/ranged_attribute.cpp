#include "ldap/ranged_attribute.h"

#include <fmt/format.h>

#include <charconv>

#include "common/ascii.h"

namespace ctim::ldap {
namespace {

bool ParseIndex(std::string_view text, std::size_t& out) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::optional<RangedAttribute> ParseRangedAttribute(std::string_view description) {
  // Options are ';'-separated after the attribute type; find the one that starts with "range=".
  std::string name;
  std::optional<std::string_view> range;
  std::size_t start = 0;
  bool first = true;
  while (start <= description.size()) {
    const std::size_t semi = description.find(';', start);
    const std::string_view part =
        description.substr(start, semi == std::string_view::npos ? std::string_view::npos : semi - start);
    if (!first && StartsWithAscii(part, "range=")) {
      if (range) return std::nullopt;  // two ranges
      range = part.substr(6);
    } else {
      if (!first) name += ';';
      name += part;
    }
    first = false;
    if (semi == std::string_view::npos) break;
    start = semi + 1;
  }
  if (!range || name.empty()) return std::nullopt;
  const std::size_t dash = range->find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  RangedAttribute out;
  out.name = std::move(name);
  if (!ParseIndex(range->substr(0, dash), out.low)) return std::nullopt;
  const std::string_view high = range->substr(dash + 1);
  if (high != "*") {
    std::size_t value = 0;
    if (!ParseIndex(high, value) || value < out.low) return std::nullopt;
    out.high = value;
  }
  return out;
}

std::string NextRangeRequest(const RangedAttribute& previous) {
  return fmt::format("{};range={}-*", previous.name, previous.high.value_or(previous.low) + 1);
}

}  // namespace ctim::ldap
