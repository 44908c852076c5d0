#include "sync/http_date.h"

#include <array>
#include <cstdio>

namespace ctim::sync {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> kWeekdays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

// SysTime counts nanoseconds in 64 bits: 1677-09-21 to 2262-04-11. A date outside whole years of that
// range (a fuzzed "2994-05-01T10:20:30Z", Graph's "0001-01-01T00:00:00Z" placeholder) is not a time we can
// hold: nullopt, instead of a signed overflow.
constexpr int kFirstYear = 1678;
constexpr int kLastYear = 2261;

std::optional<SysTime> Compose(int year, int month, int day, int hour, int minute, int second) {
  if (year < kFirstYear || year > kLastYear) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year(year),
                                        std::chrono::month(static_cast<unsigned>(month)),
                                        std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  return std::chrono::sys_days(ymd) + hours(hour) + minutes(minute) + seconds(second);
}

}  // namespace

std::optional<SysTime> ParseHttpDate(std::string_view t) {
  // IMF-fixdate is fixed-width: "Sun, 06 Nov 1994 08:49:37 GMT" (29 characters).
  if (t.size() != 29 || t.substr(3, 2) != ", " || t[7] != ' ' || t[11] != ' ' || t[16] != ' ' ||
      t[19] != ':' || t[22] != ':' || t.substr(25) != " GMT") {
    return std::nullopt;
  }
  bool weekday_ok = false;
  for (std::string_view w : kWeekdays) weekday_ok = weekday_ok || t.substr(0, 3) == w;
  int month = 0;
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (t.substr(8, 3) == kMonths[i]) month = static_cast<int>(i) + 1;
  }
  const auto day = ParseFixedDigits(t, 5, 2);
  const auto year = ParseFixedDigits(t, 12, 4);
  const auto hour = ParseFixedDigits(t, 17, 2);
  const auto minute = ParseFixedDigits(t, 20, 2);
  const auto second = ParseFixedDigits(t, 23, 2);
  if (!weekday_ok || month == 0 || !day || !year || !hour || !minute || !second) return std::nullopt;
  return Compose(*year, month, *day, *hour, *minute, *second);
}

std::string FormatHttpDate(SysTime t) {
  const auto day_point = std::chrono::floor<days>(t);
  const std::chrono::year_month_day ymd{day_point};
  const std::chrono::hh_mm_ss hms{std::chrono::floor<seconds>(t - day_point)};
  const std::chrono::weekday wd{day_point};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d GMT", kWeekdays[wd.c_encoding()].data(),
                static_cast<unsigned>(ymd.day()), kMonths[static_cast<unsigned>(ymd.month()) - 1].data(),
                static_cast<int>(ymd.year()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return buf;
}

}  // namespace ctim::sync
