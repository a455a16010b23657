// ISO 8601 formatting and parsing of wall-clock instants, and time-zone helpers
// on Howard Hinnant's date/tz (the system tz database, /usr/share/zoneinfo).
#pragma once

#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"

namespace clearline {

// "2026-11-29T01:25:00.000Z".
std::string formatIsoUtc(TimePoint t);
// "2026-11-28T20:25:00-05:00" in the named IANA zone.
Result<std::string> formatIsoInZone(TimePoint t, const std::string& tz_name);
// Accepts "YYYY-MM-DDTHH:MM[:SS[.fff]]" followed by "Z" or "+HH:MM"/"-HH:MM"
// (or "+HHMM"). A missing offset is an error: instants must be unambiguous.
Result<TimePoint> parseIso(std::string_view text);
// "YYYY-MM-DD" as the start of that day in UTC.
Result<TimePoint> parseDateUtc(std::string_view text);
// True if `tz_name` is a zone in the system tz database.
bool isKnownTimeZone(const std::string& tz_name);

}  // namespace clearline
