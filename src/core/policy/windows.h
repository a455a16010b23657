// Calling-window arithmetic (R1, S5, S7, S8, U-rules, campaign schedule): a
// constraint is "in zone Z, on local day D, calls are allowed in [start, end)";
// the solver finds the earliest instant ≥ t that satisfies every constraint
// (the strictest intersection over all candidate locations, compliance.md S9).
// DST: local days and minutes come from the zone's offset at each instant.
// Pure; owner: policy. Not thread-safe (ZoneCache is per engine).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/zone_time.h"

namespace clearline::core::policy {

struct RuleVersion;

// Minutes after local midnight; [start, end). start >= end means closed all day.
struct DayWindow {
  int start = 0;
  int end = 24 * 60;
  bool open() const { return start < end; }
};

// Parses "08:00-21:00" (or "" / "closed" = closed all day). Errors → nullopt.
std::optional<DayWindow> parseDayWindow(const std::string& text);
std::string formatDayWindow(DayWindow w);
// Appends formatDayWindow(w) to out (no temporary string).
void appendDayWindow(std::string& out, DayWindow w);

// A day policy: which window applies on a given local day.
class DayPolicy {
 public:
  virtual ~DayPolicy() = default;
  // days = days since 1970-01-01 (local), weekday 0 = Sunday.
  virtual DayWindow window(int64_t days, int weekday) const = 0;
};

// The same window every day (optionally only on listed weekdays).
class FixedDayPolicy final : public DayPolicy {
 public:
  explicit FixedDayPolicy(DayWindow w, uint8_t weekday_mask = 0x7f) : w_(w), mask_(weekday_mask) {}
  DayWindow window(int64_t, int weekday) const override {
    return (mask_ >> weekday) & 1 ? w_ : DayWindow{0, 0};
  }

 private:
  DayWindow w_;
  uint8_t mask_;
};

struct WindowConstraint {
  ZoneRef zone;
  const DayPolicy* policy = nullptr;
  const RuleVersion* rule = nullptr;  // for the record; nullptr = campaign schedule
  const char* label = nullptr;        // "R1", "schedule" …
};

// Caches each zone's current UTC-offset span (offsets change only at DST edges).
// The span's bounds come from the tz database (zoneOffsetAt), so a cached offset
// is used only for instants inside the span it was read for: DST-correct at any
// hour, with no fixed expiry.
class ZoneCache {
 public:
  int offsetMinutes(ZoneRef z, TimePoint t);
  // Local days since 1970-01-01 and minute of the day at t; remembers the last
  // instant asked per zone (a decision asks the same instant for every window).
  struct Local {
    int64_t days;
    int minute;
  };
  Local local(ZoneRef z, TimePoint t);
  // Same result as ::clearline::localToUtc(z, local_epoch_minutes), answered from a
  // cached span when the wall time lies well inside it (not within a day after
  // the span's start, where an ambiguous wall time could also map to the
  // previous span); otherwise asks the tz database.
  TimePoint localToUtc(ZoneRef z, int64_t local_epoch_minutes);
  // Look-ups answered from a cached span / by the tz database (tests, bench).
  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }

 private:
  const OffsetSpan& spanAt(ZoneRef z, TimePoint t);
  uint64_t hits_ = 0, misses_ = 0;
  struct Entry {
    ZoneRef zone;
    OffsetSpan span;
    bool memo = false;  // memo_local is local(zone, memo_t)
    TimePoint memo_t;
    Local memo_local{0, 0};
  };
  Entry& entryAt(ZoneRef z, TimePoint t);  // the zone's entry, its span covering t
  Local remember(Entry& e, TimePoint t);    // local(e.zone, t) from e's span (covering t), memoised
  std::vector<Entry> entries_;
};

bool allowedAt(const WindowConstraint& c, TimePoint t, ZoneCache& cache);
// Earliest instant ≥ t at which c allows calls, within horizon_days; nullopt if none.
std::optional<TimePoint> nextAllowed(const WindowConstraint& c, TimePoint t, ZoneCache& cache,
                                     int horizon_days = 14);
// Earliest instant ≥ t at which all constraints allow calls (bounded search).
std::optional<TimePoint> solveWindows(const std::vector<WindowConstraint>& cs, TimePoint t,
                                      ZoneCache& cache, int horizon_days = 14);

}  // namespace clearline::core::policy
