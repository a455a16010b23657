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

// Reads a scenario strictly: an unknown key (at any level), a value of the
// wrong type or out of its range is an error naming the file, the line and the
// key (the first one found), never a silent default.
struct Reader {
  std::string origin;
  Status err = Status::ok();
  void fail(const std::string& key, const std::string& msg, const toml::node* at = nullptr) {
    if (!err.isOk()) return;
    std::string where = origin;
    if (at && at->source().begin.line > 0) where += ":" + std::to_string(at->source().begin.line);
    err = Status::invalidArgument(where + ": " + key + ": " + msg, key);
  }
  static std::string join(const std::string& path, std::string_view k) {
    return path.empty() ? std::string(k) : path + "." + std::string(k);
  }
  // Every key of t (at `path`) is one of `known`.
  void only(const toml::table& t, const std::string& path,
            std::initializer_list<std::string_view> known) {
    for (auto&& [k, v] : t) {
      if (std::find(known.begin(), known.end(), k.str()) != known.end()) continue;
      std::string list;
      for (auto n : known) list += (list.empty() ? "" : ", ") + std::string(n);
      fail(join(path, k.str()), "unknown key (known here: " + list + ")", &v);
    }
  }
  double num(const toml::table& t, std::string_view k, const std::string& path, double def,
             double lo = -1e300, double hi = 1e300) {
    const toml::node* n = t.get(k);
    if (!n) return def;
    auto v = n->value<double>();
    if (!v) {
      fail(join(path, k), "expected a number", n);
      return def;
    }
    if (!(*v >= lo && *v <= hi)) {
      std::ostringstream m;
      m << "must be in [" << lo << ", " << hi << "], not " << *v;
      fail(join(path, k), m.str(), n);
    }
    return *v;
  }
  int64_t integer(const toml::table& t, std::string_view k, const std::string& path, int64_t def,
                  int64_t lo, int64_t hi) {
    const toml::node* n = t.get(k);
    if (!n) return def;
    auto v = n->is_integer() ? n->value<int64_t>() : std::nullopt;
    if (!v) {
      fail(join(path, k), "expected an integer", n);
      return def;
    }
    if (*v < lo || *v > hi)
      fail(join(path, k), "must be " + std::to_string(lo) + ".." + std::to_string(hi), n);
    return *v;
  }
  bool flag(const toml::table& t, std::string_view k, const std::string& path, bool def) {
    const toml::node* n = t.get(k);
    if (!n) return def;
    if (!n->is_boolean()) {
      fail(join(path, k), "expected true or false", n);
      return def;
    }
    return *n->value<bool>();
  }
  std::string str(const toml::table& t, std::string_view k, const std::string& path,
                  const std::string& def) {
    const toml::node* n = t.get(k);
    if (!n) return def;
    if (!n->is_string()) {
      fail(join(path, k), "expected a string", n);
      return def;
    }
    return *n->value<std::string>();
  }
  const toml::table* table(const toml::table& t, std::string_view k, const std::string& path) {
    const toml::node* n = t.get(k);
    if (!n) return nullptr;
    if (!n->is_table()) fail(join(path, k), "expected a table", n);
    return n->as_table();
  }
};

// A duration distribution (seconds, never negative).
Dist readDist(Reader& rd, const std::string& key, const toml::node& n, bool weighted = false) {
  if (n.is_number()) {
    const double v = *n.value<double>();
    if (!(v >= 0)) rd.fail(key, "a time must be >= 0", &n);
    return Dist::constant(v);
  }
  const toml::table* t = n.as_table();
  if (!t) {
    rd.fail(key, "expected a number or a table {dist = ...}", &n);
    return {};
  }
  std::string kind = rd.str(*t, "dist", key, "const");
  double offset = rd.num(*t, "offset", key, 0.0, 0.0);
  Dist d;
  auto known = [&](std::initializer_list<std::string_view> keys) {
    std::vector<std::string_view> all(keys);
    all.push_back("dist");
    all.push_back("offset");
    if (weighted) all.push_back("weight");
    for (auto&& [k, v] : *t) {
      if (std::find(all.begin(), all.end(), k.str()) == all.end())
        rd.fail(key + "." + std::string(k.str()), "unknown key for dist \"" + kind + "\"", &v);
    }
  };
  if (kind == "const") {
    known({"value"});
    d = Dist::constant(rd.num(*t, "value", key, 0.0, 0.0));
  } else if (kind == "exp" || kind == "exponential") {
    known({"mean"});
    auto m = (*t)["mean"].value<double>();
    if (!m || *m <= 0) rd.fail(key, "exp needs mean > 0", &n);
    d = Dist::exponential(m ? *m : 1);
  } else if (kind == "uniform") {
    known({"min", "max"});
    auto lo = (*t)["min"].value<double>(), hi = (*t)["max"].value<double>();
    if (!lo || !hi || *hi < *lo || *lo < 0) rd.fail(key, "uniform needs 0 <= min <= max", &n);
    d = Dist::uniformIn(lo ? *lo : 0, hi ? *hi : 0);
  } else if (kind == "lognormal") {
    known({"mean", "cv", "median", "p90"});
    auto mean = (*t)["mean"].value<double>(), cv = (*t)["cv"].value<double>();
    auto med = (*t)["median"].value<double>(), p90 = (*t)["p90"].value<double>();
    if (mean && cv && *mean > 0 && *cv > 0) {
      d = Dist::logNormalMeanCv(*mean, *cv);
    } else if (med && p90 && *med > 0 && *p90 > *med) {
      d = Dist::logNormalMedianP90(*med, *p90);
    } else {
      rd.fail(key, "lognormal needs mean and cv (> 0), or median and p90 (p90 > median)", &n);
    }
  } else if (kind == "mixture") {
    known({"parts"});
    const toml::array* parts = (*t)["parts"].as_array();
    if (!parts || parts->empty()) {
      rd.fail(key, "mixture needs parts = [{weight = ..., dist = ...}, ...]", &n);
      return {};
    }
    d.kind = Dist::Kind::kMixture;
    double sum = 0;
    for (size_t i = 0; i < parts->size(); ++i) {
      const std::string part = key + ".parts[" + std::to_string(i) + "]";
      const toml::table* p = (*parts)[i].as_table();
      if (!p) {
        rd.fail(part, "mixture part is not a table", &(*parts)[i]);
        return {};
      }
      double w = rd.num(*p, "weight", part, 0.0, 0.0, 1.0);
      sum += w;
      d.weights.push_back(w);
      d.parts.push_back(readDist(rd, part, *p, true));
    }
    if (std::fabs(sum - 1.0) > 1e-6) rd.fail(key, "mixture weights must sum to 1", &n);
  } else {
    rd.fail(key, "unknown dist '" + kind + "' (const, exp, uniform, lognormal, mixture)", &n);
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
  Reader rd{origin};
  rd.only(t, "",
          {"name", "description", "agents", "shift_hours", "days", "jurisdiction", "cap_pct",
           "target_pct", "tick_ms", "line_cap", "line_cap_per_agent", "grace", "amd", "outcomes",
           "times", "staff", "leads", "markov", "ring_cut_max_people_loss"});
  Scenario s;
  s.name = rd.str(t, "name", "", "");
  if (s.name.empty()) rd.fail("name", "required");
  s.description = rd.str(t, "description", "", "");
  s.agents = static_cast<int>(rd.integer(t, "agents", "", 10, 0, 100000));
  s.shift_hours = rd.num(t, "shift_hours", "", 4.0);
  if (s.shift_hours <= 0 || s.shift_hours > 24)
    rd.fail("shift_hours", "must be in (0, 24]", t.get("shift_hours"));
  s.days = static_cast<int>(rd.integer(t, "days", "", 1, 1, 60));
  s.jurisdiction = rd.str(t, "jurisdiction", "", "US");
  if (s.jurisdiction != "US" && s.jurisdiction != "UK")
    rd.fail("jurisdiction", "US or UK", t.get("jurisdiction"));
  s.cap_pct = rd.num(t, "cap_pct", "", 3.0, 0.0, 100.0);
  if (!(s.cap_pct > 0)) rd.fail("cap_pct", "must be > 0", t.get("cap_pct"));
  s.target_pct = rd.num(t, "target_pct", "", s.cap_pct, 0.0, s.cap_pct);
  s.tick_ms = static_cast<int>(rd.integer(t, "tick_ms", "", 1000, 10, 10000));
  s.line_cap = static_cast<int>(rd.integer(t, "line_cap", "", 0, 0, 10000000));
  s.line_cap_per_agent = rd.num(t, "line_cap_per_agent", "", 0.0, 0.0, 1000.0);
  s.leads = rd.integer(t, "leads", "", 0, 0, int64_t{1} << 40);
  s.ring_cut_max_people_loss =
      rd.num(t, "ring_cut_max_people_loss", "", s.ring_cut_max_people_loss, 0.0, 1.0);
  if (auto* g = rd.table(t, "grace", "")) {
    rd.only(*g, "grace", {"seconds", "from"});
    s.grace_s = rd.num(*g, "seconds", "grace", 2.0, 0.0, 60.0);
    auto from = core::parseGraceReference(rd.str(*g, "from", "grace", "greeting_end"));
    if (!from.isOk())
      rd.fail("grace.from", from.status().message(), g->get("from"));
    else
      s.grace_from = *from;
  }
  if (auto* a = rd.table(t, "amd", "")) {
    rd.only(*a, "amd",
            {"enabled", "false_positive", "false_negative", "after_greeting_s", "machine_delay"});
    s.amd = rd.flag(*a, "enabled", "amd", true);
    // (A share of 1 would hang up on every person, or route every machine.)
    s.amd_fp = rd.num(*a, "false_positive", "amd", s.amd_fp, 0.0, 0.99);
    s.amd_fn = rd.num(*a, "false_negative", "amd", s.amd_fn, 0.0, 0.99);
    s.amd_after_greeting_s =
        rd.num(*a, "after_greeting_s", "amd", s.amd_after_greeting_s, 0.0, 60.0);
    if (auto n = (*a)["machine_delay"].node()) s.amd_machine_delay = readDist(rd, "amd.machine_delay", *n);
  }
  if (auto* o = rd.table(t, "outcomes", "")) {
    rd.only(*o, "outcomes", {"human", "machine", "no_answer", "busy", "human_end", "machine_end"});
    s.p_human = rd.num(*o, "human", "outcomes", s.p_human, 0.0, 1.0);
    s.p_machine = rd.num(*o, "machine", "outcomes", s.p_machine, 0.0, 1.0);
    s.p_no_answer = rd.num(*o, "no_answer", "outcomes", s.p_no_answer, 0.0, 1.0);
    s.p_busy = rd.num(*o, "busy", "outcomes", s.p_busy, 0.0, 1.0);
    s.p_human_end =
        o->get("human_end") ? rd.num(*o, "human_end", "outcomes", -1.0, 0.0, 1.0) : -1.0;
    s.p_machine_end =
        o->get("machine_end") ? rd.num(*o, "machine_end", "outcomes", -1.0, 0.0, 1.0) : -1.0;
    double sum = s.p_human + s.p_machine + s.p_no_answer + s.p_busy;
    if (std::fabs(sum - 1.0) > 1e-6) rd.fail("outcomes", "human + machine + no_answer + busy must be 1");
    if (s.p_human <= 0) rd.fail("outcomes.human", "must be > 0", o->get("human"));
  }
  if (auto* m = rd.table(t, "times", "")) {
    rd.only(*m, "times",
            {"answer_delay", "machine_delay", "busy_delay", "greeting", "talk", "wrap",
             "machine_talk", "machine_wrap", "ring_timeout_s", "safe_harbor_s"});
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
    s.ring_timeout_s = rd.num(*m, "ring_timeout_s", "times", s.ring_timeout_s);
    s.safe_harbor_s = rd.num(*m, "safe_harbor_s", "times", s.safe_harbor_s, 0.0, 600.0);
    if (s.ring_timeout_s < 15)
      rd.fail("times.ring_timeout_s", "must be >= 15 (minimum ring)", m->get("ring_timeout_s"));
  }
  if (auto* mk = rd.table(t, "markov", "")) {
    rd.only(*mk, "markov", {"handle_s", "resolution_s", "live"});
    // Markov validation: exponential handle and resolution, zero grace, no AMD.
    s.markov = true;
    s.markov_handle_s = rd.num(*mk, "handle_s", "markov", 90.0, 1e-3, 1e6);
    s.markov_resolution_s = rd.num(*mk, "resolution_s", "markov", 15.0, 1e-3, 1e6);
    double p = rd.num(*mk, "live", "markov", 0.08, 1e-6, 1.0);
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
  if (auto* st = rd.table(t, "staff", "")) {
    rd.only(*st, "staff", {"logouts_per_hour", "logins_per_hour", "steps"});
    s.logouts_per_hour = rd.num(*st, "logouts_per_hour", "staff", 0.0, 0.0, 1e6);
    s.logins_per_hour = rd.num(*st, "logins_per_hour", "staff", 0.0, 0.0, 1e6);
    if (const toml::node* sn = st->get("steps"); sn && !sn->is_array())
      rd.fail("staff.steps", "expected an array of {at_h = ..., agents = ...}", sn);
    if (auto* steps = (*st)["steps"].as_array()) {
      for (size_t i = 0; i < steps->size(); ++i) {
        const std::string path = "staff.steps[" + std::to_string(i) + "]";
        const toml::table* p = (*steps)[i].as_table();
        if (!p) {
          rd.fail("staff.steps", "each step is {at_h = ..., agents = ...}", &(*steps)[i]);
          break;
        }
        rd.only(*p, path, {"at_h", "agents"});
        StaffStep step{rd.num(*p, "at_h", path, 0.0, 0.0, 24.0 * 60),
                       static_cast<int>(rd.integer(*p, "agents", path, 0, 0, 100000))};
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
