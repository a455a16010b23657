// The simulator's own acceptance checks (pacing.md §7.6). Tolerances: each
// check compares the mean over seeds with the published value and allows the
// 95% interval of that mean plus a stated model margin (1-second pacer ticks
// and 50 ms coalescing are not the instantaneous decisions of the Markov
// model; runs are 4 h, not the infinite horizon of the formulas).
#include <gtest/gtest.h>

#include "core/pacing/cmdp_pacer.h"
#include "core/pacing/simple_pacers.h"
#include "sim/experiment.h"

namespace clearline::sim {
namespace {

// A shipped scenario with its shift shortened to `hours`.
Scenario shipped(const std::string& name, double hours) {
  auto sc = loadScenario(std::string(CLEARLINE_SOURCE_DIR) + "/data/scenarios/" + name + ".toml");
  EXPECT_TRUE(sc.isOk()) << name;
  if (!sc.isOk()) return Scenario{};
  Scenario s = *sc;
  s.shift_hours = hours;
  return s;
}

Scenario markov10() { return shipped("markov-10", 4); }

TEST(AcceptanceTest, ProgressiveReproduces32Point4OnMarkov10) {
  auto r = runSeeds(markov10(), "progressive", std::nullopt, 1, 12);
  ASSERT_TRUE(r.isOk());
  Summary occ = r->of("occupancy");
  // ρ_prog = E[H] / (E[H] + E[T]/p) = 90 / (90 + 187.5) = 32.43 %.
  EXPECT_NEAR(occ.mean, 32.43, occ.half_width + 0.8);
  EXPECT_EQ(r->of("abandonment").mean, 0.0);
}

TEST(AcceptanceTest, ErlangReproduces53Point6OnMarkov10) {
  auto r = runSeeds(markov10(), "erlang", std::nullopt, 1, 12);
  ASSERT_TRUE(r.isOk());
  Summary occ = r->of("occupancy"), ab = r->of("abandonment");
  EXPECT_NEAR(occ.mean, 53.6, occ.half_width + 1.0);
  EXPECT_NEAR(ab.mean, 3.0, ab.half_width + 0.5);
}

TEST(AcceptanceTest, CmdpPolicyReproduces77Point9At3PercentOnMarkov10) {
  core::CmdpModel m;
  m.agents = 10;
  m.live = 0.08;
  m.handle_s = 90;
  m.resolution_s = 15;
  m.alpha = 0.03;
  auto sol = core::solveCmdp(m);
  EXPECT_NEAR(sol->optimum_occupancy, 0.779, 0.002);  // the exact optimum (pacing.md §5.3)
  auto k = sol->targetsAtZero();
  EXPECT_EQ(k[10], 0);  // never dials while every caller is busy
  EXPECT_GT(k[8], k[9]);
  auto r = runSeeds(markov10(), "cmdp", std::nullopt, 1, 10);
  ASSERT_TRUE(r.isOk());
  Summary occ = r->of("occupancy"), ab = r->of("abandonment");
  EXPECT_NEAR(occ.mean, 77.9, occ.half_width + 1.0);
  EXPECT_NEAR(ab.mean, 3.0, ab.half_width + 0.5);
}

TEST(AcceptanceTest, OracleReachesTheCeilingWithZeroAbandonment) {
  Scenario s = markov10();
  s.shift_hours = 2;
  auto r = runSeeds(s, "oracle", std::nullopt, 1, 3);
  ASSERT_TRUE(r.isOk());
  // Ceiling B0 = 100 % occupancy here (no machines, no wrap). The oracle
  // matches a finite pool of tape leads to caller releases, so it stays a
  // little under it; zero abandonment is exact.
  EXPECT_GE(r->of("occupancy").mean, 97.0);
  for (const auto& run : r->runs) EXPECT_EQ(run.abandoned, 0);
}

// On `drift` a lead's fate depends on the hour it is dialed. The oracle pools
// upcoming leads by the delay after which they will need a caller; one whose
// fate has changed since it was pooled is re-judged before it is dialed. It used
// to be dialed with an uninitialised delay and handle time (valgrind: "depends on
// uninitialised value"), which put garbage into the oracle's caller release times:
// the benchmark's binary abandoned 0.45–1.70 % on seeds 1–3. What the garbage
// was depended on the build, so this test did not fail on every build of the old
// code; it pins the outcome, and valgrind the cause.
TEST(AcceptanceTest, OracleNeverAbandonsWhenTheContactRateDrifts) {
  const Scenario s = shipped("drift", 4);
  auto r = runSeeds(s, "oracle", std::nullopt, 1, 3);
  ASSERT_TRUE(r.isOk());
  for (const auto& run : r->runs) {
    EXPECT_GT(run.live_answers, 1000);
    EXPECT_EQ(run.abandoned, 0);
  }
}

// UK reading of the grace (2 s from the start of speech) with AMD: the verdict
// (greeting + 0.8 s of silence) comes after the grace for about half of the
// people who answer, so waiting for it abandoned 43–45 % of them under every
// pacer, the clairvoyant one included (run D, docs/bench/pacing). The runtime
// now routes a call still in screening 250 ms before its deadline
// (RuntimeOptions::amd_yield_margin): progressive dialing, which always has a
// caller free for each answer, abandons only the AMD false positives whose
// verdict comes before that (a short greeting), and the oracle none.
TEST(AcceptanceTest, AmdYieldsToTheUkGraceSoProgressiveStaysUnderTheCap) {
  const Scenario s = shipped("small-bank-uk", 2);
  auto prog = runSeeds(s, "progressive", std::nullopt, 1, 6);
  ASSERT_TRUE(prog.isOk());
  EXPECT_LT(prog->of("worst_window_abandonment").mean, 2.0);  // AMD's 2 % false positives bound it
  EXPECT_GT(prog->of("abandonment").mean, 0.0);                // …which still count (Ofcom)
  auto oracle = runSeeds(s, "oracle", std::nullopt, 1, 3);
  ASSERT_TRUE(oracle.isOk());
  for (const auto& run : oracle->runs) EXPECT_EQ(run.abandoned, 0);
}

// A pacer may place its dials without AMD (PacerDecision::screen): the
// simulator then screens nothing, so no person is hung up on by a false
// positive and every machine reaches a caller. The same seed with AMD shows both.
TEST(SimulatorTest, DialsPlacedWithoutAmdAreNotScreened) {
  const Scenario s = shipped("small-bank", 2);
  struct Unscreened : core::Pacer {
    core::ProgressivePacer inner;
    bool screen = true;
    std::string_view name() const override { return "unscreened"; }
    core::PacerDecision decide(const core::PacerInput& in) override {
      core::PacerDecision d = inner.decide(in);
      d.screen = screen;
      return d;
    }
  };
  for (const bool screen : {true, false}) {
    SCOPED_TRACE(screen ? "with AMD" : "without AMD");
    RunOptions o;
    o.seed = 7;
    o.pacer = "unscreened";
    o.make_pacer = [screen] {
      auto p = std::make_unique<Unscreened>();
      p->screen = screen;
      return p;
    };
    auto r = runOnce(s, o);
    ASSERT_TRUE(r.isOk());
    ASSERT_GT(r->live_answers, 50);
    if (screen) {
      EXPECT_GT(r->amd_fp_abandoned, 0);                   // 2 % of some hundred people
      EXPECT_LT(r->machines_to_callers, r->live_answers);  // only AMD's misses (15 %)
    } else {
      EXPECT_EQ(r->amd_fp_abandoned, 0);
      EXPECT_GT(r->machines_to_callers, r->live_answers);  // 28 % machines vs 8 % people
    }
  }
}

// The edge cancels a dial still ringing at its ring timeout (session 19): a
// person or a machine who would pick up later never does. People pick up at
// 17 s and machines at 21 s here, without AMD (every answer goes to a caller).
// The campaign's 25 s hears both; a pacer asking for 19 s hears only the people;
// 16 s, or a campaign of 16 s, hears nobody. No dial is cancelled early.
TEST(SimulatorTest, NoAnswerComesAfterTheDialsRingTimeout) {
  struct Ringer : core::Pacer {
    core::ProgressivePacer inner;
    Millis ring{0};
    std::string_view name() const override { return "ringer"; }
    core::PacerDecision decide(const core::PacerInput& in) override {
      core::PacerDecision d = inner.decide(in);
      d.ring_timeout = ring;
      return d;
    }
  };
  Scenario s = shipped("small-bank", 1);
  s.amd = false;
  s.answer_delay = Dist::constant(17);
  s.machine_delay = Dist::constant(21);
  auto run = [&](const Scenario& sc, int64_t ring_ms) {
    RunOptions o;
    o.seed = 3;
    o.pacer = "ringer";
    o.make_pacer = [ring_ms] {
      auto p = std::make_unique<Ringer>();
      p->ring = Millis(ring_ms);
      return p;
    };
    auto r = runOnce(sc, o);
    EXPECT_TRUE(r.isOk());
    EXPECT_GT(r->dials, 100);
    EXPECT_EQ(r->early_cancel_attempts, 0);
    return *r;
  };
  const RunResult whole = run(s, 0);
  EXPECT_GT(whole.machines_to_callers, 20);
  EXPECT_GT(whole.live_answers, 20);
  const RunResult people = run(s, 19000);
  EXPECT_EQ(people.machines_to_callers, 0);
  EXPECT_GT(people.live_answers, 20);
  EXPECT_EQ(run(s, 16000).live_answers, 0);
  Scenario short_ring = s;
  short_ring.ring_timeout_s = 16;
  EXPECT_EQ(run(short_ring, 0).live_answers, 0);
}

// Without AMD the edge's detector still hears the end of most people's
// greetings and the runtime then counts the grace from it (session 15); a
// person it takes for a machine (the false-positive draw) keeps the grace from
// the answer. The same callees (common random numbers), with the detector
// hearing every person's greeting end (false_positive 0) or none (1). Calls
// short enough that callers free often, no line cap and a fixed ratio of 5
// that keeps people waiting: more of them are connected in time when their
// greetings' ends are heard (54 against 81 abandoned of about 10,600 over ten
// seeds since the edge's ring timeout cuts late answers, session 19; without
// the heard ends the two counts would be alike; the law's count, from the true
// greeting end, holds either way).
TEST(AcceptanceTest, WithoutAmdAHeardGreetingEndLengthensTheWait) {
  Scenario s = shipped("small-bank-noamd", 2);
  ASSERT_FALSE(s.amd);
  s.talk = Dist::logNormalMeanCv(8, 0.5);
  s.wrap = Dist::constant(1);
  s.line_cap = 0;
  s.line_cap_per_agent = 0;
  s.greeting = Dist::uniformIn(0.6, 1.0);  // every end is heard within 1.8 s of the answer
  int64_t abandoned[2] = {0, 0}, live[2] = {0, 0};
  for (const int heard : {0, 1}) {
    s.amd_fp = heard ? 0.0 : 1.0;
    for (uint64_t seed = 1; seed <= 10; ++seed) {
      RunOptions o;
      o.seed = seed;
      o.pacer = "fixed-ratio";
      o.knob = 5.0;
      auto r = runOnce(s, o);
      ASSERT_TRUE(r.isOk());
      EXPECT_EQ(r->amd_fp_abandoned, 0);  // no AMD, no false positive
      abandoned[heard] += r->abandoned;
      live[heard] += r->live_answers;
    }
  }
  ASSERT_GT(live[0], 500);
  ASSERT_GT(abandoned[0], 20);
  const double none = static_cast<double>(abandoned[0]) / static_cast<double>(live[0]);
  const double all = static_cast<double>(abandoned[1]) / static_cast<double>(live[1]);
  EXPECT_LT(all, 0.8 * none) << "abandoned " << abandoned[1] << "/" << live[1]
                             << " with greeting ends heard, " << abandoned[0] << "/" << live[0]
                             << " without";
}
}  // namespace
}  // namespace clearline::sim
