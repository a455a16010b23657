// Erlang open-loop pacer (pacing.md §3.5): a state-blind Poisson dial stream
// whose rate puts the live-answer load `a` where Erlang B(N, a) equals the
// planning abandonment α, i.e. the M/G/N/N loss system with zero grace.
// λ_dial = a / (E[H] · p_live). N is the number of logged-in, non-paused
// callers (re-planned when it changes). Knob: the planning α in percent.
// Owned by core/pacing; single-threaded.
#pragma once

#include <cstdint>
#include <map>

#include "core/pacing/pacer.h"
#include "core/pacing/registry.h"

namespace clearline::core {

// Erlang B blocking probability for N servers and offered load a (Erlangs).
double erlangB(int n, double a);
// The offered load at which erlangB(n, a) == alpha (bisection).
double erlangLoadFor(int n, double alpha);

class ErlangPacer final : public Pacer {
 public:
  explicit ErlangPacer(const PacerSettings& s);
  std::string_view name() const override { return "erlang"; }
  PacerDecision decide(const PacerInput& in) override;
  bool readsViews() const override { return false; }
  bool hasKnob() const override { return true; }
  void setKnob(double v) override { alpha_pct_ = v; }
  double knob() const override { return alpha_pct_; }
  std::pair<double, double> knobRange() const override { return {0.01, 40.0}; }

 private:
  double rateFor(int n);
  double uniform();
  PacerSettings s_;
  double alpha_pct_;
  uint64_t rng_ = 0x5EED0E7A1A9ULL;
  int64_t next_ms_ = -1;
  std::map<int, double> rate_cache_;
  double cached_alpha_ = -1;
};

}  // namespace clearline::core
