// Shared by the fixed daily-window rules (R1, P1, S5): "calls only in
// [start, end) local time in every candidate zone", for some purposes.
#pragma once

#include "core/policy/rules/rule.h"

namespace clearline::core::policy {

class DailyWindowRule : public Rule {
 public:
  DailyWindowRule(const char* def_start_end, bool prerecorded_only, int only_state)
      : def_(def_start_end), prerecorded_only_(prerecorded_only), only_state_(only_state) {}
  Status configure(const Json& params) override {
    ParamReader r(params);
    auto w = parseDayWindow(r.str("window", def_));
    if (!w || !w->open()) r.fail("window", "expected \"HH:MM-HH:MM\"");
    PurposeSet ps;
    Status st = parsePurposes(r.strings("purposes", {"all"}), ps);
    if (!st.isOk()) r.fail("purposes", st.message());
    RETURN_IF_ERROR(r.finish());
    purposes_ = ps;
    policy_ = FixedDayPolicy(*w);
    return Status::ok();
  }
  void evaluate(EvalContext& ctx, const RuleVersion& self) const override {
    if (!purposes_.has(ctx.attempt.purpose)) return;
    if (prerecorded_only_ && !ctx.attempt.prerecorded) return;
    if (only_state_ >= 0) {
      if (!ctx.inState(only_state_)) return;
      for (ZoneRef z : ctx.state_zones[static_cast<size_t>(only_state_)])
        ctx.windows.push_back(WindowConstraint{z, &policy_, &self, nullptr});
      return;
    }
    for (ZoneRef z : ctx.zones) ctx.windows.push_back(WindowConstraint{z, &policy_, &self, nullptr});
  }

 private:
  const char* def_;
  bool prerecorded_only_;
  int only_state_;
  PurposeSet purposes_;
  FixedDayPolicy policy_{DayWindow{}};
};

}  // namespace clearline::core::policy
