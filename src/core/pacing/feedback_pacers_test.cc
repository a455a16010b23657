// ImpactPacer's 4-minute replay keeps counts per simulated second instead of
// each caller's and each dial's time. This pins it against the plain replay it
// replaced (every caller and every dial looked at every second), written out
// here: on random histories both must pick the same dial factor.
#include "core/pacing/feedback_pacers.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "common/time_util.h"

namespace clearline::core {
namespace {

struct Attempt {
  int64_t ring_ms;
  bool live;
};

// The plain replay (pacing research: Impact simulates 6 dial factors on recent
// attempts and picks the best), as the pacer ran it before, with its generator.
double plainReplayFactor(const std::vector<Attempt>& attempts, const std::vector<int64_t>& handles,
                         int n_agents, double target_pct) {
  uint64_t rng = 0x1A9AC7ULL;
  auto uniform = [&] {
    uint64_t z = (rng += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return static_cast<double>(z >> 11) * 0x1.0p-53;
  };
  int live = 0;
  for (const auto& a : attempts) live += a.live;
  const double max_factor = std::max(1.0, static_cast<double>(attempts.size()) / live);
  double best_util = -1, best_factor = 1.0;
  for (int i = 0; i < 6; ++i) {
    const double f = 1.0 + (max_factor - 1.0) * i / 5.0;
    std::vector<int64_t> agent_free(static_cast<size_t>(n_agents), 0);
    std::vector<std::pair<int64_t, bool>> flight;
    int64_t busy_ms = 0;
    int answers = 0, drops = 0;
    for (int t = 0; t < 240; ++t) {
      const int64_t now = int64_t{t} * 1000;
      for (size_t k = 0; k < flight.size();) {
        if (flight[k].first > now) {
          ++k;
          continue;
        }
        if (flight[k].second) {
          answers++;
          auto it = std::min_element(agent_free.begin(), agent_free.end());
          if (*it <= now) {
            *it =
                now + handles[static_cast<size_t>(uniform() * static_cast<double>(handles.size()))];
          } else {
            drops++;
          }
        }
        flight[k] = flight.back();
        flight.pop_back();
      }
      int idle = 0;
      for (int64_t af : agent_free) {
        idle += af <= now;
        busy_ms += std::clamp<int64_t>(af - now, 0, 1000);
      }
      const int want =
          static_cast<int>(std::ceil(f * idle - 1e-9)) - static_cast<int>(flight.size());
      for (int k = 0; k < want; ++k) {
        const Attempt& a =
            attempts[static_cast<size_t>(uniform() * static_cast<double>(attempts.size()))];
        flight.push_back({now + std::max<int64_t>(1000, a.ring_ms), a.live});
      }
    }
    const double util = static_cast<double>(busy_ms) / (240000.0 * n_agents);
    const double ab = answers ? 100.0 * drops / answers : 0.0;
    if (ab <= target_pct && util > best_util) {
      best_util = util;
      best_factor = f;
    }
  }
  return best_factor;
}

TEST(ImpactPacerTest, CountingReplayPicksTheFactorThePlainReplayPicks) {
  std::mt19937_64 gen(20261130);
  const TimePoint now = fromEpochMillis(1'800'000'000'000);
  int above_one = 0, below_max = 0;
  for (int trial = 0; trial < 60; ++trial) {
    const int n_agents = std::uniform_int_distribution<int>(5, 60)(gen);
    const double p_live = std::uniform_real_distribution<double>(0.05, 0.6)(gen);
    const int64_t mean_handle_ms = std::uniform_int_distribution<int64_t>(20'000, 300'000)(gen);
    PacingHistory h;
    std::vector<Attempt> attempts;  // newest first, as the pacer reads them
    for (int i = 0; i < 100; ++i) {
      DialRecord d;
      d.dialed_at = now - Millis(1000 * (100 - i));
      d.age = Millis(std::uniform_int_distribution<int64_t>(500, 40'000)(gen));
      d.outcome =
          std::bernoulli_distribution(p_live)(gen) ? DialOutcome::kLive : DialOutcome::kNoAnswer;
      h.dials.push(d);
    }
    for (int64_t i = h.dials.end() - 1; i >= h.dials.begin(); --i)
      attempts.push_back(
          Attempt{h.dials.at(i).age.count(), h.dials.at(i).outcome == DialOutcome::kLive});
    if (std::none_of(attempts.begin(), attempts.end(), [](const Attempt& a) { return a.live; }))
      continue;
    std::vector<int64_t> handles;
    std::exponential_distribution<double> talk(1.0 / static_cast<double>(mean_handle_ms));
    for (int i = 0; i < 100; ++i) {
      HandleRecord r;
      r.at = now - Millis(1000 * (100 - i));
      r.talk = Millis(static_cast<int64_t>(talk(gen)));
      r.wrap = Millis(std::uniform_int_distribution<int64_t>(0, 20'000)(gen));
      h.handles.push(r);
    }
    for (int64_t i = h.handles.end() - 1; i >= h.handles.begin(); --i)
      handles.push_back((h.handles.at(i).talk + h.handles.at(i).wrap).count());

    const double target = 3.0;
    const double want = plainReplayFactor(attempts, handles, n_agents, target);
    ImpactPacer pacer(target);
    std::vector<CallerView> callers(static_cast<size_t>(n_agents));  // all ready
    PacerInput in;
    in.now = now;
    in.callers = callers;
    in.history = &h;
    const PacerDecision d = pacer.decide(in);
    EXPECT_EQ(d.dial, static_cast<int>(std::ceil(want * n_agents - 1e-9)))
        << "trial " << trial << ": " << n_agents << " callers, live " << p_live << ", handle "
        << mean_handle_ms << " ms; the plain replay picks factor " << want;
    int live = 0;
    for (const auto& a : attempts) live += a.live;
    above_one += want > 1.0;
    below_max += want < static_cast<double>(attempts.size()) / live - 1e-9;
  }
  // The histories span both ends: factors above 1 and below the largest tried.
  EXPECT_GT(above_one, 5);
  EXPECT_GT(below_max, 5);
}

}  // namespace
}  // namespace clearline::core
