#include "sim/scenario.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <toml++/toml.h>

namespace clearline::sim {

Scenario::Scenario() {
  Dist mix;
  mix.kind = Dist::Kind::kMixture;
  mix.weights = {0.4, 0.6};
  mix.parts = {Dist::logNormalMeanCv(18, 0.8), Dist::logNormalMeanCv(120, 0.8)};
  talk = mix;
}

int Scenario::peakAgents() const {
  int p = agents;
  for (const auto& s : staff) p = std::max(p, s.agents);
  return p;
}

int Scenario::effectiveLineCap() const {
  if (line_cap > 0) return line_cap;
  if (line_cap_per_agent > 0) return static_cast<int>(std::ceil(line_cap_per_agent * peakAgents()));
  return 0;
}

double Scenario::pHumanAt(double f) const {
  if (p_human_end < 0) return p_human;
  return p_human + (p_human_end - p_human) * std::clamp(f, 0.0, 1.0);
}
double Scenario::pMachineAt(double f) const {
  if (p_machine_end < 0) return p_machine;
  return p_machine + (p_machine_end - p_machine) * std::clamp(f, 0.0, 1.0);
}

double Scenario::ceilingTalkUtilisation() const {
  double s = talk.mean(), w = wrap.mean();
  double hm = machine_talk.mean() + machine_wrap.mean();
  if (markov) return s / (s + w);
  // pacing.md §3.2's B0, with r the machines a caller hears per person reached:
  // of the people and machines, those that answer within the ring timeout
  // (session 19's simulator cancels the rest unanswered). A pacer may ring any
  // timeout from the legal 15 s to the scenario's (session 20): the ceiling is
  // the best of them. (Every machine answering in time, as in §3.2's worked
  // example, r is p_m·FN / (p_h·(1 − FP)) with AMD and p_m / p_h without.)
  const double per_machine = amd ? p_machine * amd_fn : p_machine;
  const double per_person = amd ? p_human * (1 - amd_fp) : p_human;
  const double full = std::max(kMinRingS, ring_timeout_s);
  double best = 0;
  for (double t = kMinRingS;; t = std::min(t + 1.0, full)) {
    const double people = per_person * answer_delay.cdf(t);
    if (people > 0) {
      const double r = per_machine * machine_delay.cdf(t) / people;
      best = std::max(best, s / (s + w + r * hm));
    }
    if (t >= full) break;
  }
  return best;
}

namespace {

struct Reader {
  std::string origin;
  Status err = Status::ok();
  void fail(const std::string& key, const std::string& msg) {
    if (err.isOk()) err = Status::invalidArgument(origin + ": " + key + ": " + msg, key);
  }
};

Dist readDist(Reader& rd, const std::string& key, const toml::node& n) {
  if (auto v = n.value<double>()) return Dist::constant(*v);
  const toml::table* t = n.as_table();
  if (!t) {
    rd.fail(key, "expected a number or a table {dist = ...}");
    return {};
  }
  std::string kind = (*t)["dist"].value_or(std::string("const"));
  double offset = (*t)["offset"].value_or(0.0);
  Dist d;
  if (kind == "const") {
    d = Dist::constant((*t)["value"].value_or(0.0));
  } else if (kind == "exp" || kind == "exponential") {
    auto m = (*t)["mean"].value<double>();
    if (!m || *m <= 0) rd.fail(key, "exp needs mean > 0");
    d = Dist::exponential(m ? *m : 1);
  } else if (kind == "uniform") {
    auto lo = (*t)["min"].value<double>(), hi = (*t)["max"].value<double>();
    if (!lo || !hi || *hi < *lo) rd.fail(key, "uniform needs min <= max");
    d = Dist::uniformIn(lo ? *lo : 0, hi ? *hi : 0);
  } else if (kind == "lognormal") {
    auto mean = (*t)["mean"].value<double>(), cv = (*t)["cv"].value<double>();
    auto med = (*t)["median"].value<double>(), p90 = (*t)["p90"].value<double>();
    if (mean && cv && *mean > 0 && *cv > 0) {
      d = Dist::logNormalMeanCv(*mean, *cv);
    } else if (med && p90 && *med > 0 && *p90 > *med) {
      d = Dist::logNormalMedianP90(*med, *p90);
    } else {
      rd.fail(key, "lognormal needs mean and cv (> 0), or median and p90 (p90 > median)");
    }
  } else if (kind == "mixture") {
    const toml::array* parts = (*t)["parts"].as_array();
    if (!parts || parts->empty()) {
      rd.fail(key, "mixture needs parts = [{weight = ..., dist = ...}, ...]");
      return {};
    }
    d.kind = Dist::Kind::kMixture;
    double sum = 0;
    for (size_t i = 0; i < parts->size(); ++i) {
      const toml::table* p = (*parts)[i].as_table();
      if (!p) {
        rd.fail(key, "mixture part is not a table");
        return {};
      }
      double w = (*p)["weight"].value_or(0.0);
      sum += w;
      d.weights.push_back(w);
      d.parts.push_back(readDist(rd, key + ".parts[" + std::to_string(i) + "]", *p));
    }
    if (std::fabs(sum - 1.0) > 1e-6) rd.fail(key, "mixture weights must sum to 1");
  } else {
    rd.fail(key, "unknown dist '" + kind + "' (const, exp, uniform, lognormal, mixture)");
  }
  d.offset = offset;
  return d;
}

}  // namespace

Result<Scenario> parseScenario(const std::string& text, const std::string& origin) {
  toml::table t;
  try {
    t = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    std::ostringstream os;
    os << origin << ":" << e.source().begin.line << ": " << e.description();
    return Status::invalidArgument(os.str(), "scenario");
  }
  static const std::set<std::string> kKnown = {"name",
                                               "description",
                                               "agents",
                                               "shift_hours",
                                               "days",
                                               "jurisdiction",
                                               "cap_pct",
                                               "target_pct",
                                               "tick_ms",
                                               "line_cap",
                                               "line_cap_per_agent",
                                               "grace",
                                               "amd",
                                               "outcomes",
                                               "times",
                                               "staff",
                                               "leads",
                                               "markov",
                                               "ring_cut_max_people_loss"};
  Reader rd{origin};
  for (auto&& [k, v] : t) {
    if (!kKnown.count(std::string(k.str()))) rd.fail(std::string(k.str()), "unknown key");
  }
  Scenario s;
  s.name = t["name"].value_or(std::string());
  if (s.name.empty()) rd.fail("name", "required");
  s.description = t["description"].value_or(std::string());
  s.agents = static_cast<int>(t["agents"].value_or(int64_t{10}));
  s.shift_hours = t["shift_hours"].value_or(4.0);
  s.days = static_cast<int>(t["days"].value_or(int64_t{1}));
  s.jurisdiction = t["jurisdiction"].value_or(std::string("US"));
  s.cap_pct = t["cap_pct"].value_or(3.0);
  s.target_pct = t["target_pct"].value_or(s.cap_pct);
  s.tick_ms = static_cast<int>(t["tick_ms"].value_or(int64_t{1000}));
  s.line_cap = static_cast<int>(t["line_cap"].value_or(int64_t{0}));
  s.line_cap_per_agent = t["line_cap_per_agent"].value_or(0.0);
  s.leads = t["leads"].value_or(int64_t{0});
  s.ring_cut_max_people_loss = t["ring_cut_max_people_loss"].value_or(s.ring_cut_max_people_loss);
  if (!(s.ring_cut_max_people_loss >= 0 && s.ring_cut_max_people_loss <= 1))
    rd.fail("ring_cut_max_people_loss", "must be a share in [0, 1]");
  if (s.agents < 0) rd.fail("agents", "must be >= 0");
  if (s.shift_hours <= 0 || s.shift_hours > 24) rd.fail("shift_hours", "must be in (0, 24]");
  if (s.days < 1 || s.days > 60) rd.fail("days", "must be 1..60");
  if (s.jurisdiction != "US" && s.jurisdiction != "UK") rd.fail("jurisdiction", "US or UK");
  if (s.tick_ms < 10 || s.tick_ms > 10000) rd.fail("tick_ms", "must be 10..10000");
  if (auto* g = t["grace"].as_table()) {
    s.grace_s = (*g)["seconds"].value_or(2.0);
    auto from = core::parseGraceReference((*g)["from"].value_or(std::string("greeting_end")));
    if (!from.isOk()) rd.fail("grace.from", from.status().message());
    else s.grace_from = *from;
    if (s.grace_s < 0) rd.fail("grace.seconds", "must be >= 0");
  }
  if (auto* a = t["amd"].as_table()) {
    s.amd = (*a)["enabled"].value_or(true);
    s.amd_fp = (*a)["false_positive"].value_or(s.amd_fp);
    s.amd_fn = (*a)["false_negative"].value_or(s.amd_fn);
    s.amd_after_greeting_s = (*a)["after_greeting_s"].value_or(s.amd_after_greeting_s);
    if (auto n = (*a)["machine_delay"].node()) s.amd_machine_delay = readDist(rd, "amd.machine_delay", *n);
  }
  if (auto* o = t["outcomes"].as_table()) {
    s.p_human = (*o)["human"].value_or(s.p_human);
    s.p_machine = (*o)["machine"].value_or(s.p_machine);
    s.p_no_answer = (*o)["no_answer"].value_or(s.p_no_answer);
    s.p_busy = (*o)["busy"].value_or(s.p_busy);
    s.p_human_end = (*o)["human_end"].value_or(-1.0);
    s.p_machine_end = (*o)["machine_end"].value_or(-1.0);
    double sum = s.p_human + s.p_machine + s.p_no_answer + s.p_busy;
    if (std::fabs(sum - 1.0) > 1e-6) rd.fail("outcomes", "human + machine + no_answer + busy must be 1");
    if (s.p_human <= 0) rd.fail("outcomes.human", "must be > 0");
  }
  if (auto* m = t["times"].as_table()) {
    auto get = [&](const char* k, Dist& d) {
      if (auto n = (*m)[k].node()) d = readDist(rd, std::string("times.") + k, *n);
    };
    get("answer_delay", s.answer_delay);
    get("machine_delay", s.machine_delay);
    get("busy_delay", s.busy_delay);
    get("greeting", s.greeting);
    get("talk", s.talk);
    get("wrap", s.wrap);
    get("machine_talk", s.machine_talk);
    get("machine_wrap", s.machine_wrap);
    s.ring_timeout_s = (*m)["ring_timeout_s"].value_or(s.ring_timeout_s);
    s.safe_harbor_s = (*m)["safe_harbor_s"].value_or(s.safe_harbor_s);
    if (s.ring_timeout_s < 15) rd.fail("times.ring_timeout_s", "must be >= 15 (minimum ring)");
  }
  if (auto* mk = t["markov"].as_table()) {
    // Markov validation: exponential handle and resolution, zero grace, no AMD.
    s.markov = true;
    s.markov_handle_s = (*mk)["handle_s"].value_or(90.0);
    s.markov_resolution_s = (*mk)["resolution_s"].value_or(15.0);
    double p = (*mk)["live"].value_or(0.08);
    s.p_human = p;
    s.p_machine = 0;
    s.p_no_answer = 0;
    s.p_busy = 1 - p;
    s.answer_delay = Dist::exponential(s.markov_resolution_s);
    s.busy_delay = Dist::exponential(s.markov_resolution_s);
    s.greeting = Dist::constant(0);
    s.talk = Dist::exponential(s.markov_handle_s);
    s.wrap = Dist::constant(0);
    s.amd = false;
    s.grace_s = 0;
    s.grace_from = core::GraceReference::kAnswer;
    // The model's dials resolve after their exponential time, however long:
    // no ring timeout cuts them short.
    s.ring_timeout_s = Scenario::kMarkovNoRingTimeoutS;
  }
  if (auto* st = t["staff"].as_table()) {
    s.logouts_per_hour = (*st)["logouts_per_hour"].value_or(0.0);
    s.logins_per_hour = (*st)["logins_per_hour"].value_or(0.0);
    if (auto* steps = (*st)["steps"].as_array()) {
      for (size_t i = 0; i < steps->size(); ++i) {
        const toml::table* p = (*steps)[i].as_table();
        if (!p) {
          rd.fail("staff.steps", "each step is {at_h = ..., agents = ...}");
          break;
        }
        StaffStep step{(*p)["at_h"].value_or(0.0), static_cast<int>((*p)["agents"].value_or(int64_t{0}))};
        s.staff.push_back(step);
      }
    }
  }
  if (!rd.err.isOk()) return rd.err;
  return s;
}

Result<Scenario> loadScenario(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::notFound("cannot open scenario " + path, "scenario");
  std::stringstream ss;
  ss << in.rdbuf();
  return parseScenario(ss.str(), path);
}

}  // namespace clearline::sim
