// Business-day arithmetic for "honour within 10 business days" (R10, R14):
// Monday–Friday, minus US federal holidays (computed, observed dates). Pure.
#pragma once

#include "common/clock.h"

namespace clearline::core::policy {

// True if the UTC day `days` (since 1970-01-01) is a US federal holiday (observed).
bool isUsFederalHoliday(int64_t days);
// The instant `n` business days after `t` (same time of day, UTC calendar).
TimePoint addBusinessDays(TimePoint t, int n);

}  // namespace clearline::core::policy
