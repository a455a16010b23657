// R1 – Calling window: no call before 08:00 or after 21:00 at the called
// person's local time, in every candidate location. Applied to all purposes
// ([P] platform floor; the law covers telemarketing).
// Cite: 16 CFR 310.4(c); 47 CFR 64.1200(c)(1).
#include "core/policy/rules/window_rule.h"

namespace clearline::core::policy {
std::unique_ptr<Rule> makeR1() { return std::make_unique<DailyWindowRule>("08:00-21:00", false, -1); }
}  // namespace clearline::core::policy
