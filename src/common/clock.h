// The clock port. Core code never reads the system clock: it is handed a
// Clock (the daemon passes SystemClock, tests and the simulator ManualClock).
// Thread-safety: SystemClock is safe from any thread; ManualClock is not.
#pragma once

#include <chrono>
#include <cstdint>

namespace clearline {

using Millis = std::chrono::milliseconds;
// Wall-clock instants, UTC, millisecond resolution.
using TimePoint = std::chrono::time_point<std::chrono::system_clock, Millis>;

inline int64_t toEpochMillis(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint fromEpochMillis(int64_t ms) { return TimePoint(Millis(ms)); }

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override {
    return std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now());
  }
};

// The system clock moved by a fixed offset (`--clock-offset-s` of `dialer`,
// `serve` and `demo`): lets loopback tests run the real compliance policy
// (calling windows included) at a stated instant instead of whatever hour the
// suite happens to run. Never for a real trunk.
class OffsetClock final : public Clock {
 public:
  explicit OffsetClock(Millis off) : off_(off) {}
  TimePoint now() const override { return SystemClock().now() + off_; }

 private:
  Millis off_;
};

// A clock that moves only when told to: unit tests and the simulator.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start = TimePoint{}) : now_(start) {}
  TimePoint now() const override { return now_; }
  void set(TimePoint t) { now_ = t; }
  void advance(Millis d) { now_ += d; }

 private:
  TimePoint now_;
};

}  // namespace clearline
