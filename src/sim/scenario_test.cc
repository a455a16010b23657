#include "sim/scenario.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "sim/simulator.h"

namespace clearline::sim {
namespace {

std::string scenarioPath(const std::string& name) {
  return std::string(CLEARLINE_SOURCE_DIR) + "/data/scenarios/" + name + ".toml";
}

TEST(ScenarioTest, EveryShippedScenarioLoads) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(std::string(CLEARLINE_SOURCE_DIR) + "/data/scenarios")) {
    if (e.path().extension() != ".toml") continue;
    auto sc = loadScenario(e.path().string());
    ASSERT_TRUE(sc.isOk()) << sc.status().toString();
    EXPECT_EQ(sc->name + ".toml", e.path().filename().string());
    n++;
  }
  EXPECT_GE(n, 11);  // the §7.4 scenarios
}

TEST(ScenarioTest, UnknownKeysAndBadValuesAreErrorsNamingTheKey) {
  auto a = parseScenario("name = \"x\"\nagnets = 3\n", "t.toml");
  ASSERT_FALSE(a.isOk());
  EXPECT_NE(a.status().message().find("agnets"), std::string::npos);
  auto b = parseScenario("name = \"x\"\n[outcomes]\nhuman = 0.5\nmachine = 0.1\nno_answer = 0.1\nbusy = 0.1\n", "t.toml");
  ASSERT_FALSE(b.isOk());
  EXPECT_NE(b.status().message().find("outcomes"), std::string::npos);
  auto c = parseScenario("name = \"x\"\n[times]\nring_timeout_s = 10\n", "t.toml");
  ASSERT_FALSE(c.isOk());
  auto d = parseScenario("name = \"x\"\n[times]\ntalk = { dist = \"lognormal\", mean = 10 }\n", "t.toml");
  ASSERT_FALSE(d.isOk());
  auto e = parseScenario("name = [\n", "t.toml");
  ASSERT_FALSE(e.isOk());
  auto f = parseScenario("name = \"x\"\nring_cut_max_people_loss = 1.5\n", "t.toml");
  ASSERT_FALSE(f.isOk());
  EXPECT_NE(f.status().message().find("ring_cut_max_people_loss"), std::string::npos);
  auto g = parseScenario("name = \"x\"\nring_cut_max_people_loss = 0.25\n", "t.toml");
  ASSERT_TRUE(g.isOk()) << g.status().message();
  EXPECT_EQ(g->ring_cut_max_people_loss, 0.25);
}

// Nothing in a scenario falls back to a default without a word (session 21): a
// misspelt key inside a table, a value of the wrong type, a share or a time
// out of its range are errors that name the file, the line and the key.
TEST(ScenarioTest, NestedKeysTypesAndRangesAreCheckedWithTheirLine) {
  auto err = [](const std::string& text) {
    auto r = parseScenario("name = \"x\"\n" + text, "t.toml");
    return r.isOk() ? std::string("ok") : r.status().message() + " [" + r.status().field() + "]";
  };
  EXPECT_EQ(err("[amd]\nfalse_postive = 0.02\n"),
            "t.toml:3: amd.false_postive: unknown key (known here: enabled, false_positive, "
            "false_negative, after_greeting_s, machine_delay) [amd.false_postive]");
  EXPECT_EQ(err("shift_hours = \"8\"\n"), "t.toml:2: shift_hours: expected a number [shift_hours]");
  EXPECT_EQ(err("agents = 10.5\n"), "t.toml:2: agents: expected an integer [agents]");
  EXPECT_EQ(err("[amd]\nenabled = \"no\"\n"),
            "t.toml:3: amd.enabled: expected true or false [amd.enabled]");
  EXPECT_EQ(err("[times]\nring_timeout_s = \"10\"\n"),
            "t.toml:3: times.ring_timeout_s: expected a number [times.ring_timeout_s]");
  EXPECT_EQ(err("[amd]\nfalse_positive = 2.0\n"),
            "t.toml:3: amd.false_positive: must be in [0, 0.99], not 2 [amd.false_positive]");
  EXPECT_EQ(err("cap_pct = -1\n"), "t.toml:2: cap_pct: must be in [0, 100], not -1 [cap_pct]");
  EXPECT_EQ(err("cap_pct = 3\ntarget_pct = 4\n"),
            "t.toml:3: target_pct: must be in [0, 3], not 4 [target_pct]");
  EXPECT_EQ(err("[times]\nmachine_wrap = -2.0\n"),
            "t.toml:3: times.machine_wrap: a time must be >= 0 [times.machine_wrap]");
  EXPECT_EQ(err("[times]\nwrap = { dist = \"lognormal\", mean = 20.0, cv = 0.5, p99 = 3 }\n"),
            "t.toml:3: times.wrap.p99: unknown key for dist \"lognormal\" [times.wrap.p99]");
  EXPECT_EQ(err("[staff]\nlogins_per_hr = 1\n"),
            "t.toml:3: staff.logins_per_hr: unknown key (known here: logouts_per_hour, "
            "logins_per_hour, steps) [staff.logins_per_hr]");
  EXPECT_EQ(err("grace = 2\n"), "t.toml:2: grace: expected a table [grace]");
  // Integers where a number is asked for are numbers.
  EXPECT_EQ(err("shift_hours = 8\n[grace]\nseconds = 2\n"), "ok");
}

TEST(ScenarioTest, DistributionsHaveTheirMeans) {
  Rng r(7);
  Dist ln = Dist::logNormalMeanCv(120, 0.8);
  double sum = 0;
  for (int i = 0; i < 200000; ++i) sum += ln.sample(r);
  EXPECT_NEAR(sum / 200000, 120, 2.0);
  EXPECT_NEAR(ln.mean(), 120, 1e-9);
  Dist med = Dist::logNormalMedianP90(8, 15);
  int below = 0;
  for (int i = 0; i < 100000; ++i) below += med.sample(r) < 15;
  EXPECT_NEAR(below / 100000.0, 0.9, 0.01);
}

// pacing.md §3.2's worked example: p_h 8 %, p_m 25 %, S 85 s, W 20 s, FN 15 %,
// FP 4 %, machine 10 s; everyone who answers does so within the legal minimum
// ring (people at 8 s, machines at 12 s), the ring timeout 25 s.
Scenario workedExample() {
  Scenario s;
  s.p_human = 0.08;
  s.p_machine = 0.25;
  s.talk = Dist::constant(85);
  s.wrap = Dist::constant(20);
  s.amd_fn = 0.15;
  s.amd_fp = 0.04;
  s.machine_talk = Dist::constant(10);
  s.machine_wrap = Dist::constant(0);
  s.answer_delay = Dist::constant(8);
  s.machine_delay = Dist::constant(12);
  s.ring_timeout_s = 25;
  return s;
}

TEST(ScenarioTest, CeilingMatchesTheWorkedExample) {
  Scenario s = workedExample();  // → 77.4 % with AMD, 62.4 % without
  EXPECT_NEAR(s.ceilingTalkUtilisation(), 0.774, 0.001);
  s.amd = false;
  EXPECT_NEAR(s.ceilingTalkUtilisation(), 0.624, 0.001);
}

// Machines that answer after the ring timeout never reach a caller, and a
// pacer may ring as little as the legal 15 s (session 20): the ceiling is the
// best ring timeout's.
TEST(ScenarioTest, TheCeilingCountsTheMachinesThatAnswerWithinTheRing) {
  Scenario s = workedExample();
  s.amd = false;
  // Machines at 10 s: all heard, whatever the ring (§3.2's 62.4 %).
  s.machine_delay = Dist::constant(10);
  EXPECT_NEAR(s.ceilingTalkUtilisation(), 0.624, 0.001);
  // Machines at 15–35 s: at a 25 s ring half are heard (r = 1.5625: 70.5 %),
  // at 15 s none (85 / 105 = 81.0 %), the ceiling.
  s.machine_delay = Dist::uniformIn(15, 35);
  EXPECT_NEAR(s.ceilingTalkUtilisation(), 85.0 / 105.0, 0.001);
  // People who answer late too: at 15 s half of them (lognormal median 15 s)
  // and no machine, at 25 s 0.86 of them and half the machines; 15 s is still best.
  s.answer_delay = Dist::logNormalMedianP90(15, 30);
  EXPECT_NEAR(s.answer_delay.cdf(15), 0.5, 1e-9);
  EXPECT_NEAR(s.ceilingTalkUtilisation(), 85.0 / 105.0, 0.001);
  // A Markov scenario hears no machines.
  s.markov = true;
  EXPECT_NEAR(s.ceilingTalkUtilisation(), 85.0 / 105.0, 0.001);
}

TEST(ScenarioTest, DistributionsGiveTheirCdf) {
  EXPECT_EQ(Dist::constant(3).cdf(2.9), 0.0);
  EXPECT_EQ(Dist::constant(3).cdf(3), 1.0);
  EXPECT_NEAR(Dist::exponential(10).cdf(10), 1 - std::exp(-1.0), 1e-12);
  EXPECT_NEAR(Dist::uniformIn(15, 30).cdf(25), 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(Dist::logNormalMedianP90(8, 15).cdf(15), 0.9, 1e-9);
  Dist shifted = Dist::logNormalMedianP90(8, 15);
  shifted.offset = 2;
  EXPECT_NEAR(shifted.cdf(10), 0.5, 1e-9);
  Dist mix;
  mix.kind = Dist::Kind::kMixture;
  mix.weights = {0.25, 0.75};
  mix.parts = {Dist::constant(1), Dist::constant(5)};
  EXPECT_NEAR(mix.cdf(2), 0.25, 1e-12);
  EXPECT_NEAR(mix.cdf(5), 1.0, 1e-12);
}

TEST(SimulatorTest, SameSeedSameResultAndRulesHold) {
  auto sc = loadScenario(scenarioPath("small-bank"));
  ASSERT_TRUE(sc.isOk());
  sc->shift_hours = 1;
  RunOptions o;
  o.seed = 3;
  o.pacer = "fixed-ratio";
  o.knob = 3.0;
  auto a = runOnce(*sc, o);
  auto b = runOnce(*sc, o);
  ASSERT_TRUE(a.isOk() && b.isOk());
  EXPECT_EQ(a->dials, b->dials);
  EXPECT_EQ(a->abandoned, b->abandoned);
  EXPECT_GT(a->dials, 100);
  EXPECT_GT(a->contacts, 10);
  EXPECT_EQ(a->early_cancel_attempts, 0);
  EXPECT_EQ(a->line_cap_violations, 0);
  EXPECT_LE(a->peak_lines, sc->effectiveLineCap());
  EXPECT_GT(a->occupancy, 0.2);
  EXPECT_LT(a->talk_utilisation, a->occupancy);
  // AMD false positives are counted as abandoned.
  EXPECT_GE(a->abandoned, a->amd_fp_abandoned);
}

TEST(SimulatorTest, AmdFalsePositivesCountEvenForProgressive) {
  auto sc = loadScenario(scenarioPath("small-bank"));
  ASSERT_TRUE(sc.isOk());
  sc->shift_hours = 2;
  sc->amd_fp = 0.5;  // exaggerated so the effect is certain
  RunOptions o;
  o.seed = 5;
  o.pacer = "progressive";
  auto r = runOnce(*sc, o);
  ASSERT_TRUE(r.isOk());
  EXPECT_GT(r->amd_fp_abandoned, 0);
  EXPECT_GT(r->abandonment_pct, 20.0);
}

TEST(SimulatorTest, LineCapHoldsUnderAnAggressivePacer) {
  auto sc = loadScenario(scenarioPath("lowline"));
  ASSERT_TRUE(sc.isOk());
  sc->shift_hours = 0.5;
  RunOptions o;
  o.seed = 2;
  o.pacer = "fixed-ratio";
  o.knob = 20;
  auto r = runOnce(*sc, o);
  ASSERT_TRUE(r.isOk());
  EXPECT_EQ(r->peak_lines, sc->effectiveLineCap());
  EXPECT_EQ(r->line_cap_violations, 0);
}

TEST(SimulatorTest, UnknownPacerAndCmdpOutsideMarkovAreErrors) {
  auto sc = loadScenario(scenarioPath("small-bank"));
  ASSERT_TRUE(sc.isOk());
  RunOptions o;
  o.pacer = "nope";
  EXPECT_FALSE(runOnce(*sc, o).isOk());
  o.pacer = "cmdp";
  EXPECT_FALSE(runOnce(*sc, o).isOk());
}

}  // namespace
}  // namespace clearline::sim
