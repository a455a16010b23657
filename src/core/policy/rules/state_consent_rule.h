// Shared by the state "mini-TCPA" rules S1 (FL), S2 (OK), S3 (MD) and S6 (IN):
// to a number that may be in the state, automated dialing (progressive,
// predictive) or a recorded message needs the state's kind of consent; without
// it the contact is routed to a human-initiated live dial.
#pragma once

#include "core/policy/rules/rule.h"

namespace clearline::core::policy {

class StateConsentRule : public Rule {
 public:
  StateConsentRule(const char* state, std::vector<std::string> def_purposes, bool automated_modes, int need_rank)
      : state_(stateIndex(state)),
        code_(state),
        def_purposes_(std::move(def_purposes)),
        automated_(automated_modes),
        need_(need_rank) {}
  Status configure(const Json& params) override {
    ParamReader r(params);
    Status st = parsePurposes(r.strings("purposes", def_purposes_), purposes_);
    if (!st.isOk()) r.fail("purposes", st.message());
    automated_ = r.boolean("automated_modes", automated_);
    std::string c = r.str("consent", need_ == 2 ? "express_written" : "express");
    if (c == "express_written") need_ = 2;
    else if (c == "express") need_ = 1;
    else r.fail("consent", "expected express or express_written");
    RETURN_IF_ERROR(r.finish());
    for (int pre = 0; pre < 2; ++pre)
      reasons_[pre] = "a number that may be in " + code_ + ": " +
                      (pre ? std::string("a recorded message") : std::string("automated dialing")) + " needs prior express " +
                      (need_ == 2 ? "written " : "") + "consent";
    return Status::ok();
  }
  void evaluate(EvalContext& ctx, const RuleVersion& self) const override {
    if (!ctx.inState(state_) || !purposes_.has(ctx.attempt.purpose)) return;
    bool covered = ctx.attempt.prerecorded || (automated_ && ctx.autodialed);
    if (!covered || consentRank(ctx.consent) >= need_) return;
    ctx.denyFixed(&self, reasons_[ctx.attempt.prerecorded ? 1 : 0], DialMode::kHumanInitiated, ctx.consent_revoked);
  }

 private:
  int state_;
  std::string code_;
  std::vector<std::string> def_purposes_;
  bool automated_;
  int need_;
  PurposeSet purposes_;
  std::string reasons_[2];  // [prerecorded]: built by configure()
};

}  // namespace clearline::core::policy
