// R14 – Revocation of consent: by any reasonable means, honoured at once
// (legal ceiling 10 business days from 11 Apr 2025). A revoked consent counts
// as no consent for every later rule (R11, R12, S1–S3, S6, U7).
// Cite: FCC 24-24, 89 FR 15756; 47 CFR 64.1200(a)(10).
#include "core/policy/rules/rule.h"

namespace clearline::core::policy {
namespace {
class R14 final : public Rule {
 public:
  int phase() const override { return 0; }
  Status configure(const Json& params) override {
    ParamReader r(params);
    honour_days_ = r.integer("honour_business_days", 10);
    if (honour_days_ < 0 || honour_days_ > 30) r.fail("honour_business_days", "must be 0–30");
    return r.finish();
  }
  void evaluate(EvalContext& ctx, const RuleVersion&) const override {
    const auto& rev = ctx.attempt.consent_revoked_at;
    if (rev && *rev <= ctx.now && ctx.consent != ConsentType::kNone) {
      ctx.consent = ConsentType::kNone;
      ctx.consent_revoked = true;
    }
  }

 private:
  int honour_days_ = 10;
};
}  // namespace
std::unique_ptr<Rule> makeR14() { return std::make_unique<R14>(); }
}  // namespace clearline::core::policy
