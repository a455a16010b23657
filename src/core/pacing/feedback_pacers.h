// Two published feedback pacers, re-implemented from anchors-dialers.md §2.5:
//
// AimdPacer (Kooragang-style): every 180 s look at the last 600 s of live
//   answers; if drops ÷ answers ≤ target the ratio rises by 0.2, otherwise it
//   falls by 0.4; ratio in [1, max]; forced to 1 with fewer than 5 callers.
//   Dials ratio × ready callers (in flight counted). Knob: the drop target (%).
//
// ImpactPacer (Impact-Dialing-style simulate-and-pick): every 30 s replay the
//   last 30 min (≤ 100 attempts) over 4 simulated minutes at 6 dial factors
//   from 1 to 1/answer-rate and pick the highest simulated caller utilisation
//   whose simulated abandonment ≤ target; factor 1 below 5 callers or 50
//   attempts; 0.75 × best when the real abandonment is over target.
//   Knob: the simulated-abandonment target (%).
// Owned by core/pacing; single-threaded.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "core/pacing/pacer.h"

namespace clearline::core {

class AimdPacer final : public Pacer {
 public:
  explicit AimdPacer(double target_pct = 3.0, double max_ratio = 4.0)
      : target_pct_(target_pct), max_ratio_(max_ratio) {}
  std::string_view name() const override { return "aimd"; }
  PacerDecision decide(const PacerInput& in) override;
  bool readsViews() const override { return false; }
  bool hasKnob() const override { return true; }
  void setKnob(double v) override { target_pct_ = v; }
  double knob() const override { return target_pct_; }
  std::pair<double, double> knobRange() const override { return {0.0, 30.0}; }

 private:
  double target_pct_, max_ratio_;
  double ratio_ = 1.0;
  int64_t next_adjust_ = -1;
};

class ImpactPacer final : public Pacer {
 public:
  explicit ImpactPacer(double target_pct = 3.0) : target_pct_(target_pct) {}
  std::string_view name() const override { return "impact"; }
  PacerDecision decide(const PacerInput& in) override;
  bool readsViews() const override { return false; }
  bool hasKnob() const override { return true; }
  void setKnob(double v) override { target_pct_ = v; }
  double knob() const override { return target_pct_; }
  std::pair<double, double> knobRange() const override { return {0.0, 40.0}; }

 private:
  struct Attempt {
    int64_t ring_ms;  // dial → resolution
    bool live;
  };
  void recompute(const PacerInput& in, int64_t now_ms);
  double uniform();
  double target_pct_;
  double factor_ = 1.0;
  int64_t next_recompute_ = -1;
  uint64_t rng_ = 0x1A9AC7ULL;
  // recompute()'s scratch, kept between calls.
  std::vector<Attempt> attempts_;
  std::vector<int64_t> handles_;
  std::vector<int> frees_at_, resolve_at_, live_at_;
};

}  // namespace clearline::core
