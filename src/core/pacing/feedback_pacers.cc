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
  d.dial = std::max(0, target - static_cast<int>(in.in_flight.size()) - in.answered_waiting);
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
  std::vector<int64_t>& agent_free = agent_free_;
  std::vector<std::pair<int64_t, bool>>& flight = flight_;  // (resolve time, live)
  for (int i = 0; i < 6; ++i) {
    double f = 1.0 + (max_factor - 1.0) * i / 5.0;
    // 4 simulated minutes, 1 s steps, starting with every caller free.
    agent_free.assign(static_cast<size_t>(n_agents), 0);
    flight.clear();
    int64_t busy_ms = 0;
    int answers = 0, drops = 0;
    for (int t = 0; t < 240; ++t) {
      const int64_t now_ms = int64_t{t} * 1000;
      // resolve
      for (size_t k = 0; k < flight.size();) {
        if (flight[k].first <= now_ms) {
          if (flight[k].second) {
            answers++;
            auto it = std::min_element(agent_free.begin(), agent_free.end());
            if (*it <= now_ms) {
              *it = now_ms +
                    handles[static_cast<size_t>(uniform() * static_cast<double>(handles.size()))];
            } else {
              drops++;
            }
          }
          flight[k] = flight.back();
          flight.pop_back();
        } else {
          ++k;
        }
      }
      int idle = 0;
      for (int64_t af : agent_free) {
        idle += af <= now_ms;
        busy_ms += std::clamp<int64_t>(af - now_ms, 0, 1000);
      }
      int want = static_cast<int>(std::ceil(f * idle - 1e-9)) - static_cast<int>(flight.size());
      for (int k = 0; k < want; ++k) {
        const Attempt& a = attempts[static_cast<size_t>(uniform() * static_cast<double>(attempts.size()))];
        flight.push_back({now_ms + std::max<int64_t>(1000, a.ring_ms), a.live});
      }
    }
    double util = static_cast<double>(busy_ms) / (240000.0 * n_agents);
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
  d.dial = std::max(0, target - static_cast<int>(in.in_flight.size()) - in.answered_waiting);
  d.wake_at = fromEpochMillis(next_recompute_);
  return d;
}

}  // namespace clearline::core
