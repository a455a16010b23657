// The lead tape cache: a cached tape draws exactly the fates a run draws on its
// own; runs of a seed share one tape, a changed scenario gets its own, the
// cache forgets its least recently asked tapes; and a run's results are the
// same with the cache, without it, and from a cache other runs filled first.
#include "sim/lead_tape.h"

#include <gtest/gtest.h>

#include "sim/scenario.h"
#include "sim/simulator.h"

namespace clearline::sim {
namespace {

Scenario shipped(const std::string& name) {
  auto sc = loadScenario(std::string(CLEARLINE_SOURCE_DIR) + "/data/scenarios/" + name + ".toml");
  EXPECT_TRUE(sc.isOk()) << name;
  return sc.isOk() ? *sc : Scenario{};
}

void expectSameFate(const Fate& a, const Fate& b) {
  EXPECT_EQ(a.u_outcome, b.u_outcome);
  EXPECT_EQ(a.answer_delay, b.answer_delay);
  EXPECT_EQ(a.machine_delay, b.machine_delay);
  EXPECT_EQ(a.busy_delay, b.busy_delay);
  EXPECT_EQ(a.greeting, b.greeting);
  EXPECT_EQ(a.amd_u, b.amd_u);
  EXPECT_EQ(a.amd_machine_delay, b.amd_machine_delay);
  EXPECT_EQ(a.talk, b.talk);
  EXPECT_EQ(a.wrap, b.wrap);
  EXPECT_EQ(a.machine_talk, b.machine_talk);
  EXPECT_EQ(a.machine_wrap, b.machine_wrap);
}

TEST(LeadTapeTest, ChunksHoldEachLeadsOwnDraw) {
  const FateModel m = FateModel::of(shipped("small-bank"));
  LeadTape tape(m, 7);
  for (int64_t idx : {0, 1, 1023, 1024, 5000}) {
    SCOPED_TRACE(idx);
    const Fate* c = tape.chunk(static_cast<size_t>(idx) / LeadTape::kChunk);
    expectSameFate(c[static_cast<size_t>(idx) % LeadTape::kChunk], drawFate(m, 7, idx));
  }
  EXPECT_EQ(tape.fates(), 3 * LeadTape::kChunk);  // chunks 0, 1 and 4
  // Another seed, another lead: other callees.
  EXPECT_NE(drawFate(m, 8, 5).talk, drawFate(m, 7, 5).talk);
  EXPECT_NE(drawFate(m, 7, 6).talk, drawFate(m, 7, 5).talk);
}

TEST(LeadTapeTest, OneTapePerSeedAndModelAndTheLeastRecentlyAskedGoFirst) {
  const FateModel m = FateModel::of(shipped("small-bank"));
  FateModel longer = m;
  longer.talk = Dist::exponential(300);
  LeadTapes cache(2 * LeadTape::kChunk);
  auto a = cache.get(m, 1);
  EXPECT_EQ(cache.get(m, 1), a);
  EXPECT_NE(cache.get(m, 2), a);
  EXPECT_NE(cache.get(longer, 1), a);
  EXPECT_EQ(cache.size(), 3u);  // nothing drawn yet: nothing to forget
  a->chunk(0);
  a->chunk(1);
  a->chunk(2);                    // 3 chunks held, over the bound
  cache.get(m, 2);                // (seed 2 asked again: more recent than seed 1)
  cache.get(m, 3);                // room is made: seed 1 goes (the least recently asked)
  EXPECT_NE(cache.get(m, 1), a);  // drawn again if asked again
  EXPECT_EQ(a->fates(), 3 * LeadTape::kChunk);  // a run still holding it keeps it
}

TEST(LeadTapeTest, RunsGiveTheSameResultsWithTheCacheWithoutItAndAfterOtherRuns) {
  Scenario sc = shipped("small-bank");
  sc.shift_hours = 1;
  Scenario own = sc;
  own.tapes = nullptr;  // every run draws its own fates
  for (const char* pacer : {"progressive", "clearline"}) {
    SCOPED_TRACE(pacer);
    RunOptions o;
    o.seed = 3;
    o.pacer = pacer;
    auto cold = runOnce(own, o);
    auto first = runOnce(sc, o);   // fills the cache
    auto second = runOnce(sc, o);  // reads it
    ASSERT_TRUE(cold.isOk() && first.isOk() && second.isOk());
    for (const RunResult* r : {&*first, &*second}) {
      EXPECT_EQ(r->events, cold->events);
      EXPECT_EQ(r->occupancy, cold->occupancy);
      EXPECT_EQ(r->abandonment_pct, cold->abandonment_pct);
      EXPECT_EQ(r->talk_utilisation, cold->talk_utilisation);
    }
  }
  // A copy whose callees talk longer is not served the original's tape.
  Scenario changed = sc;
  changed.talk = Dist::exponential(300);
  Scenario changed_own = changed;
  changed_own.tapes = nullptr;
  RunOptions o;
  o.seed = 3;
  auto a = runOnce(changed, o), b = runOnce(changed_own, o);
  ASSERT_TRUE(a.isOk() && b.isOk());
  EXPECT_EQ(a->events, b->events);
  EXPECT_EQ(a->talk_utilisation, b->talk_utilisation);
  EXPECT_EQ(sc.tapes->size(), 2u);  // seed 3 under each model
}

}  // namespace
}  // namespace clearline::sim
