#include "common/zone_time.h"

#include <date/date.h>
#include <date/tz.h>

namespace clearline {

namespace {
const date::time_zone* tz(ZoneRef z) { return static_cast<const date::time_zone*>(z.zone); }
}  // namespace

Result<ZoneRef> findZone(const std::string& name) {
  try {
    return ZoneRef{date::locate_zone(name)};
  } catch (const std::exception&) {
    return Status::notFound("unknown time zone '" + name + "'", "tz");
  }
}

std::string zoneName(ZoneRef z) { return z.valid() ? std::string(tz(z)->name()) : std::string(); }

OffsetSpan zoneOffsetAt(ZoneRef z, TimePoint t) {
  auto info = tz(z)->get_info(std::chrono::time_point_cast<std::chrono::seconds>(t));
  OffsetSpan s;
  s.offset_minutes = static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(info.offset).count());
  // date uses sys_seconds::min()/max() for open ends; clamp into Millis range.
  auto clamp = [](date::sys_seconds v) {
    constexpr int64_t kLimit = int64_t{1} << 52;  // ±142,000 years in ms: ample
    int64_t secs = v.time_since_epoch().count();
    if (secs > kLimit / 1000) secs = kLimit / 1000;
    if (secs < -kLimit / 1000) secs = -kLimit / 1000;
    return TimePoint(Millis(secs * 1000));
  };
  s.begin = clamp(info.begin);
  s.end = clamp(info.end);
  return s;
}

TimePoint localToUtc(ZoneRef z, int64_t local_epoch_minutes) {
  date::local_time<std::chrono::minutes> lt{std::chrono::minutes(local_epoch_minutes)};
  auto sys = tz(z)->to_sys(lt, date::choose::earliest);
  return std::chrono::time_point_cast<Millis>(sys);
}

CivilDate civilFromDays(int64_t days) {
  date::year_month_day ymd{date::sys_days{date::days{days}}};
  return CivilDate{static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                   static_cast<unsigned>(ymd.day())};
}

int64_t daysFromCivil(CivilDate d) {
  date::year_month_day ymd{date::year{d.year}, date::month{d.month}, date::day{d.day}};
  return date::sys_days{ymd}.time_since_epoch().count();
}

}  // namespace clearline
