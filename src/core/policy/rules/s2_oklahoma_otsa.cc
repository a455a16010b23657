// S2 – Oklahoma Telephone Solicitation Act of 2022: commercial sales calls
// using an automated system for the selection or dialing of numbers, or a
// recorded message, need prior express written consent. (Hours: S8; caps: S9.)
// Cite: 15 O.S. §775C.1 et seq. (HB 3168, effective 1 Nov 2022).
#include "core/policy/rules/state_consent_rule.h"

namespace clearline::core::policy {
std::unique_ptr<Rule> makeS2() {
  return std::make_unique<StateConsentRule>("OK", std::vector<std::string>{"commercial"}, true, 2);
}
}  // namespace clearline::core::policy
