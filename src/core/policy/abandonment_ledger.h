// In-memory abandonment ledger (R2–R4, U1–U2): per campaign, the live-answered
// calls and whether each was abandoned (no caller within 2 s of the greeting;
// AMD false positives count as abandoned, U2), over a rolling 30 days and a
// rolling 24 hours. budget() is O(log n) (prefix sums over time-ordered
// events), so the pacer may ask every tick. Persistence is the storage
// adapter's (storage/sqlite/policy_store.h: load on start, append on record).
// Pure; owner: policy. Not thread-safe.
#pragma once

#include <unordered_map>
#include <vector>

#include "core/ports/dial_authorizer.h"

namespace clearline::core::policy {

class InMemoryAbandonmentLedger : public AbandonmentLedger {
 public:
  static constexpr Millis k30d = std::chrono::hours(24 * 30);
  static constexpr Millis k24h = std::chrono::hours(24);

  void recordLiveAnswer(CampaignId campaign, CallId call, TimePoint answered_at, bool abandoned,
                        bool amd_false_positive) override;
  AbandonmentBudget budget(CampaignId campaign, TimePoint now, double cap_pct) const override;
  size_t events(CampaignId campaign) const;

 private:
  struct Series {
    std::vector<int64_t> at;         // epoch ms, ascending
    std::vector<int64_t> cum_aband;  // abandoned count up to and including i
    TimePoint latest{};
  };
  void compact(Series& s);
  std::unordered_map<CampaignId, Series> by_campaign_;
};

// remaining = largest k with (abandoned + k) / (answered + k) ≤ cap, ≥ 0.
int64_t remainingAbandons(int64_t answered, int64_t abandoned, double cap_pct);

}  // namespace clearline::core::policy
