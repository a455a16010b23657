// S1 – Florida Telephone Solicitation Act: commercial sales calls using an
// automated system for the selection and dialing of numbers, or a recorded
// message, need prior express written consent; FL area codes presume a FL
// resident. (Hours: S8; 3 calls/24 h per subject: S9.)
// Cite: Fla. Stat. 501.059(8)(a), 501.616(6).
#include "core/policy/rules/state_consent_rule.h"

namespace clearline::core::policy {
std::unique_ptr<Rule> makeS1() {
  return std::make_unique<StateConsentRule>("FL", std::vector<std::string>{"commercial"}, true, 2);
}
}  // namespace clearline::core::policy
