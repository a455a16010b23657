// S6 – Indiana automatic dialing-announcing devices: a recorded message only
// with the subscriber's consent or after a live operator obtains it — political
// robocalls included. Without consent: a human-initiated live call instead.
// Cite: IC 24-5-14.
#include "core/policy/rules/state_consent_rule.h"

namespace clearline::core::policy {
std::unique_ptr<Rule> makeS6() {
  return std::make_unique<StateConsentRule>("IN", std::vector<std::string>{"all"}, false, 1);
}
}  // namespace clearline::core::policy
