// Time-zone arithmetic for pure core code (core/policy's calling windows), on
// Howard Hinnant's date/tz and the system tz database. Core code may not use
// date/tz directly; it uses these helpers (owner: policy).
//
// Thread-safety: findZone() may be called from any thread (date's tzdb is
// initialised once); ZoneRef values are immutable and shareable.
#pragma once

#include <cstdint>
#include <string>

#include "common/clock.h"
#include "common/status.h"

namespace clearline {

// An opaque handle on an IANA zone (a date::time_zone*), cheap to copy.
struct ZoneRef {
  const void* zone = nullptr;
  bool valid() const { return zone != nullptr; }
  bool operator==(const ZoneRef&) const = default;
};

// The zone named `name` ("America/Chicago"), or NotFound.
Result<ZoneRef> findZone(const std::string& name);
std::string zoneName(ZoneRef z);

// The UTC offset in force at `t`, and the span [begin, end) over which it holds
// (callers cache the span: the offset only changes at DST transitions).
struct OffsetSpan {
  int offset_minutes = 0;
  TimePoint begin;
  TimePoint end;
};
OffsetSpan zoneOffsetAt(ZoneRef z, TimePoint t);

// The instant at which local wall-clock time `local_epoch_minutes` (minutes since
// 1970-01-01T00:00 local) occurs. A wall time skipped by a DST gap maps to the
// first instant after the gap; an ambiguous one (DST end) to the earlier instant.
TimePoint localToUtc(ZoneRef z, int64_t local_epoch_minutes);

// Civil-date helpers (proleptic Gregorian; days since 1970-01-01).
struct CivilDate {
  int year = 1970;
  unsigned month = 1;
  unsigned day = 1;
};
CivilDate civilFromDays(int64_t days);
int64_t daysFromCivil(CivilDate d);
// 0 = Sunday … 6 = Saturday.
inline int weekdayFromDays(int64_t days) {
  int64_t w = (days + 4) % 7;  // 1970-01-01 was a Thursday
  return static_cast<int>(w < 0 ? w + 7 : w);
}
// Floor division for possibly negative values.
inline int64_t floorDiv(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

}  // namespace clearline
