#include "core/pacing/erlang_pacer.h"

#include <cmath>

namespace clearline::core {

double erlangB(int n, double a) {
  double b = 1.0;
  for (int k = 1; k <= n; ++k) b = a * b / (k + a * b);
  return b;
}

double erlangLoadFor(int n, double alpha) {
  double lo = 0, hi = 10.0 * n + 10;
  for (int i = 0; i < 200; ++i) {
    double mid = 0.5 * (lo + hi);
    if (erlangB(n, mid) > alpha) hi = mid;
    else lo = mid;
  }
  return lo;
}

ErlangPacer::ErlangPacer(const PacerSettings& s) : s_(s), alpha_pct_(s.alpha_pct) {}

double ErlangPacer::uniform() {
  uint64_t z = (rng_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

double ErlangPacer::rateFor(int n) {
  if (cached_alpha_ != alpha_pct_) {
    rate_cache_.clear();
    cached_alpha_ = alpha_pct_;
  }
  auto it = rate_cache_.find(n);
  if (it != rate_cache_.end()) return it->second;
  double a = erlangLoadFor(n, alpha_pct_ / 100.0);
  double rate = a / (s_.mean_handle_s * s_.live_rate);  // dials per second
  rate_cache_[n] = rate;
  return rate;
}

PacerDecision ErlangPacer::decide(const PacerInput& in) {
  PacerDecision d;
  int n = countCallers(in).active();
  int64_t now = toEpochMillis(in.now);
  if (n <= 0) {
    next_ms_ = -1;
    return d;
  }
  double rate = rateFor(n);
  if (rate <= 0) return d;
  auto gap = [&] { return static_cast<int64_t>(std::llround(-std::log1p(-uniform()) / rate * 1000.0)); };
  if (next_ms_ < 0) next_ms_ = now + gap();
  while (next_ms_ <= now) {
    d.dial++;
    next_ms_ += gap();
  }
  d.wake_at = fromEpochMillis(next_ms_);
  return d;
}

}  // namespace clearline::core
