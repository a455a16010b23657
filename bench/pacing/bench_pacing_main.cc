// clearline-bench-pacing: every pacer on every scenario (pacing.md §7).
//
// For each scenario: knob-tuned pacers are tuned by bisection on tuning seeds
// (100001…) to the same realised abandonment, then every pacer is evaluated on
// held-out seeds 1..N with common random numbers; each knob-tuned peer is then
// moved, on those seeds, to clearline's realised abandonment (matchAbandonment)
// and compared with it there too. Writes a Markdown report
// and SVG plots (ρ–A frontiers, occupancy and abandonment over the shift) to
// --out. `--smoke` is the quick version the test suite runs.
//
//   clearline-bench-pacing [--out docs/bench/pacing] [--scenario-dir data/scenarios]
//                          [--seeds 30] [--tune-seeds 6] [--tune-iterations 8] [--target 2.5]
//                          [--scenarios a,b] [--pacers a,b] [--no-frontier] [--smoke] [--threads N]
//                          [--match-evals 4] [--eval-seed 1]
// Replications run on --threads threads (default: one per core); results do not
// depend on it (each seed's run is independent and stored by seed).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/pacing/cmdp_pacer.h"
#include "sim/experiment.h"
#include "svg.h"

using namespace clearline;
using namespace clearline::sim;

namespace {

struct Args {
  std::string out = "docs/bench/pacing";
  std::string scenario_dir = "data/scenarios";
  int seeds = 30, tune_seeds = 6, tune_iterations = 8;
  int frontier_seeds = 4;
  // Evaluations a peer may use to reach ours' realised abandonment (0: no matching).
  int match_evals = 4;
  uint64_t eval_seed = 1;  // first held-out seed
  double target = 2.5;
  bool frontier = true, smoke = false;
  int threads = 0;  // 0: one per hardware thread
  std::vector<std::string> scenarios = {
      "markov-10", "markov-50",    "tiny-bank", "small-bank",  "small-bank-uk", "small-bank-noamd",
      "mid-bank",  "large-center", "drift",     "surge-staff", "lowline"};
  std::vector<std::string> pacers = {"progressive",
                                     "fixed-ratio",
                                     "erlang",
                                     "vicidial-hard-limit",
                                     "vicidial-tapered",
                                     "vicidial-average",
                                     "aimd",
                                     "impact",
                                     "cmdp",
                                     "clearline",
                                     "oracle"};
  std::string command;
};

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> v;
  std::stringstream ss(s);
  std::string x;
  while (std::getline(ss, x, ','))
    if (!x.empty()) v.push_back(x);
  return v;
}

std::string fmt(double x, int p) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(p) << x;
  return o.str();
}
std::string fmtCi(const Summary& s, int p) { return fmt(s.mean, p) + " ± " + fmt(s.half_width, p); }

bool isPeer(const std::string& p) { return p != "clearline" && p != "oracle" && p != "cmdp"; }

struct ScenarioResult {
  Scenario sc;
  std::map<std::string, PacerRuns> runs;
  std::map<std::string, TuneResult> tunes;
  std::map<std::string, std::vector<std::pair<double, double>>> frontier;  // (A, ρ)
  std::map<std::string, MatchedRuns> matched;  // peers moved to ours' realised abandonment
  double cmdp_optimum = -1;
  double seconds = 0;
};

}  // namespace

constexpr const char* kUsage = R"(usage: clearline-bench-pacing [options]

Every pacer on every scenario (docs/bench/pacing/README.md, pacing.md §7):
knob-tuned pacers are tuned on seeds 100001… to the same realised
abandonment, every pacer is evaluated on held-out seeds with common random
numbers, and each knob-tuned peer is moved to our pacer's realised
abandonment on those seeds. Writes OUT/README.md (tables) and SVG plots.

  --out DIR            where the report and plots go (docs/bench/pacing)
  --scenario-dir DIR   the scenario files, NAME.toml (data/scenarios)
  --scenarios a,b      scenarios to run (all eleven)
  --pacers a,b         pacers to run (all; see clearline simulate --list-pacers)
  --seeds N            held-out evaluation seeds (30)
  --eval-seed S        first held-out seed (1)
  --tune-seeds N       tuning seeds (6)
  --tune-iterations N  bisection steps of the tuner (8)
  --target PCT         abandonment the tuner aims under (2.5; Markov: their cap)
  --match-evals N      evaluations a peer may use to reach ours' abandonment (4; 0: none)
  --frontier-seeds N   seeds per point of the knob sweeps (4)
  --no-frontier        skip the knob sweeps (and their plots)
  --threads N          replications run in parallel (one per core)
  --smoke              the quick version the test suite runs
  --help               this text

The run of record: --seeds 30 --tune-seeds 3 --tune-iterations 6 --frontier-seeds 1 --threads 2
)";

int main(int argc, char** argv) {
  Args a;
  for (int i = 0; i < argc; ++i) a.command += std::string(i ? " " : "") + argv[i];
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    // Numbers: the whole value must parse, and counts must be positive.
    auto count = [&](int min) {
      const std::string v = next();
      size_t used = 0;
      int n = 0;
      try {
        n = std::stoi(v, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (v.empty() || used != v.size() || n < min) {
        std::cerr << k << ": expected a whole number ≥ " << min << ", got '" << v << "'\n";
        std::exit(2);
      }
      return n;
    };
    if (k == "--help" || k == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if (k == "--out")
      a.out = next();
    else if (k == "--scenario-dir")
      a.scenario_dir = next();
    else if (k == "--seeds")
      a.seeds = count(1);
    else if (k == "--tune-seeds")
      a.tune_seeds = count(1);
    else if (k == "--tune-iterations")
      a.tune_iterations = count(1);
    else if (k == "--frontier-seeds")
      a.frontier_seeds = count(1);
    else if (k == "--target") {
      const std::string v = next();
      char* end = nullptr;
      a.target = std::strtod(v.c_str(), &end);
      if (v.empty() || *end != '\0' || !(a.target > 0) || a.target > 100) {
        std::cerr << "--target: expected a percentage in (0, 100], got '" << v << "'\n";
        return 2;
      }
    }
    else if (k == "--scenarios")
      a.scenarios = split(next());
    else if (k == "--pacers")
      a.pacers = split(next());
    else if (k == "--no-frontier")
      a.frontier = false;
    else if (k == "--smoke")
      a.smoke = true;
    else if (k == "--threads")
      a.threads = count(0);
    else if (k == "--match-evals")
      a.match_evals = count(0);
    else if (k == "--eval-seed")
      a.eval_seed = static_cast<uint64_t>(count(1));
    else {
      std::cerr << "unknown argument " << k << " (--help lists them)\n";
      return 2;
    }
  }
  if (a.smoke) {
    a.seeds = 3;
    a.tune_seeds = 2;
    a.tune_iterations = 3;
    a.frontier_seeds = 1;
    a.scenarios = {"markov-10", "small-bank"};
    a.pacers = {"progressive", "fixed-ratio", "vicidial-average", "cmdp", "clearline", "oracle"};
  }
  if (a.threads <= 0)
    a.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::filesystem::create_directories(a.out);
  using Clock = std::chrono::steady_clock;
  auto t_start = Clock::now();
  int64_t total_events = 0;
  double sim_seconds = 0;      // wall-clock seconds of the evaluation runs
  double sim_cpu_seconds = 0;  // CPU seconds (all threads) of the evaluation runs
  std::map<std::string, std::pair<int64_t, double>> by_pacer;  // pacer → (events, CPU seconds)
  std::vector<ScenarioResult> all;

  for (const auto& name : a.scenarios) {
    auto loaded = loadScenario(a.scenario_dir + "/" + name + ".toml");
    if (!loaded.isOk()) {
      std::cerr << loaded.status().toString() << "\n";
      return 1;
    }
    ScenarioResult sr;
    sr.sc = *loaded;
    if (a.smoke) sr.sc.shift_hours = std::min(sr.sc.shift_hours, 1.0);
    auto t0 = Clock::now();
    double target = sr.sc.markov ? sr.sc.cap_pct : a.target;
    for (const auto& p : a.pacers) {
      if (p == "cmdp" && !sr.sc.markov) continue;
      auto probe = makeScenarioPacer(p == "oracle" ? "progressive" : p, sr.sc, std::nullopt);
      if (!probe.isOk()) continue;
      std::optional<double> knob;
      if (p != "oracle" && (*probe)->hasKnob()) {
        auto tr =
            tuneKnob(sr.sc, p, target, 100001, a.tune_seeds, a.tune_iterations, {}, a.threads);
        if (!tr.isOk()) {
          std::cerr << tr.status().toString() << "\n";
          return 1;
        }
        sr.tunes[p] = *tr;
        knob = tr->knob;
      }
      auto ts = Clock::now();
      std::clock_t cs = std::clock();
      auto pr = runSeeds(sr.sc, p, knob, a.eval_seed, a.seeds, {}, target, a.threads);
      if (!pr.isOk()) {
        std::cerr << pr.status().toString() << "\n";
        return 1;
      }
      sim_seconds += std::chrono::duration<double>(Clock::now() - ts).count();
      const double cpu = static_cast<double>(std::clock() - cs) / CLOCKS_PER_SEC;
      sim_cpu_seconds += cpu;
      total_events += pr->events();
      by_pacer[p].first += pr->events();
      by_pacer[p].second += cpu;
      std::cerr << name << " " << p << ": occupancy " << fmt(pr->of("occupancy").mean, 1)
                << "% abandonment " << fmt(pr->of("abandonment").mean, 2) << "%\n";
      sr.runs.emplace(p, std::move(*pr));
      if (a.frontier && knob) {
        auto [lo, hi] = (*probe)->knobRange();
        for (double f : {0.25, 0.5, 0.75, 1.0, 1.25, 1.6}) {
          double k = std::min(hi, lo + (*knob - lo) * f);
          auto fr = runSeeds(sr.sc, p, k, a.eval_seed, a.frontier_seeds, {}, target, a.threads);
          if (!fr.isOk()) continue;
          sr.frontier[p].push_back({fr->of("abandonment").mean, fr->of("occupancy").mean});
        }
        std::sort(sr.frontier[p].begin(), sr.frontier[p].end());
      }
    }
    // Each knob-tuned peer again at ours' realised abandonment, on the same seeds
    // (issue 5 compares talk-utilisation at equal realised abandonment; the
    // tuned knobs meet the target on the tuning seeds, not on these).
    if (a.match_evals > 0 && sr.runs.count("clearline")) {
      const double aim = sr.runs.at("clearline").of("abandonment").mean;
      for (const auto& [p, pr] : sr.runs) {
        if (!isPeer(p) || !pr.knob) continue;
        auto m = matchAbandonment(sr.sc, p, pr, aim, a.match_evals, target, 0.05, a.threads);
        if (!m.isOk()) {
          std::cerr << m.status().toString() << "\n";
          return 1;
        }
        std::cerr << name << " " << p << " at " << fmt(aim, 2) << " % abandonment: "
                  << (m->matched ? "talk-util " + fmt(summarize(m->talk_utilisation).mean, 1) + " %"
                                 : std::string("not reachable"))
                  << " (" << m->evals << " more evaluations)\n";
        sr.matched.emplace(p, std::move(*m));
      }
    }
    if (sr.sc.markov) {
      core::CmdpModel m;
      m.agents = sr.sc.agents;
      m.live = sr.sc.p_human;
      m.handle_s = sr.sc.markov_handle_s;
      m.resolution_s = sr.sc.markov_resolution_s;
      m.alpha = sr.sc.cap_pct / 100.0;
      sr.cmdp_optimum = 100.0 * core::solveCmdp(m)->optimum_occupancy;
    }
    sr.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    std::cerr << name << " done in " << fmt(sr.seconds, 1) << " s\n";
    // Its lead tapes (shared by every pacer and tuning step of a seed) are not
    // needed again: the memory goes back before the next scenario.
    sr.sc.tapes = std::make_shared<LeadTapes>();
    all.push_back(std::move(sr));
  }

  // Timelines: occupancy and abandonment over the shift (seed 1).
  std::vector<std::string> timeline_files;
  for (const std::string tl_name : {"small-bank", "drift", "surge-staff"}) {
    const ScenarioResult* sr = nullptr;
    for (const auto& s : all)
      if (s.sc.name == tl_name) sr = &s;
    if (!sr) continue;
    bench::Plot occ{tl_name + ": occupancy over the shift (seed 1, 5-minute buckets)",
                    "hours",
                    "occupancy %",
                    {}};
    bench::Plot ab{
        tl_name + ": cumulative abandonment over the shift (seed 1)", "hours", "abandonment %", {}};
    for (const std::string p :
         {"clearline", "vicidial-average", "fixed-ratio", "aimd", "progressive"}) {
      if (!sr->runs.count(p)) continue;
      RunOptions o;
      o.seed = a.eval_seed;
      o.pacer = p;
      o.knob = sr->runs.at(p).knob;
      o.timeline = true;
      o.target_pct = sr->sc.markov ? sr->sc.cap_pct : a.target;
      auto r = runOnce(sr->sc, o);
      if (!r.isOk()) continue;
      bench::Series so{p, {}}, sa{p, {}};
      for (const auto& pt : r->timeline) {
        so.points.push_back({pt.t_h - 9.0, 100.0 * pt.occupancy});
        sa.points.push_back({pt.t_h - 9.0, pt.abandonment});
      }
      occ.series.push_back(so);
      ab.series.push_back(sa);
    }
    ab.y_min = 0;
    ab.y_max = 8;
    std::ofstream(a.out + "/timeline-" + tl_name + "-occupancy.svg") << bench::renderSvg(occ);
    std::ofstream(a.out + "/timeline-" + tl_name + "-abandonment.svg") << bench::renderSvg(ab);
    timeline_files.push_back(tl_name);
  }

  // Frontier plots.
  for (const auto& sr : all) {
    bench::Plot p{sr.sc.name + ": occupancy vs realised abandonment (knob sweep, " +
                      std::to_string(a.frontier_seeds) + " seeds a point)",
                  "abandonment %",
                  "occupancy %",
                  {}};
    for (const auto& [name, pts] : sr.frontier) p.series.push_back({name, pts, true});
    for (const auto& [name, pr] : sr.runs) {
      if (sr.frontier.count(name)) continue;
      p.series.push_back(
          {name + " (fixed)", {{pr.of("abandonment").mean, pr.of("occupancy").mean}}, false});
    }
    p.vlines.push_back({sr.sc.cap_pct, "cap"});
    std::ofstream(a.out + "/frontier-" + sr.sc.name + ".svg") << bench::renderSvg(p);
  }

  double total_s = std::chrono::duration<double>(Clock::now() - t_start).count();
  // Report.
  std::ostringstream md;
  md << "# Pacing benchmark\n\n";
  md << "Generated by `" << a.command << "` (" << fmt(total_s, 0) << " s wall on this machine, "
     << a.threads << " thread" << (a.threads == 1 ? "" : "s") << ").\n\n";
  md << "- Evaluation: seeds " << a.eval_seed << ".."
     << a.eval_seed + static_cast<uint64_t>(a.seeds) - 1 << " (held out); tuning: " << a.tune_seeds
     << " seeds from 100001, " << a.tune_iterations
     << " bisection steps, to realised abandonment ≤ " << fmt(a.target, 1)
     << " % (Markov scenarios: ≤ their 3 % cap).\n";
  md << "- Rates in percent; ± is the 95 % interval over seeds. `over cap`: replications whose "
        "worst legal window "
        "(US: campaign/30-day, UK: calendar day) exceeded 3 %.\n";
  md << "- Ceiling: B0 talk-utilisation (pacing.md §3.2). `Δ talk-util vs clearline`: paired "
        "difference "
        "(peer − clearline) over common seeds, 95 % CI; negative = clearline ahead.\n";
  md << "- `at equal abandonment`: the peer's knob searched again on the same held-out seeds (at "
        "most "
     << a.match_evals
     << " more evaluations, regula falsi) until its mean realised abandonment equals clearline's "
        "(± 0.05 "
        "point, else the two bracketing knobs interpolated per seed); then the same paired "
        "difference. "
        "`n/r`: no knob in the peer's range reaches clearline's abandonment.\n";
  const double per_cpu_s =
      static_cast<double>(total_events) / std::max(sim_cpu_seconds, 1e-9) / 1e6;
  const double per_wall_s = static_cast<double>(total_events) / std::max(sim_seconds, 1e-9) / 1e6;
  md << "- Simulator speed over the evaluation runs (" << total_events
     << " events): " << fmt(per_cpu_s, 2) << " M events per CPU-second (one core), "
     << fmt(per_wall_s, 2) << " M events per wall-clock second on " << a.threads << " thread"
     << (a.threads == 1 ? "" : "s") << ".\n\n";
  // Per pacer: the simulator and the runtime alone (the cheap pacers) against
  // the pacers whose decisions cost most. (Each scenario's first pacer, in
  // name order, also draws the evaluation seeds' lead tapes.)
  md << "Simulator speed by pacer (evaluation runs, all scenarios):\n\n"
     << "| pacer | events | CPU s | M events per CPU-second |\n|---|---|---|---|\n";
  for (const auto& [p, ec] : by_pacer)
    md << "| " << p << " | " << ec.first << " | " << fmt(ec.second, 2) << " | "
       << fmt(static_cast<double>(ec.first) / std::max(ec.second, 1e-9) / 1e6, 2) << " |\n";
  md << "\n";
  for (const auto& sr : all) {
    md << "## " << sr.sc.name << "\n\n"
       << sr.sc.description << ". N = " << sr.sc.agents << ", ceiling talk-utilisation "
       << fmt(100.0 * sr.sc.ceilingTalkUtilisation(), 1) << " %";
    if (sr.cmdp_optimum > 0)
      md << ", exact CMDP optimum occupancy at 3 %: " << fmt(sr.cmdp_optimum, 2) << " %";
    md << ". (" << fmt(sr.seconds, 0) << " s)\n\n";
    md << "| pacer | knob | occupancy | talk-util | abandonment | worst window | worst hour | "
          "contacts/h | over cap | Δ talk-util vs clearline | at equal abandonment: knob, "
          "talk-util, Δ |\n";
    md << "|---|---|---|---|---|---|---|---|---|---|---|\n";
    const PacerRuns* ours = sr.runs.count("clearline") ? &sr.runs.at("clearline") : nullptr;
    double best_peer = -1;
    std::string best_name;
    for (const auto& [name, pr] : sr.runs) {
      md << "| " << name << " | " << (pr.knob ? fmt(*pr.knob, 3) : "-") << " | "
         << fmtCi(pr.of("occupancy"), 1) << " | " << fmtCi(pr.of("talk_utilisation"), 1) << " | "
         << fmtCi(pr.of("abandonment"), 2) << " | " << fmtCi(pr.of("worst_window_abandonment"), 2)
         << " | " << fmt(pr.of("worst_hour_abandonment").mean, 2) << " | "
         << fmt(pr.of("contacts_per_agent_hour").mean, 1) << " | " << pr.overCap(sr.sc.cap_pct)
         << "/" << pr.runs.size() << " | ";
      if (ours && name != "clearline") {
        Summary d = pairedDifference(pr, *ours, "talk_utilisation");
        md << fmt(d.mean, 2) << " [" << fmt(d.lo(), 2) << ", " << fmt(d.hi(), 2) << "]"
           << (d.hi() < 0   ? " ✓"
               : d.lo() > 0 ? " ✗"
                            : " ~");
      }
      md << " | ";
      if (ours && sr.matched.count(name)) {
        const MatchedRuns& m = sr.matched.at(name);
        if (!m.matched) {
          md << "n/r";
        } else {
          Summary d = pairedDifference(m.talk_utilisation, *ours, "talk_utilisation");
          md << (m.knob_a == m.knob_b ? fmt(m.knob_a, 3)
                                      : fmt(m.knob_a, 3) + "–" + fmt(m.knob_b, 3))
             << ", " << fmt(summarize(m.talk_utilisation).mean, 1) << ", " << fmt(d.mean, 2) << " ["
             << fmt(d.lo(), 2) << ", " << fmt(d.hi(), 2) << "]"
             << (d.hi() < 0   ? " ✓"
                 : d.lo() > 0 ? " ✗"
                              : " ~");
        }
      }
      md << " |\n";
      if (isPeer(name)) {
        double tu = pr.of("talk_utilisation").mean;
        if (tu > best_peer) {
          best_peer = tu;
          best_name = name;
        }
      }
    }
    if (ours && best_peer >= 0) {
      double ceil = 100.0 * sr.sc.ceilingTalkUtilisation();
      double o = ours->of("talk_utilisation").mean;
      md << "\nBest peer by talk-utilisation: " << best_name << " (" << fmt(best_peer, 1)
         << " %). clearline: " << fmt(o, 1) << " %; share of the peer→ceiling gap closed: "
         << (ceil > best_peer ? fmt(100.0 * (o - best_peer) / (ceil - best_peer), 0) + " %" : "n/a")
         << ".\n";
      // The same at equal abandonment (peers that cannot reach it keep their tuned runs out).
      double best_eq = -1;
      std::string best_eq_name;
      for (const auto& [name, m] : sr.matched) {
        if (!m.matched) continue;
        const double tu = summarize(m.talk_utilisation).mean;
        if (tu > best_eq) {
          best_eq = tu;
          best_eq_name = name;
        }
      }
      if (best_eq >= 0)
        md << "At clearline's abandonment (" << fmt(ours->of("abandonment").mean, 2)
           << " %) the best peer is " << best_eq_name << " (" << fmt(best_eq, 1)
           << " %); gap closed: "
           << (ceil > best_eq ? fmt(100.0 * (o - best_eq) / (ceil - best_eq), 0) + " %" : "n/a")
           << ".\n";
    }
    if (a.frontier) md << "\n![frontier](frontier-" << sr.sc.name << ".svg)";
    md << "\n\n";
  }
  for (const auto& t : timeline_files)
    md << "## Over the shift: " << t << "\n\n![occupancy](timeline-" << t
       << "-occupancy.svg)\n![abandonment](timeline-" << t << "-abandonment.svg)\n\n";
  std::ofstream(a.out + "/README.md") << md.str();
  std::cerr << "wrote " << a.out << "/README.md in " << fmt(total_s, 1) << " s; "
            << fmt(per_cpu_s, 2) << " M events per CPU-second, " << fmt(per_wall_s, 2)
            << " M events/s wall\n";
  return 0;
}
