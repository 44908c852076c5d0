#include "sync/graph_throttle.h"

#include <charconv>
#include <cmath>

namespace ctim::sync {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<double> ParseFraction(std::string_view text) {
  text = Trim(text);
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value) || value < 0) {
    return std::nullopt;
  }
  return value;
}

std::optional<std::uint64_t> ParseCount(std::string_view text) {
  text = Trim(text);
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

ThrottleSignal ReadThrottleSignal(const HttpResponse& response) {
  ThrottleSignal s;
  if (auto v = response.Header("x-ms-throttle-limit-percentage")) s.limit_fraction = ParseFraction(*v);
  if (auto v = response.Header("x-ms-resource-unit")) s.resource_units = ParseCount(*v);
  if (auto v = response.Header("x-ms-throttle-scope")) s.scope = std::string(Trim(*v));
  if (auto v = response.Header("x-ms-throttle-information")) s.information = std::string(Trim(*v));
  return s;
}

std::chrono::milliseconds PauseFor(const PacingPolicy& policy, double limit_fraction) {
  if (!(limit_fraction > policy.start) || policy.max_pause <= std::chrono::milliseconds(0)) {
    return std::chrono::milliseconds(0);
  }
  if (limit_fraction >= policy.full || policy.full <= policy.start) return policy.max_pause;
  const double share = (limit_fraction - policy.start) / (policy.full - policy.start);
  return std::chrono::milliseconds(
      static_cast<std::int64_t>(std::ceil(share * static_cast<double>(policy.max_pause.count()))));
}

}  // namespace ctim::sync
