#include "core/pacing/cmdp_pacer.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <tuple>

namespace clearline::core {

namespace {

struct Rvi {
  int n, kmax;
  double mu, nu, p, alpha;
  double lam;
  std::vector<double> w, wn, v;  // post-decision values, next, pre-decision
  std::vector<int> dec;

  explicit Rvi(const CmdpModel& m)
      : n(m.agents), kmax(m.kmax), mu(1.0 / m.handle_s), nu(1.0 / m.resolution_s), p(m.live),
        alpha(m.alpha) {
    lam = kmax * nu + n * mu;
    size_t s = static_cast<size_t>(n + 1) * static_cast<size_t>(kmax + 1);
    w.assign(s, 0.0);
    wn.assign(s, 0.0);
    v.assign(s, 0.0);
    dec.assign(s, 0);
  }
  size_t at(int b, int k) const { return static_cast<size_t>(b) * static_cast<size_t>(kmax + 1) + static_cast<size_t>(k); }

  // Runs value iteration (warm-started from w) and returns the gain per second.
  double solve(double eta, double tol, long max_iter) {
    const double ok = eta * alpha, bad = -eta * (1.0 - alpha);
    double gain = 0;
    for (long it = 0; it < max_iter; ++it) {
      // Decision: V(b,k) = max over k' ≥ k of W(b,k'); ties keep the fewer dials.
      for (int b = 0; b <= n; ++b) {
        double best = -1e300;
        int arg = kmax;
        for (int k = kmax; k >= 0; --k) {
          double x = w[at(b, k)];
          if (x >= best) {
            best = x;
            arg = k;
          }
          v[at(b, k)] = best;
          dec[at(b, k)] = arg;
        }
      }
      double lo = 1e300, hi = -1e300;
      for (int b = 0; b <= n; ++b) {
        const double comp = b * mu / lam;
        for (int k = 0; k <= kmax; ++k) {
          const double live = k * nu * p / lam, non = k * nu * (1.0 - p) / lam;
          const double stay = 1.0 - live - non - comp;
          double x = b / lam + stay * v[at(b, k)];
          if (k > 0) {
            if (b < n) x += live * (ok + v[at(b + 1, k - 1)]);
            else x += live * (bad + v[at(b, k - 1)]);
            x += non * v[at(b, k - 1)];
          }
          if (b > 0) x += comp * v[at(b - 1, k)];
          wn[at(b, k)] = x;
          double d = x - w[at(b, k)];
          lo = std::min(lo, d);
          hi = std::max(hi, d);
        }
      }
      double ref = wn[0];
      for (size_t i = 0; i < w.size(); ++i) w[i] = wn[i] - ref;
      gain = 0.5 * (lo + hi) * lam;
      if ((hi - lo) * lam <= tol * std::max(1.0, std::fabs(gain)) && it > 10) break;
    }
    return gain;
  }
};

}  // namespace

std::vector<int> CmdpSolution::targetsAtZero() const {
  std::vector<int> out;
  for (int b = 0; b <= model.agents; ++b) out.push_back(targetFor(b, 0));
  return out;
}

std::shared_ptr<const CmdpSolution> solveCmdp(CmdpModel m) {
  if (m.kmax <= 0) {
    int by_rate = static_cast<int>(std::ceil(1.2 * m.agents / m.live)) + 30;
    m.kmax = std::min(by_rate, std::max(150, 6 * m.agents));
  }
  using Key = std::tuple<int, int, double, double, double, double>;
  // Solutions are memoised per model; simulator replications may run on
  // several threads (sim::runSeeds), so the memo is guarded. A model is solved
  // under the lock: a second thread wanting it waits rather than solving twice.
  static std::mutex memo_mu;
  static std::map<Key, std::shared_ptr<const CmdpSolution>> memo;
  std::lock_guard lock(memo_mu);
  Key key{m.agents, m.kmax, m.handle_s, m.resolution_s, m.live, m.alpha};
  if (auto it = memo.find(key); it != memo.end()) return it->second;

  Rvi rvi(m);
  const double tol = 1e-7;
  const long max_iter = 2000000;
  auto g = [&](double log_eta) { return rvi.solve(std::exp(log_eta), tol, max_iter); };
  // Golden-section search for the minimum of the convex g over log η.
  double lo = std::log(1e-2), hi = std::log(1e4);
  const double r = (std::sqrt(5.0) - 1.0) / 2.0;
  double a = hi - r * (hi - lo), c = lo + r * (hi - lo);
  double fa = g(a), fc = g(c);
  for (int i = 0; i < 30; ++i) {
    if (fa < fc) {
      hi = c;
      c = a;
      fc = fa;
      a = hi - r * (hi - lo);
      fa = g(a);
    } else {
      lo = a;
      a = c;
      fa = fc;
      c = lo + r * (hi - lo);
      fc = g(c);
    }
  }
  auto sol = std::make_shared<CmdpSolution>();
  sol->model = m;
  double log_eta = 0.5 * (lo + hi);
  sol->eta = std::exp(log_eta);
  sol->optimum_occupancy = g(log_eta) / m.agents;
  sol->target = rvi.dec;
  memo[key] = sol;
  return sol;
}

CmdpPacer::CmdpPacer(const PacerSettings& s) {
  model_.agents = s.agents;
  model_.handle_s = s.mean_handle_s;
  model_.resolution_s = s.mean_resolution_s;
  model_.live = s.live_rate;
  model_.alpha = s.alpha_pct / 100.0;
}

const CmdpSolution& CmdpPacer::solution() {
  if (!sol_) sol_ = solveCmdp(model_);
  return *sol_;
}

PacerDecision CmdpPacer::decide(const PacerInput& in) {
  PacerDecision d;
  const CmdpSolution& s = solution();
  CallerCounts c = countCallers(in);
  int n = s.model.agents;
  // Callers missing from the model's N count as busy (never over-dial).
  int b = c.busy() + in.answered_waiting + std::max(0, n - c.active());
  b = std::clamp(b, 0, n);
  int k = std::min(dialsInFlight(in), s.model.kmax);
  d.dial = std::max(0, s.targetFor(b, k) - dialsInFlight(in));
  return d;
}

}  // namespace clearline::core
