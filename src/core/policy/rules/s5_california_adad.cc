// S5 – California automatic dialing-announcing devices: no recorded-message
// call may be received in California between 21:00 and 09:00 (any purpose).
// Cite: Cal. Pub. Util. Code §2872(c); §§2873–2874 (live intro + consent
// before a recording is a script/runtime duty, see docs/compliance.md).
#include "core/policy/rules/window_rule.h"

namespace clearline::core::policy {
std::unique_ptr<Rule> makeS5() {
  return std::make_unique<DailyWindowRule>("09:00-21:00", true, stateIndex("CA"));
}
}  // namespace clearline::core::policy
