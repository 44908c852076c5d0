#include "common/iso8601.h"

#include <cstdint>
#include <cstdio>

namespace ctim {

std::optional<int> ParseFixedDigits(std::string_view text, std::size_t pos, std::size_t width) {
  if (pos + width > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

std::optional<std::chrono::system_clock::time_point> ParseUtcIso8601(std::string_view t) {
  using namespace std::chrono;
  if (t.size() < 20 || t[4] != '-' || t[7] != '-' || (t[10] != 'T' && t[10] != 't' && t[10] != ' ') ||
      t[13] != ':' || t[16] != ':') {
    return std::nullopt;
  }
  const auto y = ParseFixedDigits(t, 0, 4);
  const auto mo = ParseFixedDigits(t, 5, 2);
  const auto d = ParseFixedDigits(t, 8, 2);
  const auto h = ParseFixedDigits(t, 11, 2);
  const auto mi = ParseFixedDigits(t, 14, 2);
  const auto s = ParseFixedDigits(t, 17, 2);
  if (!y || !mo || !d || !h || !mi || !s) return std::nullopt;
  if (*y < 1678 || *y > 2261) return std::nullopt;
  const year_month_day date{year(*y), month(static_cast<unsigned>(*mo)), day(static_cast<unsigned>(*d))};
  if (!date.ok() || *h > 23 || *mi > 59 || *s > 60) return std::nullopt;
  auto result = time_point_cast<microseconds>(sys_days(date)) + hours(*h) + minutes(*mi) + seconds(*s);

  std::size_t pos = 19;
  if (pos < t.size() && t[pos] == '.') {
    ++pos;
    std::int64_t micros = 0;
    int taken = 0;
    const std::size_t first = pos;
    for (; pos < t.size() && t[pos] >= '0' && t[pos] <= '9'; ++pos) {
      if (taken < 6) {
        micros = micros * 10 + (t[pos] - '0');
        ++taken;
      }
    }
    if (pos == first) return std::nullopt;
    for (; taken < 6; ++taken) micros *= 10;
    result += microseconds(micros);
  }
  const std::string_view zone = t.substr(pos);
  if (zone != "Z" && zone != "z") {
    if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':') return std::nullopt;
    const auto zh = ParseFixedDigits(zone, 1, 2);
    const auto zm = ParseFixedDigits(zone, 4, 2);
    if (!zh || !zm || *zh > 23 || *zm > 59) return std::nullopt;
    const auto offset = hours(*zh) + minutes(*zm);
    result = zone[0] == '+' ? result - offset : result + offset;
  }
  return time_point_cast<system_clock::duration>(result);
}

std::string FormatUtcIso8601(std::chrono::system_clock::time_point t, UtcPrecision precision) {
  using namespace std::chrono;
  const auto micros = floor<microseconds>(t);
  const sys_days day = floor<days>(micros);
  const year_month_day date{day};
  const hh_mm_ss<microseconds> time{micros - day};
  char buf[48];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(date.year()),
                        static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                        static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                        static_cast<int>(time.seconds().count()));
  const long long fraction = time.subseconds().count();  // microseconds, 0..999999
  switch (precision) {
    case UtcPrecision::kSeconds:
      break;
    case UtcPrecision::kMilliseconds:
      n += std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), ".%03lld", fraction / 1000);
      break;
    case UtcPrecision::kMicroseconds:
      n += std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), ".%06lld", fraction);
      break;
  }
  std::string out(buf, static_cast<std::size_t>(n));
  out.push_back('Z');
  return out;
}

}  // namespace ctim
