// Phone numbers as the policy engine sees them: E.164 digits as an integer key,
// the country (NANP "1" or UK "44") and, for NANP, the area code. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace clearline::core::policy {

struct PolicyNumber {
  int country = 0;         // 1 (NANP) or 44 (UK); 0 = other
  uint64_t key = 0;        // all E.164 digits as an integer (unique across countries)
  uint64_t national = 0;   // NANP: 10 digits NPA-NXX-XXXX; UK: the national significant number
  int npa = 0;             // NANP area code
};

// Accepts "+<digits>" (E.164, 8–15 digits). NANP numbers must have valid NPA
// and NXX (first digit 2–9). nullopt if malformed.
std::optional<PolicyNumber> parsePolicyNumber(std::string_view e164);

}  // namespace clearline::core::policy
