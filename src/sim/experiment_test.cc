// Replications run on several threads give exactly the results of one thread:
// each seed's run is independent and results are stored by seed.
#include "sim/experiment.h"

#include <gtest/gtest.h>

namespace clearline::sim {
namespace {

TEST(ExperimentTest, ParallelReplicationsEqualSerialOnes) {
  auto sc = loadScenario(std::string(CLEARLINE_SOURCE_DIR) + "/data/scenarios/small-bank.toml");
  ASSERT_TRUE(sc.isOk()) << sc.status().toString();
  Scenario s = *sc;
  s.shift_hours = 1;
  auto serial = runSeeds(s, "fixed-ratio", 2.0, 7, 5, {}, 3.0, 1);
  int progress_calls = 0, last_done = 0;
  auto parallel = runSeeds(
      s, "fixed-ratio", 2.0, 7, 5,
      [&](int done, int total) {
        ++progress_calls;
        last_done = done;
        EXPECT_EQ(total, 5);
      },
      3.0, 3);
  ASSERT_TRUE(serial.isOk()) << serial.status().toString();
  ASSERT_TRUE(parallel.isOk()) << parallel.status().toString();
  EXPECT_EQ(progress_calls, 5);
  EXPECT_EQ(last_done, 5);
  ASSERT_EQ(serial->runs.size(), 5u);
  ASSERT_EQ(parallel->runs.size(), 5u);
  EXPECT_EQ(parallel->seeds, (std::vector<uint64_t>{7, 8, 9, 10, 11}));
  EXPECT_EQ(serial->seeds, parallel->seeds);
  EXPECT_GT(serial->events(), 0);
  EXPECT_EQ(serial->events(), parallel->events());
  for (size_t i = 0; i < 5; ++i)
    for (const auto& m : metricNames())
      EXPECT_EQ(metric(serial->runs[i], m), metric(parallel->runs[i], m))
          << "seed " << serial->seeds[i] << " " << m;
  // Different seeds really differ (the comparison above is not between constants).
  EXPECT_NE(metric(serial->runs[0], "occupancy"), metric(serial->runs[1], "occupancy"));
}

TEST(ExperimentTest, TuningGivesTheSameKnobOnAnyNumberOfThreads) {
  auto sc = loadScenario(std::string(CLEARLINE_SOURCE_DIR) + "/data/scenarios/small-bank.toml");
  ASSERT_TRUE(sc.isOk());
  Scenario s = *sc;
  s.shift_hours = 1;
  auto one = tuneKnob(s, "fixed-ratio", 2.5, 100001, 2, 3, {}, 1);
  auto two = tuneKnob(s, "fixed-ratio", 2.5, 100001, 2, 3, {}, 2);
  ASSERT_TRUE(one.isOk());
  ASSERT_TRUE(two.isOk());
  EXPECT_EQ(one->knob, two->knob);
  EXPECT_EQ(one->achieved_pct, two->achieved_pct);
  EXPECT_EQ(one->runs, two->runs);
}

TEST(ExperimentTest, MatchingAbandonmentMovesAPeerToTheAimOnTheSameSeeds) {
  // Fixed-ratio at 5.0 on a two-hour small-bank without AMD (whose false
  // positives would put a floor under every pacer's abandonment), moved to one
  // point less abandonment than it realises: the matched runs' mean is the aim, their talk-
  // utilisation is lower (less aggressive), and they are a per-seed blend of two
  // real evaluations on the same seeds.
  auto sc =
      loadScenario(std::string(CLEARLINE_SOURCE_DIR) + "/data/scenarios/small-bank-noamd.toml");
  ASSERT_TRUE(sc.isOk());
  Scenario s = *sc;
  s.shift_hours = 2;
  auto tuned = runSeeds(s, "fixed-ratio", 5.0, 1, 6, {}, 2.5, 1);
  ASSERT_TRUE(tuned.isOk());
  const double a0 = tuned->of("abandonment").mean;
  ASSERT_GT(a0, 1.5) << "the scenario should abandon enough to move down from";
  const double aim = a0 - 1.0;
  auto m = matchAbandonment(s, "fixed-ratio", *tuned, aim, 6, 2.5, 0.05, 2);
  ASSERT_TRUE(m.isOk()) << m.status().toString();
  ASSERT_TRUE(m->matched) << "a0 " << a0 << " evals " << m->evals;
  EXPECT_GE(m->evals, 1);
  EXPECT_LE(m->evals, 6);
  ASSERT_EQ(m->talk_utilisation.size(), 6u);
  EXPECT_EQ(m->seeds, tuned->seeds);
  EXPECT_NEAR(summarize(m->abandonment).mean, aim, 0.05 + 1e-9);
  EXPECT_LT(summarize(m->talk_utilisation).mean, tuned->of("talk_utilisation").mean);
  EXPECT_LT(std::min(m->knob_a, m->knob_b), 5.0);  // a less aggressive knob took part
  // The paired difference against the tuned runs themselves is negative.
  EXPECT_LT(pairedDifference(m->talk_utilisation, *tuned, "talk_utilisation").mean, 0);
  // An aim no knob reaches (60 % abandonment) is reported as not matched, not
  // extrapolated.
  auto never = matchAbandonment(s, "fixed-ratio", *tuned, 60.0, 3, 2.5, 0.05, 2);
  ASSERT_TRUE(never.isOk());
  EXPECT_FALSE(never->matched);
  EXPECT_TRUE(never->talk_utilisation.empty());
  // …and found out cheaply: one step towards the range's end, then the end itself.
  EXPECT_LE(never->evals, 2);
  auto never6 = matchAbandonment(s, "fixed-ratio", *tuned, 60.0, 6, 2.5, 0.05, 2);
  ASSERT_TRUE(never6.isOk());
  EXPECT_FALSE(never6->matched);
  EXPECT_LE(never6->evals, 2);
}

}  // namespace
}  // namespace clearline::sim
