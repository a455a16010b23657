// US geography the calling-window rules need (not law, so code rather than the
// rules file): states and territories, their IANA zones (all of them for states
// that span two, e.g. FL, ID, TX, KY, TN, IN, OR, NE, KS, ND, SD, MI), the state
// of a ZIP code by its 3-digit prefix, and a per-area-code state table filled
// by the geocoder adapter (src/policy_data). Pure; owner: policy.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace clearline::core::policy {

// States as bit positions in a StateSet (0 … 63).
using StateSet = uint64_t;
constexpr int kUkRegion = 63;  // pseudo-state: the United Kingdom

// Index of a two-letter code ("FL"), or -1.
int stateIndex(std::string_view code);
std::string_view stateCode(int idx);
// Index of a full state name ("Florida", in any case: "FLORIDA"), or -1.
int stateIndexByName(std::string_view name);
// IANA zones where a person in that state may be (all of them).
const std::vector<std::string>& stateZones(int idx);
int stateCount();

// ZIP (5 digits, or ZIP+4 "12345-6789") → state index. -1 if the format is
// wrong, -2 if no state uses that 3-digit prefix.
int stateFromZip(std::string_view zip);

std::vector<std::string> stateCodes(StateSet s);

// Area code (NPA 200–999) → states, filled by the geocoder adapter.
struct NpaTable {
  std::array<StateSet, 1000> states{};
  bool loaded = false;
};

}  // namespace clearline::core::policy
