// U5 – UK repeat calls: after an answering-machine detection hit, repeat calls
// to that number within 24 h, and after an abandoned call within 72 h, only
// with a guaranteed live operator — i.e. not in an autodialed mode; such
// attempts are routed to preview (a caller sees the contact and dials).
// Cite: Ofcom persistent-misuse statements 2008 (72 h, [R]) and Oct 2010
// (AMD 24 h, effective 1 Feb 2011); Communications Act 2003 ss.128–131.
#include "core/policy/engine.h"
#include "core/policy/rules/rule.h"

namespace clearline::core::policy {
namespace {
class U5 final : public Rule {
 public:
  Status configure(const Json& params) override {
    ParamReader r(params);
    amd_h_ = r.integer("after_amd_hours", 24);
    abandoned_h_ = r.integer("after_abandoned_hours", 72);
    if (amd_h_ < 0 || amd_h_ > 24 * 31) r.fail("after_amd_hours", "must be 0–744");
    if (abandoned_h_ < 0 || abandoned_h_ > 24 * 31) r.fail("after_abandoned_hours", "must be 0–744");
    return r.finish();
  }
  void evaluate(EvalContext& ctx, const RuleVersion& self) const override {
    if (!ctx.uk || !ctx.autodialed) return;
    for (const auto& e : ctx.data.history.forNumber(ctx.number.key)) {
      if (e.at > ctx.now) continue;
      if (e.abandoned && ctx.now - e.at < std::chrono::hours(abandoned_h_)) {
        ctx.deny(&self, "a call to this number was abandoned less than " + std::to_string(abandoned_h_) +
                            " h ago: only with a guaranteed live operator", DialMode::kPreview);
        return;
      }
      if (e.machine && ctx.now - e.at < std::chrono::hours(amd_h_)) {
        ctx.deny(&self, "answering-machine detection hit less than " + std::to_string(amd_h_) +
                            " h ago: only with a guaranteed live operator", DialMode::kPreview);
        return;
      }
    }
  }

 private:
  int amd_h_ = 24;
  int abandoned_h_ = 72;
};
}  // namespace
std::unique_ptr<Rule> makeU5() { return std::make_unique<U5>(); }
}  // namespace clearline::core::policy
