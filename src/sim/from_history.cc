#include "sim/from_history.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

namespace clearline::sim {

namespace {

using Kind = core::CallSample::Kind;

std::string num(double v, int prec = 3) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", prec, v);
  return buf;
}

double quantile(std::vector<double> xs, double q) {
  std::sort(xs.begin(), xs.end());
  const double pos = q * static_cast<double>(xs.size() - 1);
  const size_t i = static_cast<size_t>(pos);
  if (i + 1 >= xs.size()) return xs.back();
  return xs[i] + (pos - static_cast<double>(i)) * (xs[i + 1] - xs[i]);
}

// A delay: lognormal through the sample's median and 90th percentile, or the
// median alone when they coincide. `fallback` (a TOML value) with fewer than
// five samples.
std::string delayDist(const std::vector<double>& xs, const std::string& fallback) {
  if (xs.size() < 5) return fallback + "  # too few calls to fit: the simulator's default";
  const double med = std::max(0.05, quantile(xs, 0.5)), p90 = quantile(xs, 0.9);
  const std::string n = "  # " + std::to_string(xs.size()) + " calls";
  if (p90 <= med * 1.01) return num(med) + n;
  return "{ dist = \"lognormal\", median = " + num(med) + ", p90 = " + num(p90) + " }" + n;
}

// A duration by its mean and coefficient of variation (lognormal), likewise.
std::string durationDist(const std::vector<double>& xs, const std::string& fallback) {
  if (xs.size() < 5) return fallback + "  # too few calls to fit: the simulator's default";
  double sum = 0, sq = 0;
  for (double x : xs) sum += x;
  const double mean = sum / static_cast<double>(xs.size());
  for (double x : xs) sq += (x - mean) * (x - mean);
  const double sd = std::sqrt(sq / static_cast<double>(xs.size() - 1));
  const std::string n = "  # " + std::to_string(xs.size()) + " calls";
  if (mean <= 0.05) return num(std::max(mean, 0.0)) + n;
  if (sd / mean < 0.01) return num(mean) + n;
  return "{ dist = \"lognormal\", mean = " + num(mean) + ", cv = " + num(sd / mean) + " }" + n;
}

}  // namespace

Result<std::string> scenarioFromHistory(const std::vector<core::CallSample>& calls,
                                        const HistoryScenarioOptions& o) {
  int64_t people = 0, machines = 0, no_answer = 0, busy = 0, screened = 0, answered = 0;
  std::vector<double> answer, machine_answer, busy_end, no_answer_end, greeting, talk, machine_talk,
      wrap, machine_wrap;
  std::set<std::string> callers;
  for (const auto& c : calls) {
    switch (c.kind) {
      case Kind::kPerson:
        ++people;
        if (c.answer_s >= 0) answer.push_back(c.answer_s);
        if (c.greeting_s >= 0) greeting.push_back(c.greeting_s);
        if (c.talk_s >= 0) talk.push_back(c.talk_s);
        if (c.wrap_s >= 0) wrap.push_back(c.wrap_s);
        break;
      case Kind::kMachine:
        ++machines;
        if (c.answer_s >= 0) machine_answer.push_back(c.answer_s);
        if (c.talk_s >= 0) machine_talk.push_back(c.talk_s);
        if (c.wrap_s >= 0) machine_wrap.push_back(c.wrap_s);
        break;
      case Kind::kNoAnswer:
        ++no_answer;
        no_answer_end.push_back(c.end_s);
        break;
      case Kind::kBusy:
        ++busy;
        busy_end.push_back(c.end_s);
        break;
    }
    if (c.kind == Kind::kPerson || c.kind == Kind::kMachine) {
      ++answered;
      if (c.screened) ++screened;
    }
    if (!c.caller.empty()) callers.insert(c.caller);
  }
  const int64_t n = static_cast<int64_t>(calls.size());
  if (n < kMinHistoryCalls || people < kMinHistoryPeople)
    return Status::invalidArgument(
        "the campaign's history has " + std::to_string(n) + " dialled calls that ended, " +
            std::to_string(people) + " answered by people; a scenario needs at least " +
            std::to_string(kMinHistoryCalls) + " and " + std::to_string(kMinHistoryPeople),
        "campaign");
  const double dn = static_cast<double>(n);
  const int agents = o.callers > 0 ? o.callers : std::max<int>(1, static_cast<int>(callers.size()));
  // Unanswered calls end at the ring timeout: the median of theirs (at least the 15 s minimum
  // ring).
  const double ring =
      no_answer_end.size() >= 5 ? std::max(15.0, std::round(quantile(no_answer_end, 0.5))) : 25.0;
  const bool amd = answered > 0 && 2 * screened > answered;

  auto quoted = [](std::string v) {  // a TOML basic string's content
    for (char& ch : v)
      if (ch == '"' || ch == '\\' || static_cast<unsigned char>(ch) < 0x20) ch = ' ';
    return v;
  };
  std::ostringstream t;
  t << "# Fitted by `clearline simulate --from-campaign` to " << n << " autodialled calls.\n"
    << "# Edit and run it with `clearline simulate --scenario FILE`.\n"
    << "name = \"" << quoted(o.name) << "\"\n"
    << "description = \"" << quoted(o.description) << "\"\n"
    << "agents = " << agents
    << (o.callers > 0 ? "  # --callers\n"
                      : "  # callers who took calls in the sample (--callers to change)\n")
    << "shift_hours = " << num(o.shift_hours, 2) << "\n"
    << "jurisdiction = \"" << (o.uk ? "UK" : "US") << "\"\n"
    << "cap_pct = 3.0\n"
    << "target_pct = " << num(o.target_pct, 2) << "  # the campaign's abandonment target\n\n"
    << "[grace]\nseconds = 2.0\nfrom = \""
    << (!o.uk && o.grace_from_greeting_end ? "greeting_end" : "answer")
    << "\"  # as the dialer counts it ([sip] grace_from; UK: always the answer)\n\n"
    << "[amd]\nenabled = " << (amd ? "true" : "false") << "  # " << screened << " of " << answered
    << " answered calls were judged by AMD\n"
    << "# AMD's error rates are not in the store: the simulator's defaults.\n\n"
    << "[outcomes]  # shares of the " << n << " calls\n"
    << "human = " << num(static_cast<double>(people) / dn, 9) << "\n"
    << "machine = " << num(static_cast<double>(machines) / dn, 9) << "\n"
    << "no_answer = " << num(static_cast<double>(no_answer) / dn, 9) << "\n"
    << "busy = " << num(1.0 - static_cast<double>(people + machines + no_answer) / dn, 9)
    << "  # busy, rejected and invalid numbers\n\n"
    << "[times]\n"
    << "answer_delay = " << delayDist(answer, "{ dist = \"lognormal\", median = 8.0, p90 = 15.0 }")
    << "\n"
    << "machine_delay = "
    << delayDist(machine_answer, "{ dist = \"uniform\", min = 15.0, max = 30.0 }") << "\n"
    << "busy_delay = " << delayDist(busy_end, "{ dist = \"uniform\", min = 1.0, max = 5.0 }")
    << "\n"
    << "greeting = " << durationDist(greeting, "{ dist = \"lognormal\", mean = 1.2, cv = 0.4 }")
    << "\n"
    << "talk = " << durationDist(talk, "{ dist = \"lognormal\", mean = 90.0, cv = 0.8 }") << "\n"
    << "wrap = " << durationDist(wrap, "{ dist = \"lognormal\", mean = 20.0, cv = 0.5 }") << "\n"
    << "machine_talk = "
    << durationDist(machine_talk, "{ dist = \"uniform\", min = 6.0, max = 10.0 }") << "\n"
    << "machine_wrap = " << durationDist(machine_wrap, "2.0") << "\n"
    << "ring_timeout_s = " << num(ring, 1)
    << (no_answer_end.size() >= 5 ? "  # median end of the unanswered calls\n" : "  # default\n");
  return t.str();
}

}  // namespace clearline::sim
