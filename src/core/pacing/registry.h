// The pacer catalogue: names, one-line descriptions, and a factory. The
// daemon picks `[pacing] pacer` from here; `clearline simulate --list-pacers`
// prints it (the simulator adds its sim-only "oracle").
// Owned by core/pacing. Immutable after start-up; any thread may read.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "core/pacing/pacer.h"

namespace clearline::core {

// Planning figures for model-based pacers (Erlang open-loop and the CMDP
// policy need them up front; adaptive pacers ignore them). The simulator fills
// them from the scenario; the daemon from the campaign's history or defaults.
struct PacerSettings {
  std::optional<double> knob;   // the tunable parameter (see Pacer::knobRange)
  int agents = 10;              // planned logged-in callers
  double live_rate = 0.08;      // share of dials that need a caller (live answers)
  double mean_handle_s = 105;   // talk + wrap
  double mean_resolution_s = 15;  // dial → resolution (Markov scenarios)
  double alpha_pct = 3.0;       // abandonment target for planners
  double grace_s = 0.0;
  bool markov = false;          // the scenario is the Markov validation model
  // The figures above were measured (a scenario's own parameters, a campaign's
  // history), not defaults: adaptive pacers may trust them from the first dial.
  // Our pacer dials progressively until it has evidence of its own otherwise.
  bool measured = false;
  // Share of humans that answering-machine detection hangs up on as machines
  // (its false positives). The law counts them as abandoned, but no runtime can
  // see them, so the ledger does not hold them: our pacer adds this estimate to
  // the legal window's lives and abandons when AMD is on. The simulator passes
  // the scenario's true rate; the daemon assumes 2 % (vendors claim 1–5 %,
  // ../shared/research/pacing.md §6).
  double amd_false_positive = 0.02;
  // Our pacer may place dials without AMD while its callers wait for calls
  // (ClearlinePacer, docs/pacing.md); false keeps AMD on every dial of a
  // campaign that has it (config `[pacing] amd_when_idle`).
  bool amd_when_idle = true;
  // Our pacer may ring shorter than the campaign's ring timeout (never under
  // the legal 15 s) while the line cap binds, or while its callers hear
  // answering machines that pick up late (docs/pacing.md, "The ring cut"); it
  // never picks a timeout that misses more than this share of the people the
  // whole timeout reaches. A person it misses is a record to dial again. 0: no
  // cut that misses anyone (config `[pacing] ring_cut_max_people_loss`).
  double ring_cut_max_people_loss = 0.1;
};

struct PacerInfo {
  std::string name;
  std::string description;
  bool tunable = false;      // has a knob the benchmark bisects
  bool markov_only = false;  // needs the Markov model (CMDP)
  bool sim_only = false;     // needs the simulator's foresight (oracle)
};

const std::vector<PacerInfo>& pacerCatalog();
Result<std::unique_ptr<Pacer>> makePacer(std::string_view name, const PacerSettings& s);

}  // namespace clearline::core
