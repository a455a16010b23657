// A simulation scenario fitted to a campaign's own calls (`clearline simulate
// --from-campaign`, issue 5 §6): the outcome shares, answer, machine and busy
// delays, greetings and talk times of its recent autodialled calls, so that a
// campaign manager can compare dial modes on their own list before going on.
// What the store does not keep (AMD's error rates), and what too few calls
// show (fewer than 5 of a kind), keeps the simulator's defaults, and the
// scenario says so in its comments.
// Pure; any thread.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "core/pacing/planning.h"

namespace clearline::sim {

struct HistoryScenarioOptions {
  std::string name = "history";
  std::string description;
  int callers = 0;  // 0: the callers who took calls in the sample (at least 1)
  double shift_hours = 4;
  bool uk = false;          // UK rules: calendar-day window, grace from the answer
  bool grace_from_greeting_end = false;  // the dialer's [sip] grace_from (ignored under UK rules)
  double target_pct = 3.0;  // the campaign's abandonment target
};

// Fewer dialled calls, or fewer answered by people, and no scenario is fitted.
inline constexpr int kMinHistoryCalls = 30;
inline constexpr int kMinHistoryPeople = 5;

// The scenario as TOML (docs/simulator.md's format, a comment on each fitted
// line saying what it came from), for parseScenario and for the user to keep
// and edit. Errors (invalid argument): too few calls or people, naming both.
Result<std::string> scenarioFromHistory(const std::vector<core::CallSample>& calls,
                                        const HistoryScenarioOptions& o);

}  // namespace clearline::sim
