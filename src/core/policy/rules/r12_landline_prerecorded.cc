// R12 – Residential landlines, prerecorded or artificial (incl. AI) voice:
// telemarketing needs prior express written consent; exempt non-commercial
// calls (political, charities, surveys, informational) are capped at 3 per
// line per consecutive 30 days unless the person consented (FCC 22-100).
// Over the cap or without consent the contact goes to a live human dial.
// Cite: 47 CFR 64.1200(a)(3); FCC 20-186, 22-100, 24-17.
#include "core/policy/engine.h"
#include "core/policy/rules/rule.h"

namespace clearline::core::policy {
namespace {
class R12 final : public Rule {
 public:
  Status configure(const Json& params) override {
    ParamReader r(params);
    max_calls_ = r.integer("max_calls", 3);
    window_days_ = r.integer("window_days", 30);
    if (max_calls_ < 0) r.fail("max_calls", "must be ≥ 0");
    if (window_days_ < 1 || window_days_ > 366) r.fail("window_days", "must be 1–366");
    return r.finish();
  }
  void evaluate(EvalContext& ctx, const RuleVersion& self) const override {
    if (ctx.uk || ctx.attempt.line_type != LineType::kLandline || !ctx.attempt.prerecorded) return;
    if (ctx.telemarketing) {
      if (consentRank(ctx.consent) < 2)
        ctx.denyFixed(&self, "prerecorded telemarketing to a landline needs prior express written consent",
                      DialMode::kHumanInitiated, ctx.consent_revoked);
      return;
    }
    if (consentRank(ctx.consent) >= 1) return;
    const auto& h = ctx.data.history.forNumber(ctx.number.key);
    OrgId org = ctx.attempt.org_id.valid() ? ctx.attempt.org_id : ctx.campaign.org;
    TimePoint from = ctx.now - std::chrono::hours(24) * window_days_;
    int n = 0;
    for (const auto& e : h)
      if (e.prerecorded && e.at > from && e.at <= ctx.now && (!org.valid() || e.org == org)) ++n;
    if (n >= max_calls_)
      ctx.deny(&self,
               std::to_string(n) + " prerecorded calls to this landline in the last " + std::to_string(window_days_) +
                   " days (cap " + std::to_string(max_calls_) + " without consent)",
               DialMode::kHumanInitiated);
  }

 private:
  int max_calls_ = 3;
  int window_days_ = 30;
};
}  // namespace
std::unique_ptr<Rule> makeR12() { return std::make_unique<R12>(); }
}  // namespace clearline::core::policy
