#include "core/policy/number.h"

namespace clearline::core::policy {

std::optional<PolicyNumber> parsePolicyNumber(std::string_view s) {
  if (s.size() < 9 || s.size() > 16 || s[0] != '+') return std::nullopt;
  uint64_t key = 0;
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    key = key * 10 + static_cast<uint64_t>(s[i] - '0');
  }
  PolicyNumber n;
  n.key = key;
  std::string_view d = s.substr(1);
  if (d[0] == '1') {
    if (d.size() != 11) return std::nullopt;
    if (d[1] < '2' || d[4] < '2') return std::nullopt;
    n.country = 1;
    n.national = key - 10'000'000'000ULL;
    n.npa = static_cast<int>(n.national / 10'000'000ULL);
  } else if (d.size() >= 11 && d[0] == '4' && d[1] == '4') {
    if (d.size() > 12 || d[2] == '0') return std::nullopt;
    n.country = 44;
    uint64_t p = 1;
    for (size_t i = 2; i < d.size(); ++i) p *= 10;
    n.national = key % p;
  } else {
    n.country = 0;
  }
  return n;
}

}  // namespace clearline::core::policy
