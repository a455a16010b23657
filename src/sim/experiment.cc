#include "sim/experiment.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <memory>
#include <mutex>
#include <thread>

namespace clearline::sim {

double tQuantile975(int dof) {
  static const double kT[] = {0,     12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365,
                              2.306, 2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
                              2.120, 2.110,  2.101, 2.093, 2.086, 2.080, 2.074, 2.069,
                              2.064, 2.060,  2.056, 2.052, 2.048, 2.045, 2.042};
  if (dof <= 0) return 0;
  if (dof <= 30) return kT[dof];
  if (dof <= 60) return 2.000 + (2.042 - 2.000) * (60.0 - dof) / 30.0;
  return 1.96;
}

Summary summarize(const std::vector<double>& xs) {
  Summary s;
  if (xs.empty()) return s;
  double sum = 0;
  for (double x : xs) sum += x;
  s.mean = sum / static_cast<double>(xs.size());
  if (xs.size() < 2) return s;
  double ss = 0;
  for (double x : xs) ss += (x - s.mean) * (x - s.mean);
  double sd = std::sqrt(ss / static_cast<double>(xs.size() - 1));
  s.half_width = tQuantile975(static_cast<int>(xs.size()) - 1) * sd /
                 std::sqrt(static_cast<double>(xs.size()));
  return s;
}

const std::vector<std::string>& metricNames() {
  static const std::vector<std::string> kNames = {"occupancy",
                                                  "talk_utilisation",
                                                  "abandonment",
                                                  "worst_window_abandonment",
                                                  "contacts_per_agent_hour",
                                                  "machines_per_agent_hour",
                                                  "occupancy_steady",
                                                  "worst_hour_abandonment",
                                                  "dials_per_contact",
                                                  "wait_mean_s",
                                                  "wait_p90_s",
                                                  "mean_lines",
                                                  "peak_lines",
                                                  "amd_fp_abandonment",
                                                  "pacing_abandonment"};
  return kNames;
}

double metric(const RunResult& r, const std::string& n) {
  auto pct = [&](int64_t x) {
    return r.live_answers ? 100.0 * static_cast<double>(x) / static_cast<double>(r.live_answers)
                          : 0.0;
  };
  if (n == "occupancy") return 100.0 * r.occupancy;
  if (n == "occupancy_steady") return 100.0 * r.occupancy_steady;
  if (n == "talk_utilisation") return 100.0 * r.talk_utilisation;
  if (n == "abandonment") return r.abandonment_pct;
  if (n == "worst_window_abandonment") return r.worst_window_abandonment_pct;
  if (n == "worst_hour_abandonment") return r.worst_hour_abandonment_pct;
  if (n == "contacts_per_agent_hour") return r.contacts_per_agent_hour;
  if (n == "machines_per_agent_hour")
    return r.agent_hours > 0 ? static_cast<double>(r.machines_to_callers) / r.agent_hours : 0.0;
  if (n == "dials_per_contact") return r.dials_per_contact;
  if (n == "wait_mean_s") return r.wait_mean_s;
  if (n == "wait_p90_s") return r.wait_p90_s;
  if (n == "mean_lines") return r.mean_lines;
  if (n == "peak_lines") return r.peak_lines;
  if (n == "amd_fp_abandonment") return pct(r.amd_fp_abandoned);
  if (n == "pacing_abandonment") return pct(r.pacing_abandoned);
  return 0;
}

Summary PacerRuns::of(const std::string& m) const {
  std::vector<double> xs;
  xs.reserve(runs.size());
  for (const auto& r : runs) xs.push_back(metric(r, m));
  return summarize(xs);
}

int PacerRuns::overCap(double cap_pct) const {
  int n = 0;
  for (const auto& r : runs) n += r.worst_window_abandonment_pct > cap_pct + 1e-9;
  return n;
}

int64_t PacerRuns::events() const {
  int64_t e = 0;
  for (const auto& r : runs) e += r.events;
  return e;
}

Result<PacerRuns> runSeeds(const Scenario& sc, const std::string& pacer, std::optional<double> knob,
                           uint64_t first_seed, int n, const Progress& progress,
                           std::optional<double> target_pct, int threads) {
  PacerRuns out;
  out.pacer = pacer;
  out.knob = knob;
  if (n <= 0) return out;
  std::vector<std::optional<Result<RunResult>>> results(static_cast<size_t>(n));
  std::atomic<int> next{0};
  std::mutex progress_mu;
  int done = 0;
  auto work = [&] {
    for (int i = next++; i < n; i = next++) {
      RunOptions o;
      o.seed = first_seed + static_cast<uint64_t>(i);
      o.pacer = pacer;
      o.knob = knob;
      o.target_pct = target_pct;
      results[static_cast<size_t>(i)].emplace(runOnce(sc, o));
      if (progress) {
        std::lock_guard lock(progress_mu);
        progress(++done, n);
      }
    }
  };
  int workers = std::clamp(threads, 1, n);
  std::vector<std::thread> pool;
  for (int w = 1; w < workers; ++w) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  for (int i = 0; i < n; ++i) {
    auto& r = *results[static_cast<size_t>(i)];
    if (!r.isOk()) return r.status();
    out.seeds.push_back(first_seed + static_cast<uint64_t>(i));
    out.runs.push_back(std::move(*r));
  }
  return out;
}

Result<TuneResult> tuneKnob(const Scenario& sc, const std::string& pacer, double target_pct,
                            uint64_t first_seed, int n_seeds, int iterations,
                            const Progress& progress, int threads) {
  ASSIGN_OR_RETURN(auto probe, makeScenarioPacer(pacer, sc, std::nullopt));
  TuneResult tr;
  if (!probe->hasKnob()) {
    tr.knob = probe->knob();
    return tr;
  }
  auto [lo, hi] = probe->knobRange();
  struct Eval {
    double abandonment = 0, talk_utilisation = 0;
  };
  auto eval = [&](double k) -> Result<Eval> {
    ASSIGN_OR_RETURN(PacerRuns pr,
                     runSeeds(sc, pacer, k, first_seed, n_seeds, {}, target_pct, threads));
    tr.runs += n_seeds;
    return Eval{pr.of("abandonment").mean, pr.of("talk_utilisation").mean};
  };
  // The least aggressive end must meet the target; otherwise it is the answer.
  ASSIGN_OR_RETURN(Eval e_lo, eval(lo));
  if (progress) progress(1, iterations + 1);
  tr.knob = lo;
  tr.achieved_pct = e_lo.abandonment;
  if (e_lo.abandonment > target_pct) return tr;
  // Of the knobs the bisection tries that meet the target, the one with the
  // best talk-utilisation wins (ties: the later one). For a pacer whose
  // abandonment rises with its knob that is the last feasible one, as plain
  // bisection gives; a pacer that holds its own abandonment under the target
  // whatever the knob (ours: the budget rule) would otherwise be tuned to the
  // most aggressive end of its range, which spends the budget in bursts.
  double best_util = e_lo.talk_utilisation;
  // A knob whose range spans orders of magnitude (a probability threshold, a
  // planning α) is bisected geometrically, so that a few steps reach its small
  // values; other knobs arithmetically.
  const bool geometric = lo > 0 && hi / lo >= 100;
  for (int i = 0; i < iterations; ++i) {
    double mid = geometric ? std::sqrt(lo * hi) : 0.5 * (lo + hi);
    ASSIGN_OR_RETURN(Eval e, eval(mid));
    if (e.abandonment <= target_pct) {
      lo = mid;
      if (e.talk_utilisation >= best_util) {
        best_util = e.talk_utilisation;
        tr.knob = mid;
        tr.achieved_pct = e.abandonment;
      }
    } else {
      hi = mid;
    }
    if (progress) progress(i + 2, iterations + 1);
  }
  return tr;
}

Result<MatchedRuns> matchAbandonment(const Scenario& sc, const std::string& pacer,
                                     const PacerRuns& tuned, double aim, int max_evals,
                                     std::optional<double> target_pct, double tolerance,
                                     int threads) {
  MatchedRuns out;
  out.seeds = tuned.seeds;
  if (!tuned.knob || tuned.runs.empty()) return out;
  ASSIGN_OR_RETURN(auto probe, makeScenarioPacer(pacer, sc, std::nullopt));
  if (!probe->hasKnob()) return out;
  const auto [lo, hi] = probe->knobRange();
  const bool geometric = lo > 0 && hi / lo >= 100;
  struct Point {
    double knob, a;
    const PacerRuns* runs;
  };
  std::vector<std::unique_ptr<PacerRuns>> owned;
  std::vector<Point> pts{{*tuned.knob, tuned.of("abandonment").mean, &tuned}};
  auto mid = [&](double x, double y, double f) {  // f of the way from x to y
    return geometric ? x * std::pow(y / x, f) : x + (y - x) * f;
  };
  auto take = [&](const Point& p, const Point& q, double w) {
    out.matched = true;
    out.knob_a = p.knob;
    out.knob_b = q.knob;
    out.weight = w;
    for (size_t i = 0; i < tuned.runs.size(); ++i) {
      auto at = [&](const char* m) {
        return (1 - w) * metric(p.runs->runs[i], m) + w * metric(q.runs->runs[i], m);
      };
      out.abandonment.push_back(at("abandonment"));
      out.talk_utilisation.push_back(at("talk_utilisation"));
      out.occupancy.push_back(at("occupancy"));
    }
  };
  const uint64_t first = tuned.seeds.front();
  const int n = static_cast<int>(tuned.runs.size());
  bool end_tried = false;  // the range's end (towards the aim) has been evaluated
  int last_side = 0, streak = 0;  // the side of the aim the last evaluations fell on, and how many in a row
  for (;;) {
    // The closest evaluation below and above the aim.
    const Point* below = nullptr;
    const Point* above = nullptr;
    for (const auto& p : pts) {
      if (std::abs(p.a - aim) <= tolerance) {
        take(p, p, 0);
        return out;
      }
      if (p.a < aim && (!below || p.a > below->a)) below = &p;
      if (p.a > aim && (!above || p.a < above->a)) above = &p;
    }
    if (out.evals >= max_evals) {
      if (below && above) take(*below, *above, (aim - below->a) / (above->a - below->a));
      return out;
    }
    double k;
    if (below && above) {
      // Regula falsi (in log-knob for a geometric range), Illinois variant: an
      // end of the bracket kept for a second step in a row has its distance to
      // the aim halved (again each further step), so a bracket that reaches to
      // the end of the range still narrows from both sides.
      const double keep = std::pow(0.5, std::max(0, streak - 1));
      const double rb = (aim - below->a) * (last_side > 0 ? keep : 1.0);
      const double ra = (above->a - aim) * (last_side < 0 ? keep : 1.0);
      const double f = rb / (rb + ra);
      k = mid(below->knob, above->knob, f);
    } else {
      // One side only: towards the cautious end of the range if abandonment is
      // too high, else the aggressive end — half way, or further where the
      // secant through the two nearest evaluations points (20 % beyond it, so
      // the next one likely brackets the aim), never past the end.
      const Point& from = above ? *above : *below;
      const double end = above ? lo : hi;
      if (end_tried) return out;  // even the end of the range does not reach the aim
      const auto pos = [&](double x) { return geometric ? std::log(x) : x; };
      double f = 0.5;
      const Point* second = nullptr;
      for (const auto& p : pts)
        if (&p != &from && (above ? p.a > aim : p.a < aim) &&
            (!second || std::abs(p.a - aim) < std::abs(second->a - aim)))
          second = &p;
      if (second && second->a != from.a && pos(end) != pos(from.knob)) {
        const double x = pos(from.knob) + (aim - from.a) * (pos(second->knob) - pos(from.knob)) /
                                              (second->a - from.a);
        const double g = 1.2 * (x - pos(from.knob)) / (pos(end) - pos(from.knob));
        if (std::isfinite(g) && g > f) f = std::min(g, 1.0);
      }
      // A second one-sided step goes to the end of the range: either that
      // brackets the aim or no knob does, and the search stops there (a peer
      // that cannot reach the aim costs two evaluations, not max_evals).
      if (out.evals >= 1) f = 1.0;
      if (f >= 1.0) end_tried = true;
      k = mid(from.knob, end, f);
      if (std::abs(k - from.knob) < 1e-12) return out;
    }
    ASSIGN_OR_RETURN(PacerRuns pr, runSeeds(sc, pacer, k, first, n, {}, target_pct, threads));
    owned.push_back(std::make_unique<PacerRuns>(std::move(pr)));
    out.evals++;
    pts.push_back({k, owned.back()->of("abandonment").mean, owned.back().get()});
    const int side = pts.back().a > aim ? 1 : -1;
    streak = side == last_side ? streak + 1 : 1;
    last_side = side;
  }
}

Summary pairedDifference(const std::vector<double>& a, const PacerRuns& b, const std::string& m) {
  std::vector<double> d;
  size_t n = std::min(a.size(), b.runs.size());
  for (size_t i = 0; i < n; ++i) d.push_back(a[i] - metric(b.runs[i], m));
  return summarize(d);
}

Summary pairedDifference(const PacerRuns& a, const PacerRuns& b, const std::string& m) {
  std::vector<double> d;
  size_t n = std::min(a.runs.size(), b.runs.size());
  for (size_t i = 0; i < n; ++i) d.push_back(metric(a.runs[i], m) - metric(b.runs[i], m));
  return summarize(d);
}

Json toJson(const Summary& s) {
  return Json{
      {"mean", s.mean}, {"ci95_low", s.lo()}, {"ci95_high", s.hi()}, {"half_width", s.half_width}};
}

Json toJson(const PacerRuns& r, double cap_pct) {
  Json j = Json::object();
  j["pacer"] = r.pacer;
  j["knob"] = r.knob ? Json(*r.knob) : Json(nullptr);
  j["seeds"] = r.runs.size();
  for (const auto& m : metricNames()) j[m] = toJson(r.of(m));
  j["replications_over_cap"] = r.overCap(cap_pct);
  j["events"] = r.events();
  return j;
}

}  // namespace clearline::sim
