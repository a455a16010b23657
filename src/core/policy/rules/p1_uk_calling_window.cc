// P1 – UK calling window [P]: the research gives no statutory UK hours, so the
// platform applies 08:00–21:00 Europe/London to every UK campaign as policy.
// Cite: platform policy (compliance.md §3 has no hours rule; Ofcom persistent
// misuse, Communications Act 2003 ss.128–131, as the harm it guards against).
#include "core/policy/rules/window_rule.h"

namespace clearline::core::policy {
std::unique_ptr<Rule> makeP1() { return std::make_unique<DailyWindowRule>("08:00-21:00", false, -1); }
}  // namespace clearline::core::policy
