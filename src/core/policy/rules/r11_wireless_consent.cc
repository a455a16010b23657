// R11 – Wireless (and, failing closed, unknown-type) numbers: no call using an
// autodialer (progressive/predictive; [P] per R15, whatever the ATDS case law)
// or a prerecorded/artificial voice without prior express consent — written
// consent for telemarketing. All purposes, political included. Without it the
// contact is routed to a human-initiated live dial instead of being dropped.
// Cite: 47 USC 227(b)(1)(A)(iii); 47 CFR 64.1200(a)(1)–(2).
#include <array>

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
    RETURN_IF_ERROR(r.finish());
    // Every reason text this rule can give, built once (no per-decision strings).
    for (int lt = 0; lt < kLineTypes; ++lt)
      for (int need = 1; need <= 2; ++need)
        for (int pre = 0; pre < 2; ++pre)
          for (int rev = 0; rev < 2; ++rev)
            for (int rnd = 0; rnd < 2; ++rnd) {
              std::string what = pre ? "a prerecorded or artificial voice" : "an autodialed mode";
              std::string reason = std::string(toString(static_cast<LineType>(lt))) + " number without prior express " +
                                   (need == 2 ? "written " : "") + "consent: " + what + " is not allowed";
              if (rev) reason += " (consent was revoked)";
              if (rnd) reason += " (the Reassigned Numbers Database says the number changed hands)";
              reasons_[slot(lt, need, pre, rev, rnd)] = std::move(reason);
            }
    return Status::ok();
  }
  void evaluate(EvalContext& ctx, const RuleVersion& self) const override {
    if (ctx.uk) return;
    if (!((mask_ >> static_cast<int>(ctx.attempt.line_type)) & 1)) return;
    if (!ctx.autodialed && !ctx.attempt.prerecorded) return;
    int need = ctx.telemarketing ? 2 : 1;
    if (consentRank(ctx.consent) >= need) return;
    const std::string& reason = reasons_[slot(static_cast<int>(ctx.attempt.line_type), need, ctx.attempt.prerecorded,
                                              ctx.consent_revoked, ctx.consent_void_rnd)];
    ctx.denyFixed(&self, reason, DialMode::kHumanInitiated, ctx.consent_revoked);
  }

 private:
  static constexpr int kLineTypes = 4;  // LineType: unknown, wireless, landline, voip
  static size_t slot(int lt, int need, bool pre, bool rev, bool rnd) {
    return static_cast<size_t>((((lt * 2 + (need - 1)) * 2 + pre) * 2 + rev) * 2 + rnd);
  }
  uint32_t mask_ = 0;
  std::array<std::string, kLineTypes * 16> reasons_;
};
}  // namespace
std::unique_ptr<Rule> makeR11() { return std::make_unique<R11>(); }
}  // namespace clearline::core::policy
