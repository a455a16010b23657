// R16 – Reassigned Numbers Database: a "yes" (the number was permanently
// disconnected after the consent date) voids the consent; the status is
// recorded on every authorization. With require_query = true, consent is only
// relied on after a "no"/"no data" answer younger than max_query_age_days.
// Cite: FCC 18-177; DA 21-1649; 47 CFR 64.1200(l)–(m) [R for the letters].
#include "core/policy/rules/rule.h"

namespace clearline::core::policy {
namespace {
class R16 final : public Rule {
 public:
  int phase() const override { return 0; }
  Status configure(const Json& params) override {
    ParamReader r(params);
    require_ = r.boolean("require_query", false);
    max_age_days_ = r.integer("max_query_age_days", 30);
    if (max_age_days_ < 1 || max_age_days_ > 366) r.fail("max_query_age_days", "must be 1–366");
    return r.finish();
  }
  void evaluate(EvalContext& ctx, const RuleVersion&) const override {
    if (ctx.consent == ConsentType::kNone) return;
    const auto& a = ctx.attempt;
    bool void_it = a.rnd == RndStatus::kYes;
    if (require_) {
      bool fresh = a.rnd_checked_at && ctx.now - *a.rnd_checked_at <= std::chrono::hours(24) * max_age_days_;
      if (a.rnd == RndStatus::kNotQueried || !fresh) void_it = true;
    }
    if (void_it) {
      ctx.consent = ConsentType::kNone;
      ctx.consent_void_rnd = true;
    }
  }

 private:
  bool require_ = false;
  int max_age_days_ = 30;
};
}  // namespace
std::unique_ptr<Rule> makeR16() { return std::make_unique<R16>(); }
}  // namespace clearline::core::policy
