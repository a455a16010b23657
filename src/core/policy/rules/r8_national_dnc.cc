// R8 – National DNC Registry scrub: commercial and telefunder calls may not go
// to registered numbers; the registry copy must be ≤31 days old at dial time
// ([P]: counted from the last complete full-list load). Exempt by §1.4:
// political organisations, charities calling with their own staff, pure
// surveys (and informational calls, which are not telemarketing). Established
// business relationship: commercial only. Fail closed: no copy or a stale copy
// blocks every covered call.
// Cite: 16 CFR 310.4(b)(1)(iii)(B), 310.4(b)(3)(iv); 47 CFR 64.1200(c)(2).
#include "core/policy/engine.h"
#include "core/policy/rules/rule.h"

namespace clearline::core::policy {
namespace {
class R8 final : public Rule {
 public:
  Status configure(const Json& params) override {
    ParamReader r(params);
    Status st = parsePurposes(r.strings("purposes", {"commercial", "charitable_by_telemarketer"}), purposes_);
    if (!st.isOk()) r.fail("purposes", st.message());
    max_age_days_ = r.integer("max_age_days", 31);
    if (max_age_days_ < 1 || max_age_days_ > 366) r.fail("max_age_days", "must be 1–366");
    ebr_ = r.boolean("honour_ebr", true);
    return r.finish();
  }
  bool readsUsRegistry(PurposeClass p) const override { return purposes_.has(p); }
  void evaluate(EvalContext& ctx, const RuleVersion& self) const override {
    if (ctx.uk || !purposes_.has(ctx.attempt.purpose)) return;
    const auto& snap = ctx.data.us_registry;
    if (!snap) {
      ctx.denyFixed(&self, "no National DNC Registry copy is loaded: covered calls are blocked");
      return;
    }
    if (ctx.now - snap->full_loaded_at > std::chrono::hours(24) * max_age_days_) {
      auto days = std::chrono::duration_cast<std::chrono::hours>(ctx.now - snap->full_loaded_at).count() / 24;
      ctx.deny(&self, "the National DNC Registry copy is " + std::to_string(days) + " days old (limit " +
                          std::to_string(max_age_days_) + "): load a fresh full list");
      return;
    }
    if (!snap->area_codes.empty()) {
      bool covered = false;
      for (int ac : snap->area_codes) covered = covered || ac == ctx.number.npa;
      if (!covered) {
        ctx.deny(&self, "area code " + std::to_string(ctx.number.npa) + " is not in the loaded registry subscription");
        return;
      }
    }
    if (ctx.registry_hint >= 0 ? ctx.registry_hint == 1 : snap->index.contains(ctx.number.national)) {
      if (ebr_ && ctx.attempt.purpose == PurposeClass::kCommercial && ctx.attempt.ebr_expires_at &&
          *ctx.attempt.ebr_expires_at > ctx.now)
        return;  // established business relationship
      ctx.denyFixed(&self, "the number is on the National Do Not Call Registry");
    }
  }

 private:
  PurposeSet purposes_;
  int max_age_days_ = 31;
  bool ebr_ = true;
};
}  // namespace
std::unique_ptr<Rule> makeR8() { return std::make_unique<R8>(); }
}  // namespace clearline::core::policy
