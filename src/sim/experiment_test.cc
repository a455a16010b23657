// Replications run on several threads give exactly the results of one thread:
// each seed's run is independent and results are stored by seed.
#include <gtest/gtest.h>

#include "sim/experiment.h"

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
      EXPECT_EQ(metric(serial->runs[i], m), metric(parallel->runs[i], m)) << "seed " << serial->seeds[i] << " " << m;
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

}  // namespace
}  // namespace clearline::sim
