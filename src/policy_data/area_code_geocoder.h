// Candidate locations from a number, with libphonenumber's offline geocoder
// (dependencies.md §7): the description is "City, ST" or a full state name;
// both map to a state. Builds the NPA → states table the pure core uses, and
// geocodes single numbers for `clearline check`. Owner: policy.
// Thread-safety: one instance per thread (libphonenumber's geocoder is not
// documented as thread-safe).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/policy/us_geo.h"

namespace clearline::policy_data {

class AreaCodeGeocoder {
 public:
  AreaCodeGeocoder();
  ~AreaCodeGeocoder();
  // States the geocoder names for this E.164 number (empty if none).
  std::vector<std::string> statesFor(const std::string& e164) const;
  // Geocodes a few exchanges in every NPA 200–999 (≈ 4,000 look-ups), plus
  // a local override list for overlays newer than the library's metadata.
  core::policy::NpaTable buildNpaTable() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "Miami, FL" → "FL"; "Florida" → "FL"; anything else → "".
std::string stateFromDescription(const std::string& description);

}  // namespace clearline::policy_data
