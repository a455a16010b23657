// S3 – Maryland Stop the Spam Calls Act of 2023: telephone solicitations
// (including polls) using an automated system for the selection or dialing of
// numbers need prior express written consent. (Hours: S8; caps: S9.)
// Cite: Md. Code, Com. Law §14-4501 et seq. (effective 1 Jan 2024).
#include "core/policy/rules/state_consent_rule.h"

namespace clearline::core::policy {
std::unique_ptr<Rule> makeS3() {
  return std::make_unique<StateConsentRule>("MD", std::vector<std::string>{"commercial", "survey"}, true, 2);
}
}  // namespace clearline::core::policy
