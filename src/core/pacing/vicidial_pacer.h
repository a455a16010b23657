// VICIdial's adaptive pacing, re-implemented faithfully from
// research/anchors-dialers.md §2 (AST_VDadapt.pl + AST_VDauto_dial.pl). It is
// the peer we compare against, so nothing is fixed: 1 s samples of ready /
// waiting / total agents (last 15 kept), a dial-level update every 15 s,
// drop statistics every 60 s with the DAILY drop guard after 50 calls, the
// 1-minute >50 % guard, level floor 1.0 and maximum 3.0, the lossy HHMM
// arithmetic of ADAPT_TAPERED, and originations every 2.5 s as
// round(level × (ready + in-call agents + diff target)) − calls in progress.
// Knob: adaptive_dl_diff_target (agents; more = more aggressive).
// Owned by core/pacing; single-threaded.
#pragma once

#include <cstdint>
#include <deque>

#include "core/pacing/pacer.h"

namespace clearline::core {

enum class VicidialMode { kHardLimit, kTapered, kAverage };

struct VicidialSettings {
  VicidialMode mode = VicidialMode::kAverage;
  double intensity = 0;              // adaptive_intensity
  double diff_target = 0;            // adaptive_dl_diff_target
  double max_level = 3.0;            // adaptive_maximum_level
  double dropped_pct = 3.0;          // adaptive_dropped_percentage
  int latest_hhmm = 2100;            // adaptive_latest_server_time (UTC here)
  double start_level = 1.0;          // auto_dial_level at start
};

class VicidialPacer final : public Pacer {
 public:
  explicit VicidialPacer(VicidialSettings s) : s_(s), level_(s.start_level) {}
  std::string_view name() const override;
  PacerDecision decide(const PacerInput& in) override;
  bool readsViews() const override { return false; }
  bool hasKnob() const override { return true; }
  void setKnob(double v) override { s_.diff_target = v; }
  double knob() const override { return s_.diff_target; }
  std::pair<double, double> knobRange() const override { return {-4.0, 4.0}; }
  double level() const { return level_; }

 private:
  struct Sample {
    int ready, waiting, total;
  };
  void sample(const PacerInput& in);
  void calculateDrops(const PacerInput& in, int64_t now_ms);
  void updateLevel(int64_t now_ms);
  int originations(const PacerInput& in) const;

  VicidialSettings s_;
  double level_;
  std::deque<Sample> samples_;
  int64_t next_sample_ = -1, next_update_ = -1, next_drops_ = -1, next_orig_ = -1;
  // drop statistics (as of the last calculate_drops)
  int64_t day_ = -1;
  int64_t calls_today_ = 0, drops_today_ = 0, human_today_ = 0;
  int64_t calls_1min_ = 0, drops_1min_ = 0;
  int64_t dial_cursor_ = 0, live_cursor_ = 0;
  std::deque<int64_t> dial_times_, drop_times_;
};

}  // namespace clearline::core
