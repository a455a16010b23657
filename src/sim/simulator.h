// The discrete-event simulator: a virtual clock, a simulated carrier and
// simulated callers driving the real core::CampaignRuntime and a real pacer.
//
// Callee fates come from the lead tape (one seeded stream per lead) and
// staffing from the agent tape (its own stream), so every pacer meets the same
// callees and callers (common random numbers). The simulator, not the pacer,
// enforces the minimum ring time (a cancel before 15 s is held to 15 s and
// counted), the grace window and its reference point (abandonment is judged
// here from the true answer/greeting times, not from what the runtime thinks),
// the AMD error model (false positives count as abandoned), the line cap and
// the UK 72-hour no-redial rule.
//
// One Simulator runs one replication; it is single-threaded and not reusable.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include "common/status.h"
#include "core/pacing/pacer.h"
#include "core/pacing/registry.h"
#include "core/runtime/campaign_runtime.h"
#include "sim/random.h"
#include "sim/scenario.h"

namespace clearline::sim {

struct RunOptions {
  uint64_t seed = 1;
  std::string pacer = "progressive";
  std::optional<double> knob;     // the pacer's tunable parameter
  bool timeline = false;          // collect 5-minute occupancy/abandonment points
  std::optional<double> target_pct;  // override the scenario's target handed to the pacer
  // A pacer made by the caller instead of `pacer` by name (tests; the name then
  // only labels the run and must not be "oracle").
  std::function<std::unique_ptr<core::Pacer>()> make_pacer;
};

struct TimelinePoint {
  double t_h = 0;           // hours since the first shift start
  double occupancy = 0;     // in this bucket
  double abandonment = 0;   // cumulative, percent
  int agents = 0;           // logged in at the bucket end
};

struct RunResult {
  // Headline metrics (pacing.md §3.1), fractions 0..1 except the *_pct ones.
  double occupancy = 0;
  double occupancy_steady = 0;   // after the first 30 minutes of each shift
  double talk_utilisation = 0;
  double abandonment_pct = 0;            // (pacing abandons + AMD false positives) / live answers
  double worst_window_abandonment_pct = 0;  // worst US 30-day / UK calendar-day window
  double worst_hour_abandonment_pct = 0;    // worst rolling hour (≥ 20 live answers in it)
  double contacts_per_agent_hour = 0;
  double dials_per_contact = 0;
  double wait_mean_s = 0, wait_p50_s = 0, wait_p90_s = 0, wait_p99_s = 0;
  double mean_lines = 0;
  int peak_lines = 0;
  int64_t dials = 0, live_answers = 0, abandoned = 0, amd_fp_abandoned = 0, pacing_abandoned = 0;
  int64_t contacts = 0, machines_to_callers = 0, leads_used = 0;
  int64_t early_cancel_attempts = 0, line_cap_violations = 0, redial_72h_violations = 0;
  int64_t events = 0;
  double agent_hours = 0;
  double ceiling_talk_utilisation = 0;
  std::vector<TimelinePoint> timeline;
};

// Runs one replication. Errors: unknown pacer, pacer not applicable (CMDP
// outside a Markov scenario).
Result<RunResult> runOnce(const Scenario& sc, const RunOptions& opt);

// Pacer names the simulator accepts: the core catalogue plus "oracle".
std::vector<core::PacerInfo> simPacerCatalog();

// Makes a pacer for this scenario (model hints filled from it). "oracle" is
// not made here: runOnce builds it with access to the tapes.
Result<std::unique_ptr<core::Pacer>> makeScenarioPacer(const std::string& name, const Scenario& sc,
                                                      std::optional<double> knob);

}  // namespace clearline::sim
