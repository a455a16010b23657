// R11 – Wireless (and, failing closed, unknown-type) numbers: no call using an
// autodialer (progressive/predictive; [P] per R15, whatever the ATDS case law)
// or a prerecorded/artificial voice without prior express consent — written
// consent for telemarketing. All purposes, political included. Without it the
// contact is routed to a human-initiated live dial instead of being dropped.
// Cite: 47 USC 227(b)(1)(A)(iii); 47 CFR 64.1200(a)(1)–(2).
#include "core/policy/rules/rule.h"

namespace clearline::core::policy {
namespace {
class R11 final : public Rule {
 public:
  Status configure(const Json& params) override {
    ParamReader r(params);
    for (const auto& t : r.strings("line_types", {"wireless", "unknown", "voip"})) {
      auto lt = parseLineType(t);
      if (!lt.isOk()) r.fail("line_types", "unknown line type '" + t + "'");
      else mask_ |= 1u << static_cast<int>(*lt);
    }
    return r.finish();
  }
  void evaluate(EvalContext& ctx, const RuleVersion& self) const override {
    if (ctx.uk) return;
    if (!((mask_ >> static_cast<int>(ctx.attempt.line_type)) & 1)) return;
    if (!ctx.autodialed && !ctx.attempt.prerecorded) return;
    int need = ctx.telemarketing ? 2 : 1;
    if (consentRank(ctx.consent) >= need) return;
    std::string what = ctx.attempt.prerecorded ? "a prerecorded or artificial voice" : "an autodialed mode";
    std::string reason = std::string(toString(ctx.attempt.line_type)) + " number without prior express " +
                         (need == 2 ? "written " : "") + "consent: " + what + " is not allowed";
    if (ctx.consent_revoked) reason += " (consent was revoked)";
    if (ctx.consent_void_rnd) reason += " (the Reassigned Numbers Database says the number changed hands)";
    ctx.denials.push_back(Finding{&self, reason, DialMode::kHumanInitiated, ctx.consent_revoked});
  }

 private:
  uint32_t mask_ = 0;
};
}  // namespace
std::unique_ptr<Rule> makeR11() { return std::make_unique<R11>(); }
}  // namespace clearline::core::policy
