// The rule registry: every id in the research's rule index (compliance.md),
// with the factory of its dial-time implementation, or nullptr when the rule is
// enforced elsewhere or not yet (docs/compliance.md says where and why).
#include "core/policy/rules/rule.h"

namespace clearline::core::policy {

std::unique_ptr<Rule> makeR1();
std::unique_ptr<Rule> makeR3();
std::unique_ptr<Rule> makeR4();
std::unique_ptr<Rule> makeR8();
std::unique_ptr<Rule> makeR10();
std::unique_ptr<Rule> makeR11();
std::unique_ptr<Rule> makeR12();
std::unique_ptr<Rule> makeR14();
std::unique_ptr<Rule> makeR16();
std::unique_ptr<Rule> makeS1();
std::unique_ptr<Rule> makeS2();
std::unique_ptr<Rule> makeS3();
std::unique_ptr<Rule> makeS5();
std::unique_ptr<Rule> makeS6();
std::unique_ptr<Rule> makeS7();
std::unique_ptr<Rule> makeS8();
std::unique_ptr<Rule> makeS9();
std::unique_ptr<Rule> makeU2();
std::unique_ptr<Rule> makeU5();
std::unique_ptr<Rule> makeU7();
std::unique_ptr<Rule> makeP1();

const std::vector<RuleRegistration>& ruleRegistry() {
  static const std::vector<RuleRegistration> r = {
      {"R1", "Calling window 08:00–21:00 local", makeR1},
      {"R2", "Two-second connect (enforced by the runtime; counted by the ledger)", nullptr},
      {"R3", "Abandonment ceiling 3% / 30 days (and 24 h)", makeR3},
      {"R4", "Safe-harbor message required for modes that can abandon", makeR4},
      {"R5", "Ring time ≥15 s (enforced by SIP ring timeout)", nullptr},
      {"R6", "Abandonment records (calls table)", nullptr},
      {"R7", "TSR per-call records, 5 years (calls table)", nullptr},
      {"R8", "National DNC Registry scrub, copy ≤31 days", makeR8},
      {"R9", "Registry data files (import, not a dial-time rule)", nullptr},
      {"R10", "Internal do-not-call lists", makeR10},
      {"R11", "Wireless/unknown + autodialer or prerecorded needs consent", makeR11},
      {"R12", "Landline prerecorded: written consent / 3 per 30 days", makeR12},
      {"R13", "Prerecorded-message content (script duty)", nullptr},
      {"R14", "Consent revocation honoured", makeR14},
      {"R15", "ATDS scope: dialing mode recorded; autodialed modes treated as automated", nullptr},
      {"R16", "Reassigned Numbers Database", makeR16},
      {"R17a", "Caller ID transmission (SIP/campaign settings)", nullptr},
      {"R17b", "Truth in Caller ID (campaign settings)", nullptr},
      {"R17c", "STIR/SHAKEN attestation (carrier)", nullptr},
      {"R18", "FEC phone-bank disclaimer (campaign script)", nullptr},
      {"S1", "Florida FTSA: written consent for automated calls", makeS1},
      {"S2", "Oklahoma OTSA: written consent for automated calls", makeS2},
      {"S3", "Maryland: written consent for automated calls (incl. polls)", makeS3},
      {"S4", "Washington: hours via S8; identification/10 s end (script duty)", nullptr},
      {"S5", "California ADAD: recorded messages 09:00–21:00", makeS5},
      {"S6", "Indiana: recorded messages need consent", makeS6},
      {"S7", "Sundays, holidays, emergencies (state calendars)", makeS7},
      {"S8", "State hour windows", makeS8},
      {"S9", "Frequency caps, recycle delays; strictest intersection", makeS9},
      {"U1", "UK persistent misuse (legal basis; measured by U2)", nullptr},
      {"U2", "UK abandoned call rate ≤3% / 24 h", makeU2},
      {"U3", "UK information message ≤2 s (runtime)", nullptr},
      {"U4", "UK ring ≥15 s (SIP ring timeout)", nullptr},
      {"U5", "UK repeats: 24 h after AMD, 72 h after abandoned", makeU5},
      {"U6", "UK caller ID (campaign settings)", nullptr},
      {"U7", "UK PECR: TPS/CTPS, consent for automated calls", makeU7},
      {"P1", "UK calling window 08:00–21:00 [P]", makeP1},
  };
  return r;
}

const RuleRegistration* findRule(std::string_view id) {
  for (const auto& r : ruleRegistry())
    if (r.id == id) return &r;
  return nullptr;
}

}  // namespace clearline::core::policy
