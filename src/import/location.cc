#include "import/location.h"

#include <algorithm>

#include "common/zone_time.h"
#include "core/policy/us_geo.h"

namespace clearline::import {

std::optional<LocationProblem> checkLocation(core::Contact& c) {
  const bool nanp = std::any_of(c.phones.begin(), c.phones.end(),
                                [](const core::Phone& p) { return p.e164.rfind("+1", 0) == 0; });
  if (nanp && !c.state.empty()) {
    int i = core::policy::stateIndex(c.state);
    if (i < 0) i = core::policy::stateIndexByName(c.state);
    if (i < 0)
      return LocationProblem{
          LocationField::kState,
          "state '" + c.state +
              "' is not a US state or territory (a code such as FL, or its name)"};
    c.state = std::string(core::policy::stateCode(i));
  }
  if (nanp && !c.zip.empty()) {
    const int z = core::policy::stateFromZip(c.zip);
    if (z < 0)
      return LocationProblem{LocationField::kZip,
                             z == -1
                                 ? "ZIP '" + c.zip + "' is malformed (expected 12345 or 12345-6789)"
                                 : "ZIP '" + c.zip + "' has a 3-digit prefix no state uses"};
  }
  if (!c.timezone.empty() && !findZone(c.timezone).isOk())
    return LocationProblem{
        LocationField::kTimezone,
        "time zone '" + c.timezone + "' is not an IANA zone name (such as America/Chicago)"};
  return std::nullopt;
}

}  // namespace clearline::import
