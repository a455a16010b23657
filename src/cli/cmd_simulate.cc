// clearline simulate: run a scenario through the simulator with one or more
// pacers and print occupancy, talk-utilisation, abandonment, the worst legal
// window and contacts per caller-hour, averaged over seeds with 95% intervals.
//
//   clearline simulate --scenario FILE.toml --pacer NAME[,NAME…|all] [--seeds N]
//                      [--first-seed S] [--target-abandonment PCT | --knob K]
//                      [--per-seed] [--threads N] [--json]
//   clearline simulate --from-campaign ID [--callers N] [--hours H]
//                      [--write-scenario FILE] --pacer … (the same options)
//   clearline simulate --list-pacers [--json]
//
// --from-campaign fits the scenario to the campaign's own recent calls
// (sim::scenarioFromHistory) instead of reading a file.
//
// With --target-abandonment, every pacer that has a knob is first tuned by
// bisection on separate tuning seeds to that realised abandonment, then
// evaluated on the held-out seeds 1..N (S..S+N−1 with --first-seed;
// docs/simulator.md). --per-seed also shows each replication.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <thread>

#include "cli/command.h"
#include "common/time_util.h"
#include "core/runtime/campaign_runtime.h"
#include "sim/experiment.h"
#include "sim/from_history.h"
#include "storage/sqlite/call_history.h"

namespace clearline::cli {
namespace {

struct SimOpts {
  std::string scenario;
  std::string pacer;
  int seeds = 30;
  int64_t first_seed = 1;
  double knob = -1;
  bool per_seed = false;
  double target = -1;
  bool list = false;
  int tune_seeds = 8;
  int tune_iterations = 10;
  int threads = 0;  // 0: one per hardware thread
  int64_t from_campaign = 0;
  int callers = 0;
  double hours = 4;
  std::string write_scenario;
};

// The scenario fitted to a campaign's recent autodialled calls.
Result<sim::Scenario> scenarioFromCampaign(const GlobalOptions& g, const SimOpts& o) {
  ASSIGN_OR_RETURN(auto ctx, openContext(g));
  ASSIGN_OR_RETURN(core::Campaign camp,
                   ctx->store->campaigns().getCampaign(CampaignId(o.from_campaign)));
  ASSIGN_OR_RETURN(auto calls, storage::callSamples(ctx->store->db(), camp.id));
  sim::HistoryScenarioOptions h;
  h.name = "campaign-" + std::to_string(o.from_campaign) + "-history";
  h.description = camp.name + ": its last " + std::to_string(calls.size()) +
                  " autodialled calls, as of " + formatIsoUtc(ctx->clock.now());
  h.callers = o.callers;
  h.shift_hours = o.hours;
  h.uk = core::isUkCampaign(camp);
  h.grace_from_greeting_end = ctx->config.getString("sip.grace_from") == "greeting_end";
  h.target_pct = camp.abandon_target_pct;
  auto text = sim::scenarioFromHistory(calls, h);
  if (!text.isOk())
    return Status::invalidArgument(
        "campaign " + std::to_string(o.from_campaign) + ": " + text.status().message(),
        "from_campaign");
  if (!o.write_scenario.empty()) {
    std::ofstream out(o.write_scenario);
    out << *text;
    if (!out.flush()) return Status::internal("cannot write the scenario to " + o.write_scenario);
  }
  return sim::parseScenario(*text, "campaign " + std::to_string(o.from_campaign) + " history");
}

std::vector<std::string> splitComma(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

class ProgressBar {
 public:
  explicit ProgressBar(bool on) : on_(on) {}
  void show(const std::string& label, int done, int total) {
    if (!on_ || total <= 0) return;
    int width = 30;
    int fill = done * width / total;
    std::fprintf(stderr, "\r%-28.28s [%s%s] %d/%d", label.c_str(), std::string(static_cast<size_t>(fill), '#').c_str(),
                 std::string(static_cast<size_t>(width - fill), '.').c_str(), done, total);
    std::fflush(stderr);
  }
  void done() {
    if (on_) std::fprintf(stderr, "\r%80s\r", "");
  }

 private:
  bool on_;
};

// "mean ±half-width", padded with spaces to `width` characters as a terminal
// shows them (std::setw counts bytes, and "±" is two).
// (With one seed there is no interval: the mean alone.)
std::string cell(const sim::Summary& s, int prec, size_t width, bool interval = true) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(prec) << s.mean;
  if (interval) os << " ±" << std::setprecision(prec) << s.half_width;
  std::string out = os.str();
  size_t shown = 0;
  for (unsigned char ch : out) shown += (ch & 0xC0) != 0x80;  // UTF-8 lead bytes
  if (shown < width) out.append(width - shown, ' ');
  return out;
}

// One object per replication (--per-seed): its seed, the headline rates, and
// the counts behind the abandonment.
Json replicationsJson(const sim::PacerRuns& r, double cap_pct) {
  Json arr = Json::array();
  for (size_t i = 0; i < r.runs.size(); ++i) {
    const sim::RunResult& x = r.runs[i];
    arr.push_back(Json{{"seed", r.seeds[i]},
                       {"occupancy", 100.0 * x.occupancy},
                       {"talk_utilisation", 100.0 * x.talk_utilisation},
                       {"abandonment", x.abandonment_pct},
                       {"worst_window_abandonment", x.worst_window_abandonment_pct},
                       {"over_cap", x.worst_window_abandonment_pct > cap_pct + 1e-9},
                       {"live_answers", x.live_answers},
                       {"pacing_abandoned", x.pacing_abandoned},
                       {"amd_fp_abandoned", x.amd_fp_abandoned},
                       {"dials", x.dials},
                       {"events", x.events}});
  }
  return arr;
}

void registerSimulate(CLI::App& root, GlobalOptions& g) {
  auto* cmd = root.add_subcommand("simulate", "Predict occupancy and abandonment per pacer before going live");
  auto o = std::make_shared<SimOpts>();
  addGlobalFlags(cmd, g);
  cmd->add_option("--scenario", o->scenario, "Scenario file (TOML; docs/simulator.md)");
  cmd->add_option("--pacer", o->pacer, "Pacer name(s), comma-separated, or 'all'");
  cmd->add_option("--seeds", o->seeds, "Replications (held-out seeds 1..N)")->capture_default_str();
  cmd->add_option("--first-seed", o->first_seed,
                  "First held-out seed (replications use seeds S..S+N-1)")
      ->capture_default_str();
  auto* knob_opt = cmd->add_option(
      "--knob", o->knob,
      "Run a tunable pacer at this knob (instead of its default or --target-abandonment); "
      "its range is in the error if it is out of it");
  cmd->add_flag("--per-seed", o->per_seed,
                "Also show each replication (JSON: runs[].replications; text: those over the cap)");
  auto* target_opt = cmd->add_option(
      "--target-abandonment", o->target,
      "Tune each knob to this realised abandonment (percent, up to the scenario's cap) first");
  cmd->add_option("--tune-seeds", o->tune_seeds, "Seeds used for tuning (1..1000)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--tune-iterations", o->tune_iterations, "Bisection steps (1..60)")
      ->capture_default_str()
      ->check(CLI::Range(1, 60));
  cmd->add_option("--threads", o->threads,
                  "Replications run in parallel on this many threads (0: one per core); results do not depend on it")
      ->capture_default_str();
  cmd->add_option(
      "--from-campaign", o->from_campaign,
      "Fit the scenario to this campaign's recent autodialled calls (instead of --scenario)");
  auto* callers_opt =
      cmd->add_option("--callers", o->callers,
                      "With --from-campaign: callers logged in (default: those in its calls)");
  auto* hours_opt =
      cmd->add_option("--hours", o->hours, "With --from-campaign: shift length in hours")
          ->capture_default_str();
  auto* write_opt =
      cmd->add_option("--write-scenario", o->write_scenario,
                      "With --from-campaign: also write the fitted scenario (TOML) here");
  // (The options that only mean something with another are refused without it.)
  for (auto* only : {callers_opt, hours_opt, write_opt}) only->needs("--from-campaign");
  cmd->footer(
      "Examples:\n"
      "  clearline simulate --scenario data/scenarios/mid-bank.toml --pacer clearline,fixed-ratio\n"
      "  clearline simulate --scenario my.toml --pacer all --target-abandonment 2.5 --json\n"
      "  clearline simulate --from-campaign 3 --callers 12 --pacer clearline --write-scenario "
      "c3.toml");
  cmd->add_flag("--list-pacers", o->list, "List the pacers and exit");
  cmd->callback([&g, o, knob_opt, target_opt] {
    if (knob_opt->count() > 0 && !(o->knob >= 0))
      return (void)fail(g, Status::invalidArgument(
                               "--knob must be ≥ 0 (each pacer's range: an out-of-range knob's "
                               "error names it)",
                               "knob"));
    if (target_opt->count() > 0 && !(o->target > 0))
      return (void)fail(g, Status::invalidArgument(
                               "--target-abandonment must be a percentage above 0", "target"));
    if (o->list) {
      auto cat = sim::simPacerCatalog();
      if (g.json) {
        Json arr = Json::array();
        for (const auto& p : cat)
          arr.push_back(Json{{"name", p.name}, {"description", p.description}, {"tunable", p.tunable},
                             {"markov_only", p.markov_only}, {"sim_only", p.sim_only}});
        printJson(Json{{"pacers", arr}});
      } else {
        for (const auto& p : cat)
          std::cout << std::left << std::setw(21) << p.name << p.description
                    << (p.tunable ? " [tunable]" : "")
                    << (p.markov_only ? " [Markov scenarios]" : "")
                    << (p.sim_only ? " [simulator only]" : "") << "\n";
      }
      return;
    }
    if (o->scenario.empty() == (o->from_campaign == 0))
      return (void)fail(
          g, Status::invalidArgument("give --scenario FILE or --from-campaign ID (one of them)",
                                     "scenario"));
    if (o->from_campaign < 0)
      return (void)fail(g,
                        Status::invalidArgument("--from-campaign: a campaign id", "from_campaign"));
    if (o->callers < 0 || o->callers > 10000)
      return (void)fail(g, Status::invalidArgument("--callers must be 0..10000", "callers"));
    if (!(o->hours > 0 && o->hours <= 24))
      return (void)fail(g, Status::invalidArgument("--hours must be in (0, 24]", "hours"));
    if (o->pacer.empty())
      return (void)fail(g, Status::invalidArgument("--pacer NAME is required", "pacer"));
    if (o->seeds < 1 || o->seeds > 10000)
      return (void)fail(g, Status::invalidArgument("--seeds must be 1..10000", "seeds"));
    if (o->threads < 0 || o->threads > 256)
      return (void)fail(g, Status::invalidArgument("--threads must be 0..256", "threads"));
    if (o->first_seed < 1 || o->first_seed > 1'000'000'000)
      return (void)fail(g, Status::invalidArgument("--first-seed must be 1..1e9", "first_seed"));
    const bool fixed_knob = o->knob >= 0;
    if (fixed_knob && o->target >= 0)
      return (void)fail(
          g, Status::invalidArgument("give --knob or --target-abandonment, not both", "knob"));
    const int threads = o->threads > 0 ? o->threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    auto sc = o->from_campaign > 0 ? scenarioFromCampaign(g, *o) : sim::loadScenario(o->scenario);
    if (!sc.isOk()) return (void)fail(g, sc.status());
    if (o->target > sc->cap_pct) {
      std::ostringstream m;
      m << "--target-abandonment " << o->target << " is above the scenario's cap (" << sc->cap_pct
        << " %)";
      return (void)fail(g, Status::invalidArgument(m.str(), "target"));
    }
    std::vector<std::string> names;
    if (o->pacer == "all") {
      for (const auto& p : sim::simPacerCatalog())
        if (!p.markov_only || sc->markov) names.push_back(p.name);
    } else {
      names = splitComma(o->pacer);
    }
    // One pacer, no tuning: every seed runs once, so its lead tape is never
    // read again; not kept (sim/lead_tape.h), the memory stays that of one run.
    if (names.size() == 1 && o->target < 0) sc->tapes = nullptr;
    ProgressBar bar(isatty(2) != 0);
    Json runs = Json::array();
    std::vector<sim::PacerRuns> results;
    std::vector<std::optional<sim::TuneResult>> tunes;
    std::vector<std::optional<double>>
        default_knobs;  // per result: its default knob, if it ran at it
    for (const auto& name : names) {
      if (interrupted()) return (void)fail(g, Status::cancelled("interrupted"));
      std::optional<double> knob;
      std::optional<sim::TuneResult> tune;
      std::optional<double> target;
      if (fixed_knob) {
        // (The oracle is listed but not made by makeScenarioPacer: the catalogue says it has no
        // knob.)
        const auto cat = sim::simPacerCatalog();
        const auto listed = std::find_if(cat.begin(), cat.end(),
                                         [&](const core::PacerInfo& p) { return p.name == name; });
        if (listed != cat.end() && !listed->tunable)
          return (void)fail(
              g, Status::invalidArgument("--knob: pacer '" + name + "' has no knob", "knob"));
        auto probe = sim::makeScenarioPacer(name, *sc, std::nullopt);
        if (!probe.isOk()) return (void)fail(g, probe.status());
        if (!(*probe)->hasKnob())
          return (void)fail(
              g, Status::invalidArgument("--knob: pacer '" + name + "' has no knob", "knob"));
        auto [lo, hi] = (*probe)->knobRange();
        if (o->knob < lo || o->knob > hi) {
          std::ostringstream m;
          m << "--knob " << o->knob << " is outside the range of pacer '" << name << "' [" << lo
            << ", " << hi << "]";
          return (void)fail(g, Status::invalidArgument(m.str(), "knob"));
        }
        knob = o->knob;
      }
      if (o->target >= 0) {
        target = o->target;
        auto t = sim::tuneKnob(*sc, name, o->target, 100001, o->tune_seeds, o->tune_iterations,
                               [&](int d, int n) { bar.show("tuning " + name, d, n); }, threads);
        if (!t.isOk()) return (void)fail(g, t.status());
        tune = *t;
        auto probe = sim::makeScenarioPacer(name, *sc, std::nullopt);
        if (probe.isOk() && (*probe)->hasKnob()) knob = t->knob;
      }
      auto pr = sim::runSeeds(
          *sc, name, knob, static_cast<uint64_t>(o->first_seed), o->seeds,
          [&](int d, int n) { bar.show(name, d, n); }, target, threads);
      if (!pr.isOk()) {
        bar.done();
        return (void)fail(g, pr.status());
      }
      // A tunable pacer run at its default knob: which knob that is (shown, not
      // used: the run already had it).
      std::optional<double> default_knob;
      if (!pr->knob) {
        auto probe = sim::makeScenarioPacer(name, *sc, std::nullopt);
        if (probe.isOk() && (*probe)->hasKnob()) default_knob = (*probe)->knob();
      }
      results.push_back(std::move(*pr));
      tunes.push_back(tune);
      default_knobs.push_back(default_knob);
    }
    bar.done();
    if (g.json) {
      for (size_t i = 0; i < results.size(); ++i) {
        Json j = sim::toJson(results[i], sc->cap_pct);
        if (tunes[i])
          j["tuning"] = Json{{"target_pct", o->target},
                             {"achieved_pct", tunes[i]->achieved_pct},
                             {"runs", tunes[i]->runs}};
        if (default_knobs[i]) j["default_knob"] = *default_knobs[i];
        if (o->per_seed) j["replications"] = replicationsJson(results[i], sc->cap_pct);
        runs.push_back(j);
      }
      Json out =
          Json{{"scenario", sc->name},
               {"cap_pct", sc->cap_pct},
               {"seeds", o->seeds},
               {"first_seed", o->first_seed},
               {"units", Json{{"occupancy", "percent"},
                              {"talk_utilisation", "percent"},
                              {"abandonment", "percent"},
                              {"worst_window_abandonment", "percent"},
                              {"contacts_per_agent_hour", "contacts per logged-in caller-hour"},
                              {"machines_per_agent_hour",
                               "answering machines callers heard per logged-in caller-hour"}}},
               {"window", sc->jurisdiction == "UK" ? "calendar day" : "campaign / 30 days"},
               {"ceiling_talk_utilisation", 100.0 * sc->ceilingTalkUtilisation()},
               {"runs", runs}};
      if (o->target >= 0) out["target_abandonment"] = o->target;
      printJson(out);
      return;
    }
    const bool many = o->seeds > 1;
    std::cout << "scenario " << sc->name << "  ("
              << (many ? std::to_string(o->seeds) + " seeds, 95% intervals"
                       : std::string("1 seed, no interval"))
              << "; ceiling talk-utilisation " << std::fixed << std::setprecision(1)
              << 100.0 * sc->ceilingTalkUtilisation() << "%)\n";
    std::cout << std::left << std::setw(21) << "pacer" << std::setw(10) << "knob" << std::setw(16)
              << "occupancy %" << std::setw(16) << "talk-util %" << std::setw(16) << "abandon %"
              << std::setw(16) << "worst window %" << std::setw(16) << "contacts/h" << std::setw(16)
              << "machines/h" << std::setw(16) << "dials/contact"
              << "over cap\n";
    bool any_default = false;
    for (size_t i = 0; i < results.size(); ++i) {
      const sim::PacerRuns& r = results[i];
      std::ostringstream k;
      if (r.knob) {
        k << std::setprecision(3) << *r.knob;
      } else if (default_knobs[i]) {
        k << std::setprecision(3) << *default_knobs[i] << "*";
        any_default = true;
      } else {
        k << "-";
      }
      std::cout << std::left << std::setw(21) << r.pacer << std::setw(10) << k.str()
                << cell(r.of("occupancy"), 1, 16, many)
                << cell(r.of("talk_utilisation"), 1, 16, many)
                << cell(r.of("abandonment"), 2, 16, many)
                << cell(r.of("worst_window_abandonment"), 2, 16, many)
                << cell(r.of("contacts_per_agent_hour"), 1, 16, many)
                << cell(r.of("machines_per_agent_hour"), 1, 16, many)
                << cell(r.of("dials_per_contact"), 1, 16, many) << r.overCap(sc->cap_pct) << "/"
                << r.runs.size() << "\n";
    }
    if (any_default)
      std::cout << "* the pacer's default knob (--knob or --target-abandonment to set one)\n";
    if (!o->per_seed) return;
    for (const auto& r : results) {
      if (r.overCap(sc->cap_pct) == 0) std::cout << r.pacer << ": no replication over the cap\n";
      for (size_t i = 0; i < r.runs.size(); ++i) {
        const sim::RunResult& x = r.runs[i];
        if (!(x.worst_window_abandonment_pct > sc->cap_pct + 1e-9)) continue;
        std::cout << r.pacer << " seed " << r.seeds[i] << ": worst window " << std::setprecision(2)
                  << x.worst_window_abandonment_pct << "% (" << x.pacing_abandoned
                  << " abandoned by pacing, " << x.amd_fp_abandoned << " hung up on by AMD, of "
                  << x.live_answers << " live answers)\n";
      }
    }
  });
}

const RegisterCommand kRegister(registerSimulate);

}  // namespace
}  // namespace clearline::cli
