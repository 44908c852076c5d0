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

Error RangeFollower::Stuck(std::string why) const {
  return Error{
      Errc::kUnavailable,
      fmt::format("ranged read of {}: {} after {} request(s), values 0-{} read; refusing a truncated "
                  "value list",
                  current_.name, why, requests_, current_.high.value_or(current_.low)),
      "check the DC's MaxValRange and load, then retry"};
}

Result<std::string> RangeFollower::NextRequest(Clock::time_point now) {
  if (requests_ >= max_requests_) {
    return std::unexpected(Stuck(fmt::format("the DC still had values after {} requests", max_requests_)));
  }
  if (now >= deadline_) return std::unexpected(Stuck("the deadline for the whole attribute passed"));
  ++requests_;
  return NextRangeRequest(current_);
}

Status RangeFollower::Accept(const std::optional<RangedAttribute>& chunk) {
  const std::size_t expected = current_.high.value_or(current_.low) + 1;
  if (!chunk) {
    return std::unexpected(Stuck(fmt::format("the DC returned no values from {} on", expected)));
  }
  if (chunk->low != expected) {
    return std::unexpected(
        Stuck(fmt::format("asked for values from {} on, the DC returned range {}-{}", expected, chunk->low,
                          chunk->high ? std::to_string(*chunk->high) : std::string("*"))));
  }
  current_.low = chunk->low;
  current_.high = chunk->high;
  return {};
}

}  // namespace ctim::ldap
