// Shared by R3 (US, rolling 30 days and 24 h) and U2 (UK, rolling 24 h): when
// the campaign's abandonment budget is spent, autodialed modes that can abandon
// fall back to a mode that cannot (1:1 progressive or preview).
#pragma once

#include "core/policy/engine.h"
#include "core/policy/rules/rule.h"

namespace clearline::core::policy {

class AbandonmentRule : public Rule {
 public:
  explicit AbandonmentRule(bool use_30d) : use_30d_(use_30d) {}
  Status configure(const Json& params) override {
    ParamReader r(params);
    cap_ = r.num("cap_pct", 3.0);
    if (cap_ <= 0 || cap_ > 100) r.fail("cap_pct", "must be in (0, 100]");
    std::string fb = r.str("fallback_mode", "progressive");
    auto m = parseDialMode(fb);
    if (!m.isOk() || *m == DialMode::kPredictive) r.fail("fallback_mode", "must be progressive, preview or human_initiated");
    else fallback_ = *m;
    return r.finish();
  }
  void evaluate(EvalContext& ctx, const RuleVersion& self) const override {
    if (ctx.attempt.mode != DialMode::kPredictive || !ctx.data.ledger) return;
    // The legal cap is the hard stop; the campaign's target (soft cap) only narrows it.
    double target = ctx.campaign.abandon_target_pct;
    double cap = target > 0 ? std::min(cap_, target) : cap_;
    AbandonmentBudget b = ctx.data.ledger->budget(ctx.attempt.campaign_id, ctx.now, cap);
    double rate = use_30d_ ? std::max(b.rate_30d, b.rate_24h) : b.rate_24h;
    int64_t answered = use_30d_ ? b.answered_30d : b.answered_24h;
    if (answered > 0 && (rate >= cap || b.remaining_abandons <= 0)) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "abandonment budget spent (%.2f%% of %lld live answers, cap %.2f%%): predictive dialing paused",
                    rate, static_cast<long long>(answered), cap);
      ctx.deny(&self, buf, fallback_);
    }
  }

 private:
  bool use_30d_;
  double cap_ = 3.0;
  DialMode fallback_ = DialMode::kProgressive;
};

}  // namespace clearline::core::policy
