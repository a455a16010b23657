// The CMDP-optimal pacer for the Markov validation model (pacing.md §5.2).
//
// State (b, k): b busy callers (handle ~ Exp(μ)), k dials in flight (each
// resolves at rate ν, live with probability p; a live answer with b = N is
// abandoned, zero grace). Decisions are post-decision targets k' ≥ k. The
// Lagrangian average reward b + η(α·answered − (1−α)·abandoned) is maximised by
// relative value iteration on a uniformised chain; ρ*(α) = min over η of g(η)/N
// (golden-section search, g is convex in η). The pacer dials up to the
// deterministic optimal target at η*. Solved in code at first use and memoised
// per model within the process.
// Owned by core/pacing; single-threaded.
#pragma once

#include <memory>
#include <vector>

#include "core/pacing/pacer.h"
#include "core/pacing/registry.h"

namespace clearline::core {

struct CmdpModel {
  int agents = 10;
  int kmax = 0;             // 0 = choose from N and p
  double handle_s = 90;     // 1/μ
  double resolution_s = 15; // 1/ν
  double live = 0.08;       // p
  double alpha = 0.03;
};

struct CmdpSolution {
  CmdpModel model;
  double eta = 0;
  double optimum_occupancy = 0;  // ρ*(α) = min_η g(η)/N
  std::vector<int> target;       // post-decision target by (b, k), row-major (kmax+1 per b)
  int targetFor(int b, int k) const { return target[static_cast<size_t>(b) * (model.kmax + 1) + k]; }
  // k*(b): the target when nothing is in flight.
  std::vector<int> targetsAtZero() const;
};

// Solves (or returns the memoised solution of) the model.
std::shared_ptr<const CmdpSolution> solveCmdp(CmdpModel m);

class CmdpPacer final : public Pacer {
 public:
  explicit CmdpPacer(const PacerSettings& s);
  std::string_view name() const override { return "cmdp"; }
  PacerDecision decide(const PacerInput& in) override;
  bool readsViews() const override { return false; }
  const CmdpSolution& solution();

 private:
  CmdpModel model_;
  std::shared_ptr<const CmdpSolution> sol_;
};

}  // namespace clearline::core
