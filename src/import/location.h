// A contact's location as the compliance policy will read it (core/policy/
// engine.cc, rule P0): a state, ZIP or time zone it cannot read makes every
// call to the contact fail closed. The importer and the API's contact create
// check a contact with this before storing it, so that such a row is reported
// with its field named instead of stored undialable.
#pragma once

#include <optional>
#include <string>

#include "core/contact/contact.h"

namespace clearline::import {

enum class LocationField { kState, kZip, kTimezone };

struct LocationProblem {
  LocationField field;
  std::string why;  // plain words, naming the value
};

// Checks (and normalises) `c`'s state, ZIP and time zone:
// - for a contact with a NANP (+1) number: a state must be a US state or
//   territory, as a code or its name in any case (stored as its code, "FL");
//   a ZIP must be 12345 or 12345-6789 with a prefix some state uses;
// - for any contact: a time zone must be an IANA zone name ("America/Chicago").
// Other countries' states and ZIPs are kept as given (no rule reads them).
std::optional<LocationProblem> checkLocation(core::Contact& c);

}  // namespace clearline::import
