// Simulation scenarios: every parameter of a run, loaded from TOML
// (format: docs/simulator.md; the named scenarios ship in data/scenarios/).
// Value types; any thread.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "core/runtime/campaign_runtime.h"
#include "sim/lead_tape.h"
#include "sim/random.h"

namespace clearline::sim {

struct StaffStep {
  double at_h = 0;  // hours after shift start
  int agents = 0;   // target logged-in callers from then on
};

struct Scenario {
  std::string name;
  std::string description;
  int agents = 10;              // callers at shift start
  double shift_hours = 4;
  int days = 1;                 // consecutive shifts, one a day
  std::string jurisdiction = "US";  // US: campaign / 30-day window; UK: calendar day
  double cap_pct = 3.0;         // the legal abandonment cap (compliance view)
  double target_pct = 3.0;      // the campaign's target (handed to pacers; tuning target)
  int tick_ms = 1000;           // pacer tick
  int line_cap = 0;             // 0 = unlimited
  double line_cap_per_agent = 0;  // if > 0: line_cap = ceil(this × peak agents)
  double grace_s = 2.0;
  core::GraceReference grace_from = core::GraceReference::kGreetingEnd;
  bool amd = true;
  double amd_fp = 0.02;         // human → machine (counted as abandoned)
  double amd_fn = 0.15;         // machine → human (a caller hears the machine)
  double amd_after_greeting_s = 0.8;
  Dist amd_machine_delay = Dist::uniformIn(2, 5);  // answer → machine verdict
  // Outcome shares of dials at shift start, and at shift end (linear drift).
  double p_human = 0.08, p_machine = 0.28, p_no_answer = 0.42, p_busy = 0.22;
  double p_human_end = -1, p_machine_end = -1;  // < 0: no drift
  Dist answer_delay = Dist::logNormalMedianP90(8, 15);  // dial → human answer
  Dist machine_delay = Dist::uniformIn(15, 30);          // dial → machine pickup
  Dist busy_delay = Dist::uniformIn(1, 5);               // dial → busy/SIT/invalid
  Dist greeting = Dist::logNormalMeanCv(1.2, 0.4);       // the callee's "Hello?"
  Dist talk;                                             // human talk
  Dist wrap = Dist::logNormalMeanCv(20, 0.5);
  Dist machine_talk = Dist::uniformIn(6, 10);            // a caller listening to a machine
  Dist machine_wrap = Dist::constant(2);
  double ring_timeout_s = 25;
  static constexpr double kMarkovNoRingTimeoutS = 1e6;  // a Markov scenario: no ring timeout
  static constexpr double kMinRingS = 15;  // the legal minimum ring: no dial is cancelled sooner
  double safe_harbor_s = 8;     // the prompt holds the line this long
  // The campaign's `[pacing] ring_cut_max_people_loss` (core::PacerSettings): the
  // most of the people the whole ring timeout reaches that our pacer's ring cut may miss.
  double ring_cut_max_people_loss = 0.1;
  bool markov = false;          // Markov validation scenario (CMDP applies)
  double markov_handle_s = 90, markov_resolution_s = 15;
  std::vector<StaffStep> staff;     // staffing changes (shift change, surge)
  double logouts_per_hour = 0;      // volunteer churn (Poisson)
  double logins_per_hour = 0;
  int64_t leads = 0;                // 0 = unlimited list
  // Lead tapes drawn for this scenario's runs, shared by its copies (keyed by
  // seed and fate distributions, so a changed copy draws its own): every
  // pacer and tuning step of a seed meets the same fates without drawing them
  // again. Null: each run draws its own.
  std::shared_ptr<LeadTapes> tapes = std::make_shared<LeadTapes>();

  Scenario();
  int peakAgents() const;
  int effectiveLineCap() const;
  double pHumanAt(double frac) const;
  double pMachineAt(double frac) const;
  // B0, the capacity ceiling on talk-utilisation (pacing.md §3.2), at shift start shares,
  // for the best ring timeout from the legal minimum to ring_timeout_s.
  double ceilingTalkUtilisation() const;
  // Mean handle (talk + wrap) of a human contact.
  double meanHandle() const { return talk.mean() + wrap.mean(); }
};

Result<Scenario> parseScenario(const std::string& text, const std::string& origin);
Result<Scenario> loadScenario(const std::string& path);

}  // namespace clearline::sim
