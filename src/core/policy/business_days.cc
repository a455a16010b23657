#include "core/policy/business_days.h"

#include "common/zone_time.h"

namespace clearline::core::policy {

namespace {
// The n-th (1-based) weekday wd of a month; n = -1: the last one.
int64_t nthWeekday(int year, unsigned month, int wd, int n) {
  if (n > 0) {
    int64_t first = daysFromCivil({year, month, 1});
    int delta = (wd - weekdayFromDays(first) + 7) % 7;
    return first + delta + 7 * (n - 1);
  }
  unsigned nm = month == 12 ? 1 : month + 1;
  int ny = month == 12 ? year + 1 : year;
  int64_t last = daysFromCivil({ny, nm, 1}) - 1;
  int delta = (weekdayFromDays(last) - wd + 7) % 7;
  return last - delta;
}
int64_t observed(int64_t d) {
  int w = weekdayFromDays(d);
  if (w == 6) return d - 1;  // Saturday → Friday
  if (w == 0) return d + 1;  // Sunday → Monday
  return d;
}
}  // namespace

bool isUsFederalHoliday(int64_t days) {
  CivilDate c = civilFromDays(days);
  for (int y : {c.year, c.year + 1}) {  // 1 Jan of next year may be observed on 31 Dec
    const int64_t hs[] = {
        observed(daysFromCivil({y, 1, 1})),   nthWeekday(y, 1, 1, 3),  nthWeekday(y, 2, 1, 3),
        nthWeekday(y, 5, 1, -1),              observed(daysFromCivil({y, 6, 19})),
        observed(daysFromCivil({y, 7, 4})),   nthWeekday(y, 9, 1, 1),  nthWeekday(y, 10, 1, 2),
        observed(daysFromCivil({y, 11, 11})), nthWeekday(y, 11, 4, 4),
        observed(daysFromCivil({y, 12, 25})),
    };
    for (int64_t h : hs)
      if (h == days) return true;
  }
  return false;
}

TimePoint addBusinessDays(TimePoint t, int n) {
  int64_t ms = toEpochMillis(t);
  int64_t day = floorDiv(ms, 86'400'000);
  int64_t rem = ms - day * 86'400'000;
  while (n > 0) {
    ++day;
    int w = weekdayFromDays(day);
    if (w == 0 || w == 6 || isUsFederalHoliday(day)) continue;
    --n;
  }
  return fromEpochMillis(day * 86'400'000 + rem);
}

}  // namespace clearline::core::policy
