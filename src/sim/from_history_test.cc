// scenarioFromHistory: a scenario fitted to a campaign's own calls.
#include "sim/from_history.h"

#include <gtest/gtest.h>

#include <random>

#include "sim/scenario.h"

namespace clearline::sim {
namespace {

using Kind = core::CallSample::Kind;

// 1,000 calls: 12 % people (answer 2 + lognormal, talk lognormal mean 90 s,
// and, with `wraps`, wrap-up uniform 5–15 s), 30 % machines (a few routed to
// a caller, who wrapped up in 3 s, with `wraps`), 38 % unanswered at 25 s,
// 20 % busy; four callers.
std::vector<core::CallSample> history(bool screened, bool wraps = true) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> answer(std::log(8.0), 0.5), talk(std::log(70.0), 0.7);
  std::uniform_real_distribution<double> machine(15, 30), busy(1, 5), wrap(5, 15);
  std::vector<core::CallSample> out;
  for (int i = 0; i < 1000; ++i) {
    core::CallSample c;
    const int r = i % 50;
    if (r < 6) {
      c.kind = Kind::kPerson;
      c.answer_s = answer(rng);
      c.greeting_s = 1.0;
      c.talk_s = talk(rng);
      if (wraps) c.wrap_s = wrap(rng);
      c.caller = "caller-" + std::to_string(i % 4);
      c.end_s = c.answer_s + c.talk_s;
    } else if (r < 21) {
      c.kind = Kind::kMachine;
      c.answer_s = machine(rng);
      c.end_s = c.answer_s + 3;
      if (r < 8) {  // AMD missed it: a caller listened to it for 3 s
        c.talk_s = 3;
        if (wraps) c.wrap_s = 3;
      }
    } else if (r < 40) {
      c.kind = Kind::kNoAnswer;
      c.end_s = 25;
    } else {
      c.kind = Kind::kBusy;
      c.end_s = busy(rng);
    }
    c.screened = screened && (c.kind == Kind::kPerson || c.kind == Kind::kMachine);
    out.push_back(c);
  }
  return out;
}

TEST(ScenarioFromHistory, FitsTheSharesAndTimesOfTheCampaignsCalls) {
  HistoryScenarioOptions o;
  o.name = "c-7";
  o.description = "a \"quoted\" name";  // must not break the TOML
  o.shift_hours = 2;
  o.target_pct = 2.0;
  auto text = scenarioFromHistory(history(true), o);
  ASSERT_TRUE(text.isOk()) << text.status().toString();
  auto sc = parseScenario(*text, "fitted");
  ASSERT_TRUE(sc.isOk()) << sc.status().toString() << "\n" << *text;
  EXPECT_EQ(sc->name, "c-7");
  EXPECT_EQ(sc->agents, 4);  // the callers in the calls
  EXPECT_DOUBLE_EQ(sc->shift_hours, 2);
  EXPECT_DOUBLE_EQ(sc->target_pct, 2.0);
  EXPECT_EQ(sc->jurisdiction, "US");
  EXPECT_NEAR(sc->p_human, 0.12, 1e-9);
  EXPECT_NEAR(sc->p_machine, 0.30, 1e-9);
  EXPECT_NEAR(sc->p_no_answer, 0.38, 1e-9);
  EXPECT_NEAR(sc->p_busy, 0.20, 1e-9);
  EXPECT_TRUE(sc->amd);  // every answered call was judged by AMD
  EXPECT_DOUBLE_EQ(sc->ring_timeout_s, 25);
  // The fitted distributions reproduce the sample's scale: people answer after
  // about 8 s (median), talk about 90 s on average, machines after 15–30 s.
  sim::Rng r(1);
  double answer = 0, talk = 0, machine = 0;
  const int n = 20000;
  std::vector<double> answers;
  for (int i = 0; i < n; ++i) {
    answers.push_back(sc->answer_delay.sample(r));
    talk += sc->talk.sample(r);
    machine += sc->machine_delay.sample(r);
  }
  std::sort(answers.begin(), answers.end());
  answer = answers[n / 2];
  EXPECT_NEAR(answer, 8.0, 1.0);
  EXPECT_NEAR(talk / n, 70.0 * std::exp(0.7 * 0.7 / 2), 12.0);
  EXPECT_NEAR(machine / n, 22.5, 1.5);
  EXPECT_NEAR(sc->greeting.mean(), 1.0, 1e-6);
  // Wrap-up times from the callers' dispositions: people's uniform 5–15 s
  // (mean 10, cv 0.29), machines' 3 s exactly.
  EXPECT_NEAR(sc->wrap.mean(), 10.0, 0.5);
  EXPECT_NEAR(sc->machine_wrap.mean(), 3.0, 1e-6);
  EXPECT_EQ(text->find("too few calls to fit"), std::string::npos) << *text;
  // The grace counts from the answer unless the dialer counts it from the greeting's end.
  EXPECT_EQ(sc->grace_from, core::GraceReference::kAnswer);
  o.grace_from_greeting_end = true;
  auto from_end = parseScenario(*scenarioFromHistory(history(true), o), "fitted");
  ASSERT_TRUE(from_end.isOk());
  EXPECT_EQ(from_end->grace_from, core::GraceReference::kGreetingEnd);
}

TEST(ScenarioFromHistory, OptionsAndWhatTheHistoryCannotSay) {
  HistoryScenarioOptions o;
  o.callers = 12;
  o.uk = true;
  o.grace_from_greeting_end = true;  // not under UK rules
  auto text = scenarioFromHistory(history(false, false), o);
  ASSERT_TRUE(text.isOk()) << text.status().toString();
  auto sc = parseScenario(*text, "fitted");
  ASSERT_TRUE(sc.isOk()) << sc.status().toString();
  EXPECT_EQ(sc->agents, 12);
  EXPECT_EQ(sc->jurisdiction, "UK");
  EXPECT_EQ(sc->grace_from, core::GraceReference::kAnswer);
  EXPECT_FALSE(sc->amd);  // no call was judged by AMD
  // Calls from before wrap-up times were kept: the scenario says it used defaults.
  EXPECT_NE(
      text->find("wrap = { dist = \"lognormal\", mean = 20.0, cv = 0.5 }  # too few calls to fit"),
      std::string::npos)
      << *text;
  EXPECT_NE(text->find("machine_wrap = 2.0  # too few calls to fit"), std::string::npos) << *text;
}

TEST(ScenarioFromHistory, TooFewCallsOrPeopleIsAnErrorThatCountsThem) {
  auto calls = history(true);
  calls.resize(25);
  auto r = scenarioFromHistory(calls, {});
  ASSERT_FALSE(r.isOk());
  EXPECT_NE(r.status().message().find("25 dialled calls"), std::string::npos)
      << r.status().message();
  // Enough calls, but only machines and unanswered ones.
  std::vector<core::CallSample> none;
  for (const auto& c : history(true))
    if (c.kind != Kind::kPerson) none.push_back(c);
  r = scenarioFromHistory(none, {});
  ASSERT_FALSE(r.isOk());
  EXPECT_NE(r.status().message().find("0 answered by people"), std::string::npos)
      << r.status().message();
}

}  // namespace
}  // namespace clearline::sim
