// The simple pacers: progressive (1 dial per ready caller) and fixed ratio
// (c dials in flight per ready caller, the one-knob family of pacing.md §4).
// Owned by core/pacing; single-threaded like every pacer.
#pragma once

#include "core/pacing/pacer.h"

namespace clearline::core {

class ProgressivePacer final : public Pacer {
 public:
  std::string_view name() const override { return "progressive"; }
  PacerDecision decide(const PacerInput& in) override;
  bool readsViews() const override { return false; }
};

// Keeps ceil(c · ready) dials in flight (waiting answers count against it).
class FixedRatioPacer final : public Pacer {
 public:
  explicit FixedRatioPacer(double ratio = 2.0) : ratio_(ratio) {}
  std::string_view name() const override { return "fixed-ratio"; }
  PacerDecision decide(const PacerInput& in) override;
  bool readsViews() const override { return false; }
  bool hasKnob() const override { return true; }
  void setKnob(double v) override { ratio_ = v; }
  double knob() const override { return ratio_; }
  std::pair<double, double> knobRange() const override { return {1.0, 20.0}; }

 private:
  double ratio_;
};

}  // namespace clearline::core
