// Experiments over many replications: summary statistics with 95% intervals,
// paired differences (common random numbers), and knob tuning by bisection on
// tuning seeds (evaluation then uses held-out seeds). Used by
// `clearline simulate` and the pacing benchmark (bench/pacing).
// Value types. runSeeds/tuneKnob may run replications on several threads
// (`threads`); results are stored by seed, so they do not depend on it.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/status.h"
#include "sim/scenario.h"
#include "sim/simulator.h"

namespace clearline::sim {

struct Summary {
  double mean = 0, half_width = 0;  // 95% interval = mean ± half_width (Student t)
  double lo() const { return mean - half_width; }
  double hi() const { return mean + half_width; }
};
Summary summarize(const std::vector<double>& xs);
double tQuantile975(int dof);

// Metric extractors by name (percent for rates): occupancy, talk_utilisation,
// abandonment, worst_window_abandonment, worst_hour_abandonment,
// machines_per_agent_hour (answering machines callers heard),
// contacts_per_agent_hour, occupancy_steady, dials_per_contact, wait_mean_s …
const std::vector<std::string>& metricNames();
double metric(const RunResult& r, const std::string& name);

struct PacerRuns {
  std::string pacer;
  std::optional<double> knob;  // the knob used (tuned or given)
  std::vector<uint64_t> seeds;
  std::vector<RunResult> runs;
  Summary of(const std::string& metric_name) const;
  // Share of replications whose worst legal window exceeded the cap.
  int overCap(double cap_pct) const;
  int64_t events() const;
};

using Progress = std::function<void(int done, int total)>;

// Runs `pacer` on seeds [first, first+n), on up to `threads` threads (each
// replication is independent; progress is called under a lock, from any of them).
// The first failing replication's error is returned.
Result<PacerRuns> runSeeds(const Scenario& sc, const std::string& pacer, std::optional<double> knob,
                           uint64_t first_seed, int n, const Progress& progress = {},
                           std::optional<double> target_pct = std::nullopt, int threads = 1);

struct TuneResult {
  double knob = 0;
  double achieved_pct = 0;  // mean abandonment on the tuning seeds
  int runs = 0;
};
// Bisection on the pacer's knob so that mean realised abandonment on the
// tuning seeds meets target_pct from below; of the knobs tried that meet it,
// the one with the best mean talk-utilisation (for a knob whose abandonment
// rises monotonically: the most aggressive knob not exceeding the target). Pacers without a knob
// return their default. A range with lo > 0 and hi/lo ≥ 100 is bisected geometrically (midpoint
// √(lo·hi)).
Result<TuneResult> tuneKnob(const Scenario& sc, const std::string& pacer, double target_pct,
                            uint64_t first_seed, int n_seeds, int iterations,
                            const Progress& progress = {}, int threads = 1);

// A knob-tuned pacer's runs moved to another pacer's realised abandonment, on
// the same seeds, so that the two are compared at equal abandonment (issue 5's
// "talk-utilisation at equal realised abandonment"). From the tuned knob's runs
// the knob is searched by regula falsi (Illinois; geometric for ranges spanning orders
// of magnitude; a bracket is first sought by halving the distance to the end
// of the range, or further along the secant, and then at the end itself) with at most `max_evals` more evaluations on `tuned.seeds`,
// until the mean abandonment is within `tolerance` points of the aim. If it is
// not, the two evaluations that bracket the aim most closely are interpolated
// per seed, linearly in their mean abandonment (weight w on the upper one), so
// the matched mean equals the aim. No bracket within the knob range or the
// evaluations: matched = false (the pacer cannot reach that abandonment); the
// search stops as soon as the end of the range has failed to bracket the aim.
// target_pct is the pacers' abandonment setting, as given to runSeeds.
struct MatchedRuns {
  bool matched = false;
  double knob_a = 0, knob_b = 0;  // the knobs interpolated (equal if one matched)
  double weight = 0;              // share of knob_b's runs
  int evals = 0;                  // evaluations made beyond the tuned runs
  std::vector<uint64_t> seeds;
  std::vector<double> abandonment, talk_utilisation, occupancy;  // per seed, interpolated
  Summary of(const std::vector<double>& per_seed) const { return summarize(per_seed); }
};
Result<MatchedRuns> matchAbandonment(const Scenario& sc, const std::string& pacer,
                                     const PacerRuns& tuned, double aim_pct, int max_evals,
                                     std::optional<double> target_pct, double tolerance = 0.05,
                                     int threads = 1);

// Paired difference a − b of a metric over common seeds.
Summary pairedDifference(const PacerRuns& a, const PacerRuns& b, const std::string& metric_name);
// The same for per-seed values of a (on b's seeds, in order).
Summary pairedDifference(const std::vector<double>& a, const PacerRuns& b,
                         const std::string& metric_name);

Json toJson(const Summary& s);
Json toJson(const PacerRuns& r, double cap_pct);

}  // namespace clearline::sim
