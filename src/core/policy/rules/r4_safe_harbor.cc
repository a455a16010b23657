// R4 – Safe-harbor message: a campaign that can abandon calls (progressive,
// predictive) must have a safe-harbor message and a callback number that takes
// do-not-call requests; it cannot be switched off. Without them, only modes
// that never abandon (preview) are allowed.
// Cite: 16 CFR 310.4(b)(4)(iii); 47 CFR 64.1200(a)(7)(i).
#include "core/policy/rules/rule.h"

namespace clearline::core::policy {
namespace {
class R4 final : public Rule {
 public:
  Status configure(const Json& params) override {
    ParamReader r(params);
    Status st = parsePurposes(r.strings("purposes", {"all"}), purposes_);
    if (!st.isOk()) r.fail("purposes", st.message());
    return r.finish();
  }
  void evaluate(EvalContext& ctx, const RuleVersion& self) const override {
    if (!ctx.autodialed || !purposes_.has(ctx.attempt.purpose)) return;
    if (ctx.campaign.safe_harbor_message.empty() || ctx.campaign.callback_number.empty())
      ctx.denyFixed(&self, "the campaign has no safe-harbor message and callback number, required for modes that can abandon",
                    DialMode::kPreview);
  }

 private:
  PurposeSet purposes_;
};
}  // namespace
std::unique_ptr<Rule> makeR4() { return std::make_unique<R4>(); }
}  // namespace clearline::core::policy
