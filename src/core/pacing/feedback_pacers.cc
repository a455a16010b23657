#include "core/pacing/feedback_pacers.h"

#include <algorithm>
#include <cmath>

namespace clearline::core {

PacerDecision AimdPacer::decide(const PacerInput& in) {
  PacerDecision d;
  int64_t now = toEpochMillis(in.now);
  CallerCounts c = countCallers(in);
  if (next_adjust_ < 0) next_adjust_ = now + 180000;
  if (now >= next_adjust_) {
    int64_t answers = 0, drops = 0;
    const auto& live = in.history->live;
    for (int64_t i = live.end() - 1; i >= live.begin(); --i) {
      const LiveRecord& l = live.at(i);
      if (toEpochMillis(l.at) < now - 600000) break;
      answers++;
      drops += l.abandoned;
    }
    double rate = answers ? 100.0 * static_cast<double>(drops) / static_cast<double>(answers) : 0.0;
    if (rate <= target_pct_) ratio_ += 0.2;
    else ratio_ -= 0.2 * 2;
    ratio_ = std::clamp(ratio_, 1.0, max_ratio_);
    while (next_adjust_ <= now) next_adjust_ += 180000;
  }
  double ratio = c.active() < 5 ? 1.0 : ratio_;
  int target = static_cast<int>(std::ceil(ratio * c.ready - 1e-9));
  d.dial = std::max(0, target - dialsInFlight(in) - in.answered_waiting);
  d.wake_at = fromEpochMillis(next_adjust_);
  return d;
}

double ImpactPacer::uniform() {
  uint64_t z = (rng_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

void ImpactPacer::recompute(const PacerInput& in, int64_t now) {
  const PacingHistory& h = *in.history;
  CallerCounts c = countCallers(in);
  // Everything below is in whole milliseconds, as the history records it: the
  // 4-minute replay then sums exactly (and runs on integers).
  std::vector<Attempt>& attempts = attempts_;
  attempts.clear();
  for (int64_t i = h.dials.end() - 1; i >= h.dials.begin() && attempts.size() < 100; --i) {
    const DialRecord& d = h.dials.at(i);
    if (toEpochMillis(d.dialed_at) < now - 1800000) break;
    attempts.push_back(Attempt{d.age.count(), d.outcome == DialOutcome::kLive});
  }
  std::vector<int64_t>& handles = handles_;
  handles.clear();
  for (int64_t i = h.handles.end() - 1; i >= h.handles.begin() && handles.size() < 100; --i) {
    const HandleRecord& r = h.handles.at(i);
    handles.push_back((r.talk + r.wrap).count());
  }
  int live = 0;
  for (const auto& a : attempts) live += a.live;
  if (c.active() < 5 || attempts.size() < 50 || live == 0 || handles.empty()) {
    factor_ = 1.0;
    return;
  }
  double answer_rate = static_cast<double>(live) / static_cast<double>(attempts.size());
  double max_factor = std::max(1.0, 1.0 / answer_rate);
  const int n_agents = c.active();
  double best_util = -1, best_factor = 1.0;
  // The replay in whole seconds: what happens at step t is what resolves or
  // frees at t. Callers are interchangeable (an answer takes any free one), so
  // it keeps counts per step instead of each caller's and each dial's time:
  // the same sums, in time linear in the steps and dials.
  constexpr int kSteps = 240;  // 4 simulated minutes, 1 s steps
  auto step_of = [](int64_t ms) { return static_cast<size_t>((ms + 999) / 1000); };
  int64_t longest_ring = 1000;
  for (const auto& a : attempts) longest_ring = std::max(longest_ring, a.ring_ms);
  const size_t horizon = kSteps + step_of(longest_ring) + 1;
  std::vector<int>& frees_at = frees_at_;      // callers freeing at step s
  std::vector<int>& resolve_at = resolve_at_;  // dials resolving at s
  std::vector<int>& live_at = live_at_;        // … of which answered live
  for (int i = 0; i < 6; ++i) {
    double f = 1.0 + (max_factor - 1.0) * i / 5.0;
    frees_at.assign(horizon, 0);
    resolve_at.assign(horizon, 0);
    live_at.assign(horizon, 0);
    int idle = n_agents;  // every caller free at the start
    int in_flight = 0;
    int64_t busy_ms = 0;
    int answers = 0, drops = 0;
    for (int t = 0; t < kSteps; ++t) {
      const int64_t now_ms = int64_t{t} * 1000;
      const auto st = static_cast<size_t>(t);
      idle += frees_at[st];
      in_flight -= resolve_at[st];
      for (int k = 0; k < live_at[st]; ++k) {
        answers++;
        if (idle == 0) {
          drops++;
          continue;
        }
        const int64_t hd =
            handles[static_cast<size_t>(uniform() * static_cast<double>(handles.size()))];
        // Busy from now for hd, as much of it as the replay still covers.
        busy_ms += std::min<int64_t>(hd, (kSteps - t) * int64_t{1000});
        const size_t free_step = step_of(now_ms + hd);
        if (free_step > st) {
          idle--;
          if (free_step < horizon) frees_at[free_step]++;
        }
      }
      int want = static_cast<int>(std::ceil(f * idle - 1e-9)) - in_flight;
      for (int k = 0; k < want; ++k) {
        const Attempt& a = attempts[static_cast<size_t>(uniform() * static_cast<double>(attempts.size()))];
        const size_t rs = step_of(now_ms + std::max<int64_t>(1000, a.ring_ms));
        resolve_at[rs]++;
        live_at[rs] += a.live;
        in_flight++;
      }
    }
    double util = static_cast<double>(busy_ms) / (kSteps * 1000.0 * n_agents);
    double ab = answers ? 100.0 * drops / answers : 0.0;
    if (ab <= target_pct_ && util > best_util) {
      best_util = util;
      best_factor = f;
    }
  }
  double real = h.total_live ? 100.0 * static_cast<double>(h.total_abandoned) / static_cast<double>(h.total_live) : 0.0;
  factor_ = real > target_pct_ ? std::max(1.0, 0.75 * best_factor) : best_factor;
}

PacerDecision ImpactPacer::decide(const PacerInput& in) {
  PacerDecision d;
  int64_t now = toEpochMillis(in.now);
  if (next_recompute_ < 0 || now >= next_recompute_) {
    recompute(in, now);
    next_recompute_ = now + 30000;
  }
  CallerCounts c = countCallers(in);
  int target = static_cast<int>(std::ceil(factor_ * c.ready - 1e-9));
  d.dial = std::max(0, target - dialsInFlight(in) - in.answered_waiting);
  d.wake_at = fromEpochMillis(next_recompute_);
  return d;
}

}  // namespace clearline::core
