// R10 – Entity-specific (internal) do-not-call lists: the campaign's, the
// organisation's (seller, committee or the charity a telefunder calls for) and
// the platform's. [P] for every purpose class, live calls included; honoured
// from the moment recorded (legal ceiling 10 business days), kept ≥5 years.
// Cite: 16 CFR 310.4(b)(1)(iii)(A); 47 CFR 64.1200(d); FCC 20-186; FCC 24-24.
#include "core/policy/engine.h"
#include "core/policy/rules/rule.h"

namespace clearline::core::policy {
namespace {
class R10 final : public Rule {
 public:
  Status configure(const Json& params) override {
    ParamReader r(params);
    Status st = parsePurposes(r.strings("purposes", {"all"}), purposes_);
    if (!st.isOk()) r.fail("purposes", st.message());
    honour_days_ = r.integer("honour_business_days", 10);
    if (honour_days_ < 0 || honour_days_ > 30) r.fail("honour_business_days", "must be 0–30");
    return r.finish();
  }
  void evaluate(EvalContext& ctx, const RuleVersion& self) const override {
    if (!purposes_.has(ctx.attempt.purpose)) return;
    CampaignId c = ctx.attempt.campaign_id.valid() ? ctx.attempt.campaign_id : ctx.campaign.id;
    OrgId o = ctx.attempt.org_id.valid() ? ctx.attempt.org_id : ctx.campaign.org;
    if (const auto* e = ctx.data.internal_dnc.find(ctx.number.key, c, o, ctx.now))
      ctx.deny(&self, "the number is on the " + std::string(toString(e->scope)) + " do-not-call list (" + e->source + ")");
  }

 private:
  PurposeSet purposes_;
  int honour_days_ = 10;
};
}  // namespace
std::unique_ptr<Rule> makeR10() { return std::make_unique<R10>(); }
}  // namespace clearline::core::policy
