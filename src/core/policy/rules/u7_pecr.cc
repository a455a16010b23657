// U7 – PECR: live marketing calls (political promotion and fundraising count as
// marketing) may not go to numbers on the TPS/CTPS registers, screened at least
// every 28 days (no copy or a stale copy blocks them: fail closed); automated
// (recorded) marketing calls need prior consent. Own objection lists: R10's
// internal lists. Cite: PECR regs 19, 21, 24; ICO guidance; SNP v IC (2006).
#include "core/policy/engine.h"
#include "core/policy/rules/rule.h"

namespace clearline::core::policy {
namespace {
class U7 final : public Rule {
 public:
  Status configure(const Json& params) override {
    ParamReader r(params);
    Status st = parsePurposes(
        r.strings("purposes", {"commercial", "political", "charitable_by_charity", "charitable_by_telemarketer"}), purposes_);
    if (!st.isOk()) r.fail("purposes", st.message());
    max_age_days_ = r.integer("max_age_days", 28);
    if (max_age_days_ < 1 || max_age_days_ > 366) r.fail("max_age_days", "must be 1–366");
    return r.finish();
  }
  void evaluate(EvalContext& ctx, const RuleVersion& self) const override {
    if (!ctx.uk || !purposes_.has(ctx.attempt.purpose)) return;
    if (ctx.attempt.prerecorded && consentRank(ctx.consent) < 1) {
      ctx.denyFixed(&self, "automated marketing calls need prior consent (PECR reg 19)", DialMode::kHumanInitiated,
                    ctx.consent_revoked);
    }
    const auto& tps = ctx.data.tps;
    if (!tps) {
      ctx.denyFixed(&self, "no TPS/CTPS copy is loaded: UK marketing calls are blocked");
      return;
    }
    if (ctx.now - tps->full_loaded_at > std::chrono::hours(24) * max_age_days_) {
      ctx.deny(&self, "the TPS copy is older than " + std::to_string(max_age_days_) + " days");
      return;
    }
    if (tps->index.contains(ctx.number.national)) ctx.denyFixed(&self, "the number is registered with the TPS/CTPS");
  }

 private:
  PurposeSet purposes_;
  int max_age_days_ = 28;
};
}  // namespace
std::unique_ptr<Rule> makeU7() { return std::make_unique<U7>(); }
}  // namespace clearline::core::policy
