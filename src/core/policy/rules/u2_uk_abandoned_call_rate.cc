// U2 – UK abandoned call rate: ≤3% of live calls per campaign over any 24 h
// (AMD false positives count as abandoned; a priority threshold, not a safe
// harbour). Cite: Communications Act 2003 ss.128–131; Ofcom 2016 statement.
#include "core/policy/rules/abandonment_rule.h"

namespace clearline::core::policy {
std::unique_ptr<Rule> makeU2() { return std::make_unique<AbandonmentRule>(false); }
}  // namespace clearline::core::policy
