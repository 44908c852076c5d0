#include "common/iso8601.h"

#include <cstdio>

namespace ctim {

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
