#include "core/policy/abandonment_ledger.h"

#include <algorithm>
#include <cmath>

namespace clearline::core::policy {

int64_t remainingAbandons(int64_t answered, int64_t abandoned, double cap_pct) {
  double c = cap_pct / 100.0;
  if (c >= 1.0) return INT64_MAX / 4;
  if (c <= 0.0) return 0;
  // (a + k) ≤ c (n + k)  ⇔  k ≤ (c n − a) / (1 − c); small epsilon for exact edges.
  double k = (c * static_cast<double>(answered) - static_cast<double>(abandoned)) / (1.0 - c);
  if (k < 0) return 0;
  return static_cast<int64_t>(std::floor(k + 1e-9));
}

void InMemoryAbandonmentLedger::recordLiveAnswer(CampaignId campaign, CallId, TimePoint answered_at,
                                                 bool abandoned, bool amd_false_positive) {
  Series& s = by_campaign_[campaign];
  int64_t t = toEpochMillis(answered_at);
  int64_t a = (abandoned || amd_false_positive) ? 1 : 0;
  if (s.at.empty() || t >= s.at.back()) {
    s.at.push_back(t);
    s.cum_aband.push_back((s.cum_aband.empty() ? 0 : s.cum_aband.back()) + a);
  } else {  // late arrival: insert and fix the prefix sums after it
    auto pos = static_cast<size_t>(std::upper_bound(s.at.begin(), s.at.end(), t) - s.at.begin());
    int64_t before = pos == 0 ? 0 : s.cum_aband[pos - 1];
    s.at.insert(s.at.begin() + static_cast<ptrdiff_t>(pos), t);
    s.cum_aband.insert(s.cum_aband.begin() + static_cast<ptrdiff_t>(pos), before + a);
    for (size_t i = pos + 1; i < s.cum_aband.size(); ++i) s.cum_aband[i] += a;
  }
  if (answered_at > s.latest) s.latest = answered_at;
  if (s.at.size() > 4096 && s.at.front() < toEpochMillis(s.latest - k30d - k24h)) compact(s);
}

void InMemoryAbandonmentLedger::compact(Series& s) {
  int64_t cutoff = toEpochMillis(s.latest - k30d - k24h);
  auto first = static_cast<size_t>(std::lower_bound(s.at.begin(), s.at.end(), cutoff) - s.at.begin());
  if (first < s.at.size() / 2) return;  // amortise: only when at least half is stale
  int64_t base = first == 0 ? 0 : s.cum_aband[first - 1];
  s.at.erase(s.at.begin(), s.at.begin() + static_cast<ptrdiff_t>(first));
  s.cum_aband.erase(s.cum_aband.begin(), s.cum_aband.begin() + static_cast<ptrdiff_t>(first));
  for (auto& c : s.cum_aband) c -= base;
}

AbandonmentBudget InMemoryAbandonmentLedger::budget(CampaignId campaign, TimePoint now, double cap_pct) const {
  AbandonmentBudget b;
  auto it = by_campaign_.find(campaign);
  if (it != by_campaign_.end() && !it->second.at.empty()) {
    const Series& s = it->second;
    int64_t n = toEpochMillis(now);
    // Window (now − w, now]: events with t > now − w and t ≤ now.
    auto upto = static_cast<size_t>(std::upper_bound(s.at.begin(), s.at.end(), n) - s.at.begin());
    auto count = [&](Millis w, int64_t& answered, int64_t& abandoned) {
      auto from = static_cast<size_t>(std::upper_bound(s.at.begin(), s.at.end(), n - w.count()) - s.at.begin());
      if (from >= upto) return;
      answered = static_cast<int64_t>(upto - from);
      abandoned = s.cum_aband[upto - 1] - (from == 0 ? 0 : s.cum_aband[from - 1]);
    };
    count(k30d, b.answered_30d, b.abandoned_30d);
    count(k24h, b.answered_24h, b.abandoned_24h);
  }
  auto pct = [](int64_t a, int64_t n) { return n == 0 ? 0.0 : 100.0 * static_cast<double>(a) / static_cast<double>(n); };
  b.rate_30d = pct(b.abandoned_30d, b.answered_30d);
  b.rate_24h = pct(b.abandoned_24h, b.answered_24h);
  b.remaining_abandons = std::min(remainingAbandons(b.answered_30d, b.abandoned_30d, cap_pct),
                                  remainingAbandons(b.answered_24h, b.abandoned_24h, cap_pct));
  return b;
}

size_t InMemoryAbandonmentLedger::events(CampaignId campaign) const {
  auto it = by_campaign_.find(campaign);
  return it == by_campaign_.end() ? 0 : it->second.at.size();
}

}  // namespace clearline::core::policy
