#include "core/policy/windows.h"

#include <cstdio>

namespace clearline::core::policy {

std::optional<DayWindow> parseDayWindow(const std::string& s) {
  if (s.empty() || s == "closed") return DayWindow{0, 0};
  int h1, m1, h2, m2;
  char tail;
  if (std::sscanf(s.c_str(), "%2d:%2d-%2d:%2d%c", &h1, &m1, &h2, &m2, &tail) != 4) return std::nullopt;
  if (s.size() != 11 || h1 < 0 || h1 > 24 || m1 < 0 || m1 > 59 || h2 < 0 || h2 > 24 || m2 < 0 ||
      m2 > 59)
    return std::nullopt;
  DayWindow w{h1 * 60 + m1, h2 * 60 + m2};
  if (w.end > 24 * 60 || w.start > 24 * 60 || w.start >= w.end) return std::nullopt;
  return w;
}

void appendDayWindow(std::string& out, DayWindow w) {
  if (!w.open()) {
    out += "closed";
    return;
  }
  // Windows are within a day (parseDayWindow: 0 ≤ start < end ≤ 24:00), so two digits each.
  auto two = [&](int v) {
    out += static_cast<char>('0' + v / 10);
    out += static_cast<char>('0' + v % 10);
  };
  if (w.start < 0 || w.end > 99 * 60) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%02d:%02d-%02d:%02d", w.start / 60, w.start % 60, w.end / 60, w.end % 60);
    out += buf;
    return;
  }
  two(w.start / 60);
  out += ':';
  two(w.start % 60);
  out += '-';
  two(w.end / 60);
  out += ':';
  two(w.end % 60);
}

std::string formatDayWindow(DayWindow w) {
  std::string out;
  appendDayWindow(out, w);
  return out;
}

ZoneCache::Entry& ZoneCache::entryAt(ZoneRef z, TimePoint t) {
  for (auto& e : entries_) {
    if (e.zone == z) {
      if (t >= e.span.begin && t < e.span.end) {
        ++hits_;
        return e;
      }
      ++misses_;
      e.span = zoneOffsetAt(z, t);
      return e;
    }
  }
  ++misses_;
  entries_.push_back(Entry{z, zoneOffsetAt(z, t)});
  return entries_.back();
}

const OffsetSpan& ZoneCache::spanAt(ZoneRef z, TimePoint t) { return entryAt(z, t).span; }

ZoneCache::Local ZoneCache::local(ZoneRef z, TimePoint t) {
  for (auto& e : entries_) {
    if (e.zone != z) continue;
    // The memo is local(z, memo_t): a function of (zone, instant) only, so it stays
    // true when the span is re-read for another instant.
    if (e.memo && e.memo_t == t) {
      ++hits_;
      return e.memo_local;
    }
    if (t >= e.span.begin && t < e.span.end) {
      ++hits_;
    } else {
      ++misses_;
      e.span = zoneOffsetAt(z, t);
    }
    return remember(e, t);
  }
  ++misses_;
  entries_.push_back(Entry{z, zoneOffsetAt(z, t)});
  return remember(entries_.back(), t);
}

ZoneCache::Local ZoneCache::remember(Entry& e, TimePoint t) {
  int64_t lm = floorDiv(toEpochMillis(t), 60'000) + e.span.offset_minutes;
  int64_t d = floorDiv(lm, 1440);
  e.memo = true;
  e.memo_t = t;
  e.memo_local = Local{d, static_cast<int>(lm - d * 1440)};
  return e.memo_local;
}

int ZoneCache::offsetMinutes(ZoneRef z, TimePoint t) { return spanAt(z, t).offset_minutes; }

TimePoint ZoneCache::localToUtc(ZoneRef z, int64_t local_epoch_minutes) {
  constexpr int64_t kMarginMin = 24 * 60;  // larger than any UTC-offset change
  for (const auto& e : entries_) {
    if (e.zone != z) continue;
    // The instant this wall time has under the cached span's offset. If it lies in
    // the span, the wall time exists there; it is the earliest such instant unless
    // the previous span (a larger offset, DST end) also covers it, which can only
    // happen within an offset change of the span's start — hence the margin.
    int64_t utc_min = local_epoch_minutes - e.span.offset_minutes;
    TimePoint t = fromEpochMillis(utc_min * 60'000);
    if (t >= e.span.begin + std::chrono::minutes(kMarginMin) && t < e.span.end) {
      ++hits_;
      return t;
    }
    break;
  }
  ++misses_;
  return ::clearline::localToUtc(z, local_epoch_minutes);
}

namespace {
constexpr int64_t kMsPerMin = 60'000;
using Local = ZoneCache::Local;
Local localOf(ZoneRef z, TimePoint t, ZoneCache& cache) { return cache.local(z, t); }
}  // namespace

bool allowedAt(const WindowConstraint& c, TimePoint t, ZoneCache& cache) {
  Local l = localOf(c.zone, t, cache);
  DayWindow w = c.policy->window(l.days, weekdayFromDays(l.days));
  return l.minute >= w.start && l.minute < w.end;
}

std::optional<TimePoint> nextAllowed(const WindowConstraint& c, TimePoint t, ZoneCache& cache,
                                     int horizon_days) {
  if (allowedAt(c, t, cache)) return t;
  Local l = localOf(c.zone, t, cache);
  for (int64_t d = l.days; d <= l.days + horizon_days; ++d) {
    DayWindow w = c.policy->window(d, weekdayFromDays(d));
    if (!w.open()) continue;
    if (d == l.days && l.minute >= w.start) continue;  // today's window is over
    TimePoint cand = cache.localToUtc(c.zone, d * 1440 + w.start);
    if (cand <= t) continue;
    // A DST gap can move the start; accept it only if it is really inside the window.
    if (allowedAt(c, cand, cache)) return cand;
    TimePoint later = cand + Millis(kMsPerMin);
    if (allowedAt(c, later, cache)) return later;
  }
  return std::nullopt;
}

std::optional<TimePoint> solveWindows(const std::vector<WindowConstraint>& cs, TimePoint t,
                                      ZoneCache& cache, int horizon_days) {
  const TimePoint limit = t + std::chrono::hours(24 * horizon_days);
  for (int iter = 0; iter < 256 && t <= limit; ++iter) {
    bool moved = false;
    for (const auto& c : cs) {
      if (allowedAt(c, t, cache)) continue;
      auto n = nextAllowed(c, t, cache, horizon_days);
      if (!n) return std::nullopt;
      t = *n;
      moved = true;
    }
    if (!moved) return t;
  }
  return std::nullopt;
}

}  // namespace clearline::core::policy
