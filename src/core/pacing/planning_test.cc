#include "core/pacing/planning.h"

#include <gtest/gtest.h>

namespace clearline::core {
namespace {

DialHistory history(int64_t dials, int64_t live, double res_s, int64_t talks, double talk_s,
                    int64_t wraps = 0, double wrap_s = 0) {
  return DialHistory{dials,
                     live,
                     res_s * static_cast<double>(dials),
                     talks,
                     talk_s * static_cast<double>(talks),
                     wraps,
                     wrap_s * static_cast<double>(wraps)};
}

TEST(PlanningFromHistory, TooLittleHistoryKeepsTheDefaults) {
  PacerSettings d;
  d.agents = 7;
  for (auto h : {history(kMinHistoryDials - 1, 30, 10, 20, 60), history(500, 4, 10, 4, 60), DialHistory{}}) {
    PacerSettings s = planFromHistory(h, d);
    EXPECT_FALSE(s.measured);
    EXPECT_DOUBLE_EQ(s.live_rate, d.live_rate);
    EXPECT_DOUBLE_EQ(s.mean_handle_s, d.mean_handle_s);
    EXPECT_DOUBLE_EQ(s.mean_resolution_s, d.mean_resolution_s);
    EXPECT_EQ(s.agents, 7);
  }
}

// The demo's list: 57 % of dials need a caller, against the default 8 %.
TEST(PlanningFromHistory, EnoughHistoryGivesMeasuredFigures) {
  PacerSettings d;
  d.knob = 0.2;
  d.agents = 10;
  PacerSettings s = planFromHistory(history(200, 114, 9.5, 100, 48), d);
  EXPECT_TRUE(s.measured);
  EXPECT_DOUBLE_EQ(s.live_rate, 0.57);
  EXPECT_DOUBLE_EQ(s.mean_resolution_s, 9.5);
  EXPECT_DOUBLE_EQ(s.mean_handle_s, 60.0);  // 48 s talk is 80 % of the handle
  // What the history does not say stays as given.
  EXPECT_EQ(s.knob, 0.2);
  EXPECT_EQ(s.agents, 10);
  EXPECT_DOUBLE_EQ(s.alpha_pct, d.alpha_pct);
  // At the threshold exactly.
  EXPECT_TRUE(planFromHistory(history(kMinHistoryDials, 5, 9.5, 5, 48), d).measured);
}

// With the callers' wrap-up times (calls.wrapped_at), the handle is talk + wrap-up;
// with fewer than 5 of them, the 80 % rule as before.
TEST(PlanningFromHistory, MeasuredWrapUpTimesMakeTheHandle) {
  PacerSettings d;
  EXPECT_DOUBLE_EQ(planFromHistory(history(200, 114, 9.5, 100, 48, 90, 30), d).mean_handle_s, 78.0);
  EXPECT_DOUBLE_EQ(planFromHistory(history(200, 114, 9.5, 100, 48, 4, 30), d).mean_handle_s, 60.0);
}

TEST(PlanningFromHistory, NoTalkTimesKeepTheDefaultHandleAndFiguresAreClamped) {
  PacerSettings d;
  PacerSettings s = planFromHistory(history(100, 100, 0.2, 0, 0), d);
  EXPECT_TRUE(s.measured);
  EXPECT_DOUBLE_EQ(s.mean_handle_s, d.mean_handle_s);
  EXPECT_DOUBLE_EQ(s.live_rate, 1.0);
  EXPECT_DOUBLE_EQ(s.mean_resolution_s, 1.0);
  s = planFromHistory(history(10000, 5, 400, 5, 1.0), d);
  EXPECT_DOUBLE_EQ(s.live_rate, 0.005);
  EXPECT_DOUBLE_EQ(s.mean_resolution_s, 120.0);
  EXPECT_DOUBLE_EQ(s.mean_handle_s, 5.0);
}

}  // namespace
}  // namespace clearline::core
