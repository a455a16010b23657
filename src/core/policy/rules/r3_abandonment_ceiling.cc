// R3 – Abandonment ceiling: ≤3% of live-answered calls per campaign per 30
// days; [P] also ≤3% over any rolling 24 h, and the campaign's target (default
// 2%) narrows it. Over budget → predictive dialing falls back to 1:1.
// Cite: 16 CFR 310.4(b)(4)(i); 47 CFR 64.1200(a)(7).
#include "core/policy/rules/abandonment_rule.h"

namespace clearline::core::policy {
std::unique_ptr<Rule> makeR3() { return std::make_unique<AbandonmentRule>(true); }
}  // namespace clearline::core::policy
