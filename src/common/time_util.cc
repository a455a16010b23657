#include "common/time_util.h"

#include <date/date.h>
#include <date/tz.h>

#include <cstdio>
#include <sstream>

#include "common/zone_time.h"

namespace clearline {

std::string formatIsoUtc(TimePoint t) {
  // Fast path (the policy engine formats one per deferred decision): the same
  // text as date::format("%FT%TZ") — "YYYY-MM-DDTHH:MM:SS.mmmZ" — for years 1970–9999.
  const int64_t ms = toEpochMillis(t);
  if (ms >= 0 && ms < 253'402'300'800'000LL) {
    const int64_t days = ms / 86'400'000;
    int64_t rest = ms - days * 86'400'000;
    const CivilDate d = civilFromDays(days);
    const int h = static_cast<int>(rest / 3'600'000);
    rest -= int64_t{h} * 3'600'000;
    const int m = static_cast<int>(rest / 60'000);
    rest -= int64_t{m} * 60'000;
    const int sec = static_cast<int>(rest / 1000), milli = static_cast<int>(rest % 1000);
    char b[24];
    auto put = [&](int pos, int v, int width) {
      for (int i = width - 1; i >= 0; --i, v /= 10) b[pos + i] = static_cast<char>('0' + v % 10);
    };
    put(0, d.year, 4);
    b[4] = '-';
    put(5, static_cast<int>(d.month), 2);
    b[7] = '-';
    put(8, static_cast<int>(d.day), 2);
    b[10] = 'T';
    put(11, h, 2);
    b[13] = ':';
    put(14, m, 2);
    b[16] = ':';
    put(17, sec, 2);
    b[19] = '.';
    put(20, milli, 3);
    b[23] = 'Z';
    return std::string(b, 24);
  }
  return date::format("%FT%TZ", t);
}

Result<std::string> formatIsoInZone(TimePoint t, const std::string& tz_name) {
  try {
    auto zt = date::make_zoned(tz_name, t);
    std::string s = date::format("%FT%T%Ez", zt);
    return s;
  } catch (const std::exception& e) {
    return Status::invalidArgument("unknown time zone '" + tz_name + "'", "tz");
  }
}

namespace {
bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}
}  // namespace

Result<TimePoint> parseIso(std::string_view s) {
  auto bad = [&](const char* why) {
    return Status::invalidArgument("'" + std::string(s) + "' is not an ISO 8601 instant: " + why +
                                   " (expected e.g. 2026-11-03T10:30:00-05:00)");
  };
  int y, mo, d, h, mi, sec = 0, ms = 0;
  if (!digits(s, 0, 4, y) || s.size() < 16 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != ' ') || !digits(s, 11, 2, h) ||
      s[13] != ':' || !digits(s, 14, 2, mi)) {
    return bad("bad date or time");
  }
  size_t p = 16;
  if (p < s.size() && s[p] == ':') {
    if (!digits(s, p + 1, 2, sec)) return bad("bad seconds");
    p += 3;
    if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
      ++p;
      int scale = 100;
      while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
        ms += (s[p] - '0') * scale;
        scale /= 10;
        ++p;
      }
    }
  }
  if (p >= s.size()) return bad("missing UTC offset (add Z or +HH:MM)");
  int offset_min = 0;
  if (s[p] == 'Z' || s[p] == 'z') {
    ++p;
  } else if (s[p] == '+' || s[p] == '-') {
    int sign = s[p] == '-' ? -1 : 1;
    int oh, om = 0;
    if (!digits(s, p + 1, 2, oh)) return bad("bad offset");
    p += 3;
    if (p < s.size() && s[p] == ':') ++p;
    if (p < s.size()) {
      if (!digits(s, p, 2, om)) return bad("bad offset minutes");
      p += 2;
    }
    offset_min = sign * (oh * 60 + om);
  } else {
    return bad("bad offset");
  }
  if (p != s.size()) return bad("trailing characters");
  date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)},
                           date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return bad("out-of-range field");
  auto local = date::sys_days{ymd} + std::chrono::hours{h} + std::chrono::minutes{mi} +
               std::chrono::seconds{sec} + Millis{ms};
  return TimePoint{std::chrono::time_point_cast<Millis>(local) - std::chrono::minutes{offset_min}};
}

Result<TimePoint> parseDateUtc(std::string_view s) {
  int y, mo, d;
  if (s.size() != 10 || !digits(s, 0, 4, y) || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d)) {
    return Status::invalidArgument("'" + std::string(s) + "' is not a date (expected YYYY-MM-DD)");
  }
  date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)},
                           date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return Status::invalidArgument("'" + std::string(s) + "' is not a valid date");
  return TimePoint{std::chrono::time_point_cast<Millis>(date::sys_days{ymd})};
}

bool isKnownTimeZone(const std::string& tz_name) {
  try {
    (void)date::locate_zone(tz_name);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace clearline
