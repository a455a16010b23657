// Our pacer counts calls in AMD screening as demand (docs/pacing.md): an
// answered call awaiting its verdict is a human about to need a caller with
// the share of humans among answered calls that the pacer has learned.
#include "core/pacing/clearline_pacer.h"

#include <gtest/gtest.h>

#include <vector>

#include "core/pacing/registry.h"

namespace clearline::core {
namespace {

struct Floor {
  std::vector<CallerView> callers;
  std::vector<DialView> flight;
  PacerInput in;
  Floor() {
    // 10 callers: 4 ready, 6 on calls of 20 s so far; 2 dials ringing.
    for (int i = 0; i < 4; ++i)
      callers.push_back(CallerView{CallerState::kReady, Millis(5000), Millis(0)});
    for (int i = 0; i < 6; ++i)
      callers.push_back(CallerView{CallerState::kOnCall, Millis(20000), Millis(20000)});
    flight = {DialView{Millis(3000)}, DialView{Millis(8000)}};
    in.callers = callers;
    in.in_flight = flight;
    in.amd = true;
    in.grace = Millis(2000);
    in.routable_grace = Millis(1200);
    in.budget.answered_30d = 1000;
    in.budget.abandoned_30d = 10;
    in.budget.rate_30d = 1.0;
    in.target_pct = 3.0;
    in.cap_pct = 3.0;
  }
};

// 100 resolved dials rung 9-15 s, one in ten live, three in ten answering
// machines: enough of the pacer's own evidence to end its cold start.
std::unique_ptr<PacingHistory> warmHistory() {
  auto h = std::make_unique<PacingHistory>();
  for (int i = 0; i < 100; ++i) {
    DialRecord d;
    d.age = Millis(9000 + (i % 7) * 1000);
    d.outcome = i % 10 == 0   ? DialOutcome::kLive
                : i % 10 <= 3 ? DialOutcome::kMachine
                              : DialOutcome::kNoAnswer;
    h->dials.push(d);
  }
  return h;
}

std::unique_ptr<Pacer> ours() {
  PacerSettings s;
  s.knob = 0.05;
  // These tests are about screening and the cold start: an AMD that makes no
  // false positives keeps the budget (1 % of 1,000) out of the way.
  s.amd_false_positive = 0.0;
  auto p = makePacer("clearline", s);
  EXPECT_TRUE(p.isOk());
  return std::move(*p);
}

TEST(ClearlinePacerTest, CallsInAmdScreeningAreDemand) {
  Floor f;
  auto warm = warmHistory();
  f.in.history = warm.get();
  auto p = ours();
  int none = p->decide(f.in).dial;
  f.in.screening = 4;
  int four = p->decide(f.in).dial;
  f.in.screening = 12;
  int twelve = p->decide(f.in).dial;
  EXPECT_GT(none, 0);
  EXPECT_LT(four, none);
  EXPECT_LT(twelve, four);
}

// Wrap-up is learned by the length of the talk before it: callers one second
// into wrap-up after 6-second calls (machines, on a list without AMD) are about
// to free, callers one second into wrap-up after 5-minute conversations are
// not, although their time in wrap-up is the same. (With one pooled wrap
// distribution the two floors were the same to the pacer.)
TEST(ClearlinePacerTest, WrapUpIsLearnedByTheLengthOfTheTalkBeforeIt) {
  auto h = warmHistory();
  for (int i = 0; i < 60; ++i) {
    HandleRecord r;
    r.talk = Millis(i % 2 ? 6000 : 300000);
    r.wrap = Millis(i % 2 ? 2000 : 90000);
    h->handles.push(r);
  }
  auto floorAfter = [&](Millis talk) {
    std::vector<CallerView> callers;
    for (int i = 0; i < 10; ++i) callers.push_back(CallerView{CallerState::kWrapUp, Millis(1000), talk});
    return callers;
  };
  auto decide = [&](Millis talk) {
    auto p = ours();
    Floor f;
    f.in.history = h.get();
    const auto callers = floorAfter(talk);
    f.in.callers = callers;
    f.in.in_flight = {};
    return p->decide(f.in).dial;
  };
  const int after_short = decide(Millis(6000)), after_long = decide(Millis(300000));
  EXPECT_GT(after_short, after_long);
  EXPECT_GT(after_short, 0);
}

TEST(ClearlinePacerTest, TheLearnedShareOfHumansWeighsScreening) {
  // Two pacers learn the same dial ages and the same live share per dial (10 %);
  // they differ only in what the other answered calls were: machines for one
  // (humans are 1 in 7 answered calls), none for the other (every answered
  // call was a human), the rest being no-answers.
  auto history = [](bool machines) {
    auto h = std::make_unique<PacingHistory>();
    for (int i = 0; i < 400; ++i) {
      DialRecord d;
      d.age = Millis(9000 + (i % 7) * 1000);
      if (i % 10 == 0)
        d.outcome = DialOutcome::kLive;
      else if (machines && i % 10 <= 6)
        d.outcome = DialOutcome::kMachine;
      else
        d.outcome = DialOutcome::kNoAnswer;
      h->dials.push(d);
    }
    return h;
  };
  auto with_machines = history(true), without = history(false);
  auto decide = [](const PacingHistory* h, int screening) {
    Floor f;
    f.in.history = h;
    f.in.screening = screening;
    return ours()->decide(f.in).dial;
  };
  // Nothing in screening: the verdict mix is irrelevant.
  EXPECT_EQ(decide(with_machines.get(), 0), decide(without.get(), 0));
  // Six in screening are more demand when answered calls are usually humans.
  EXPECT_LT(decide(without.get(), 6), decide(with_machines.get(), 6));
  EXPECT_LT(decide(with_machines.get(), 6), decide(with_machines.get(), 0));
}

// AMD by the callers' idle time (docs/pacing.md): after ten minutes of
// decisions, while more than 35 % of the callers are ready on average (over
// 5 minutes) and the line cap does not bind, ours places its dials without AMD
// (its false positives would spend the budget a waiting team needs for
// predictive dialing); once fewer than 20 % wait, with AMD again.
TEST(ClearlinePacerTest, CallersWaitingForCallsHearMachinesRatherThanAmdSpendTheBudget) {
  auto warm = warmHistory();
  auto run = [&](int ready, int line_cap, int lines_in_use, int minutes) {
    Floor f;  // 10 callers
    std::vector<CallerView> callers;
    for (int i = 0; i < 10; ++i)
      callers.push_back(i < ready ? CallerView{CallerState::kReady, Millis(5000), Millis(0)}
                                  : CallerView{CallerState::kOnCall, Millis(20000), Millis(20000)});
    f.in.callers = callers;
    f.in.history = warm.get();
    f.in.line_cap = line_cap;
    f.in.lines_in_use = lines_in_use;
    auto p = ours();
    std::vector<bool> screened;  // one decision a minute
    for (int m = 0; m <= minutes; ++m) {
      f.in.now = TimePoint{} + Millis(60'000LL * m);
      screened.push_back(p->decide(f.in).screen);
    }
    return screened;
  };
  // Six of ten waiting: screened through the ten-minute warm-up, then not.
  auto waiting = run(6, 0, 0, 12);
  for (int m = 0; m < 10; ++m) EXPECT_TRUE(waiting[static_cast<size_t>(m)]) << m;
  EXPECT_FALSE(waiting[11]);
  EXPECT_FALSE(waiting[12]);
  // One of ten waiting: always screened.
  for (bool s : run(1, 0, 0, 12)) EXPECT_TRUE(s);
  // Six waiting while the line cap binds: AMD frees lines sooner, so it stays.
  for (bool s : run(6, 30, 30, 12)) EXPECT_TRUE(s);
  // Back with AMD once the team is busy again: 15 minutes waiting, then busy.
  Floor f;
  auto p = ours();
  f.in.history = warm.get();
  std::vector<CallerView> idle, busy;
  for (int i = 0; i < 10; ++i) {
    idle.push_back(i < 6 ? CallerView{CallerState::kReady, Millis(5000), Millis(0)}
                         : CallerView{CallerState::kOnCall, Millis(20000), Millis(20000)});
    busy.push_back(i < 1 ? CallerView{CallerState::kReady, Millis(5000), Millis(0)}
                         : CallerView{CallerState::kOnCall, Millis(20000), Millis(20000)});
  }
  bool screen = true;
  for (int m = 0; m <= 15; ++m) {
    f.in.callers = idle;
    f.in.now = TimePoint{} + Millis(60'000LL * m);
    screen = p->decide(f.in).screen;
  }
  EXPECT_FALSE(screen);
  int back = -1;
  for (int m = 16; m <= 40 && back < 0; ++m) {
    f.in.callers = busy;
    f.in.now = TimePoint{} + Millis(60'000LL * m);
    if (p->decide(f.in).screen) back = m;
  }
  // The average falls from 0.6 towards 0.1 with a 5-minute time constant: under
  // 0.2 after 5 · ln(5) ≈ 8 minutes.
  EXPECT_GE(back, 22);
  EXPECT_LE(back, 26);
  // The average counts each interval at the share seen when it began: callers
  // waiting from minute 15 to minute 30 (no decision between) were waiting
  // for those 15 minutes, however busy the team is at minute 30. (It used to
  // count the whole interval at the share seen at its end, and turned AMD on.)
  {
    Floor g;
    auto q = ours();
    g.in.history = warm.get();
    for (int m = 0; m <= 15; ++m) {
      g.in.callers = idle;
      g.in.now = TimePoint{} + Millis(60'000LL * m);
      EXPECT_EQ(q->decide(g.in).screen, m < 10) << m;
    }
    g.in.callers = busy;
    g.in.now = TimePoint{} + Millis(60'000LL * 30);
    EXPECT_FALSE(q->decide(g.in).screen);
    g.in.now = TimePoint{} + Millis(60'000LL * 31);
    EXPECT_FALSE(q->decide(g.in).screen);  // one busy minute: 0.6 → 0.5
  }
  // Told not to (`[pacing] amd_when_idle = false`), it keeps AMD on every dial.
  {
    PacerSettings s;
    s.knob = 0.05;
    s.amd_false_positive = 0.0;
    s.amd_when_idle = false;
    auto keep = makePacer("clearline", s);
    ASSERT_TRUE(keep.isOk());
    Floor g;
    g.in.callers = idle;
    g.in.history = warm.get();
    for (int m = 0; m <= 15; ++m) {
      g.in.now = TimePoint{} + Millis(60'000LL * m);
      EXPECT_TRUE((*keep)->decide(g.in).screen);
    }
  }
  // A campaign without AMD is never asked to screen differently.
  Floor noamd;
  noamd.in.amd = false;
  noamd.in.history = warm.get();
  auto q = ours();
  for (int m = 0; m <= 15; ++m) {
    noamd.in.now = TimePoint{} + Millis(60'000LL * m);
    EXPECT_TRUE(q->decide(noamd.in).screen);
  }
}

// A dial placed without AMD needs a caller whenever it is answered, machine or
// person; a screened one only when AMD passes it. The learned history (one in
// ten dials live, three in ten machines) makes the unscreened dial four times
// the demand, so fewer new dials fit.
TEST(ClearlinePacerTest, ADialWithoutAmdIsDemandWheneverItIsAnswered) {
  auto warm = warmHistory();
  auto decide = [&](bool screened) {
    Floor f;
    std::vector<DialView> flight(6, DialView{Millis(8000), screened});
    f.in.in_flight = flight;
    f.in.history = warm.get();
    return ours()->decide(f.in).dial;
  };
  const int with_amd = decide(true), without = decide(false);
  EXPECT_GT(with_amd, 0);
  EXPECT_LT(without, with_amd);
}

// With default planning figures (the daemon's: an 8 % contact rate that a list
// may exceed sevenfold), until it has seen 30 outcomes of its own dials our
// pacer dials one line per ready caller that no dial in flight, call in
// screening or waiting callee claims; with its own evidence, or with measured
// figures, it dials beyond that.
TEST(ClearlinePacerTest, ColdStartDialsProgressivelyUntilItHasItsOwnEvidence) {
  Floor f;  // 4 ready, 6 on calls, 2 dials ringing
  auto p = ours();
  EXPECT_EQ(p->decide(f.in).dial, 2);
  f.in.screening = 1;
  EXPECT_EQ(p->decide(f.in).dial, 1);
  f.in.answered_waiting = 2;
  EXPECT_EQ(p->decide(f.in).dial, 0);
  f.in.screening = 0;
  f.in.answered_waiting = 0;
  PacingHistory h;
  for (int i = 0; i < 29; ++i)
    h.dials.push(DialRecord{TimePoint{}, Millis(12000), DialOutcome::kNoAnswer});
  f.in.history = &h;
  EXPECT_EQ(p->decide(f.in).dial, 2);  // 29 of its own: still cold
  h.dials.push(DialRecord{TimePoint{}, Millis(12000), DialOutcome::kLive});
  EXPECT_GT(p->decide(f.in).dial, 2);  // 30: paced
  // Measured planning figures (the simulator's scenario): paced from the first dial.
  PacerSettings s;
  s.knob = 0.05;
  s.measured = true;
  s.amd_false_positive = 0.0;
  auto m = makePacer("clearline", s);
  ASSERT_TRUE(m.isOk());
  Floor cold;
  EXPECT_GT((*m)->decide(cold.in).dial, 2);
}

// The budget rule (docs/pacing.md): θ may not exceed 0.001 · e^(5 · left / N),
// where left is what the stricter legal window's budget allows after the guard
// (AMD false positives estimated in). With the budget spent our pacer dials no
// more than progressive; with ample room the decision is the θ rule's alone.
PacerInput withBudget(PacerInput in, int64_t answered, int64_t abandoned) {
  in.budget = AbandonmentBudget{};
  in.budget.answered_30d = in.budget.answered_24h = answered;
  in.budget.abandoned_30d = in.budget.abandoned_24h = abandoned;
  in.budget.rate_30d = in.budget.rate_24h =
      answered ? 100.0 * static_cast<double>(abandoned) / static_cast<double>(answered) : 0.0;
  return in;
}

std::unique_ptr<Pacer> measured(double knob, double amd_false_positive = 0.02) {
  PacerSettings s;
  s.knob = knob;
  s.measured = true;
  s.amd_false_positive = amd_false_positive;
  auto p = makePacer("clearline", s);
  EXPECT_TRUE(p.isOk());
  return std::move(*p);
}

TEST(ClearlinePacerBudgetTest, SpentBudgetDialsNoMoreThanProgressive) {
  Floor f;  // 4 ready, 6 on calls, 2 dials ringing: progressive dials 2
  f.in.amd = false;
  auto warm = warmHistory();
  f.in.history = warm.get();
  auto p = measured(0.3);
  EXPECT_GT(p->decide(withBudget(f.in, 100000, 0)).dial, 2);
  // Far over the cap (70 of 1,000: 41 abandons over, after the guard, for ten
  // callers): one line per unclaimed ready caller, no more.
  EXPECT_EQ(p->decide(withBudget(f.in, 1000, 70)).dial, 2);
  // Just over it (45 of 1,000) θ is 0.001 · e^(−8): a line more only if its
  // risk is that small.
  EXPECT_LE(p->decide(withBudget(f.in, 1000, 45)).dial, 3);
  // The stricter window rules: the 30 days have room, today is far over the cap.
  PacerInput today = withBudget(f.in, 100000, 0);
  today.budget.answered_24h = 200;
  today.budget.abandoned_24h = 40;
  today.budget.rate_24h = 20.0;
  EXPECT_EQ(p->decide(today).dial, 2);
  // With every ready caller claimed it dials nothing.
  f.in.screening = 2;
  EXPECT_EQ(p->decide(withBudget(f.in, 1000, 70)).dial, 0);
}

TEST(ClearlinePacerBudgetTest, AmpleBudgetDialsAsBeforeAndTheEdgeAsTheMostCautiousKnob) {
  Floor f;
  f.in.amd = false;
  auto warm = warmHistory();
  f.in.history = warm.get();
  auto p = measured(0.3);
  // Far from the cap the brake is at its limit either way and the budget rule
  // does not bind: the same decision for 1,000 or 100,000 clean answers.
  const int ample = p->decide(withBudget(f.in, 100000, 0)).dial;
  EXPECT_EQ(p->decide(withBudget(f.in, 1000, 0)).dial, ample);
  // 29 of 1,000: the one abandon left is the guard's. However generous its
  // knob, the pacer dials no more than the most cautious knob with ample room.
  const int edge = p->decide(withBudget(f.in, 1000, 29)).dial;
  const int cautious = measured(0.001)->decide(withBudget(f.in, 100000, 0)).dial;
  EXPECT_GE(edge, 2);
  EXPECT_LE(edge, cautious);
  EXPECT_LT(cautious, ample);
  // A window with no answers yet is credited 60 lives (1.8 abandons, 0.8 after
  // the guard): cautious, not stopped.
  const int fresh = p->decide(withBudget(f.in, 0, 0)).dial;
  EXPECT_GE(fresh, 2);
  EXPECT_LE(fresh, ample);
}

TEST(ClearlinePacerBudgetTest, AmdFalsePositivesTheLedgerCannotSeeSpendTheBudget) {
  Floor f;
  auto warm = warmHistory();
  f.in.history = warm.get();
  auto p = measured(0.3);
  // 1 % abandoned as the ledger sees it; with AMD's 2 % false positives the law
  // counts about 3 %: the budget is spent (about 6 abandons over, after the
  // guard for the estimate), so it dials fewer lines than with no AMD.
  PacerInput in = withBudget(f.in, 1000, 10);
  in.amd = true;
  const int with_fp = p->decide(in).dial;
  EXPECT_LE(with_fp, 3);
  in.amd = false;  // no AMD, no hidden abandons: 19 left after the guard
  EXPECT_GT(p->decide(in).dial, with_fp);
  // A pacer told AMD makes no false positives reads the same window as open.
  in.amd = true;
  const int no_fp = measured(0.3, 0.0)->decide(in).dial;
  EXPECT_GT(no_fp, with_fp);
  // So does one told that AMD judged nobody before they were routed
  // (PacerInput::amd_verdict_share 0: it yielded to the grace before every
  // verdict, or the dials went without AMD)…
  in.amd_verdict_share = 0.0;
  EXPECT_EQ(p->decide(in).dial, no_fp);
  // …and one whose verdicts came in time for half the people sits in between.
  in.amd_verdict_share = 0.5;
  const int half = p->decide(in).dial;
  EXPECT_GE(half, with_fp);
  EXPECT_LE(half, no_fp);
  in.amd_verdict_share = 1.0;
  // 2.5 % as the ledger sees it, about 4.5 % as the law counts: progressive.
  EXPECT_EQ(p->decide(withBudget(f.in, 1000, 25)).dial, 2);
}

// Two histories alike in every dial and handle time; in the second the callers
// marked three in four of their calls as answering machines.
std::pair<std::unique_ptr<PacingHistory>, std::unique_ptr<PacingHistory>> peopleAndMachines() {
  auto people = warmHistory();
  auto machines = warmHistory();
  for (int i = 0; i < 100; ++i) {
    HandleRecord r{TimePoint{}, Millis(60000), Millis(10000)};
    people->handles.push(r);
    r.machine = i % 4 != 0;
    machines->handles.push(r);
  }
  return {std::move(people), std::move(machines)};
}

// Without AMD a machine's answer reaches a caller and the ledger counts it as a
// live answer; the law counts people only (docs/pacing.md, "the abandonment
// budget"). The pacer reads the ledger in people, by the share of routed calls
// its callers marked as machines, and guards against the spread of the people
// among the abandons.
TEST(ClearlinePacerBudgetTest, MachinesTheCallersHeardDoNotCountAsPeopleInTheBudget) {
  Floor f;
  f.in.amd = false;
  auto [people, machines] = peopleAndMachines();
  auto decide = [&](const PacingHistory& h, int64_t answered, int64_t abandoned) {
    auto p = measured(0.3);
    PacerInput in = withBudget(f.in, answered, abandoned);
    in.history = &h;
    return p->decide(in).dial;
  };
  // Far from the cap both read the window as open: the same decision.
  const int ample = decide(*people, 100000, 0);
  EXPECT_EQ(decide(*machines, 100000, 0), ample);
  // 20 of 1,000 (2 %): as people, 9 abandons are left after the guard, and the
  // budget rule lets the pacer dial much as with ample room. If three in four
  // answers were machines, about 257 people answered and about 5 were abandoned,
  // and how many of the 20 were people is uncertain by about 2: the slack is
  // gone, and the pacer dials as cautiously as the most cautious knob, or less.
  const int open = decide(*people, 1000, 20);
  const int shut = decide(*machines, 1000, 20);
  const int cautious = measured(0.001)
                           ->decide([&] {
                             PacerInput in = withBudget(f.in, 100000, 0);
                             in.history = people.get();
                             return in;
                           }())
                           .dial;
  EXPECT_LT(cautious, open);
  EXPECT_LE(shut, cautious);
  EXPECT_GE(shut, 2);  // never fewer than progressive
}

// The budget rule's θ ≤ 0.001 · e^(s · left) counts the abandons left as the
// ledger does, and on a campaign whose answers are mostly machines that the
// callers hear, the ledger allows four abandons for every person the law would
// count. Its slope is scaled by √(the share of people among the next
// abandons) (session 20): unscaled, such a budget of about 18 left θ unbounded
// however little was left in people, and the pacer spent it in bursts
// (small-bank-noamd: 46.7 % talk at knob 0.024, 43.9 % at 0.12).
TEST(ClearlinePacerBudgetTest, ABudgetOfMostlyMachineAbandonsBoundsTheKnob) {
  Floor f;
  f.in.amd = false;
  auto [people, machines] = peopleAndMachines();
  auto decide = [&](double knob, const PacingHistory& h, int64_t answered, int64_t abandoned) {
    PacerInput in = withBudget(f.in, answered, abandoned);
    in.history = &h;
    return measured(knob)->decide(in).dial;
  };
  // With ample room a bolder knob dials more, whoever answers.
  EXPECT_GT(decide(0.6, *machines, 100000, 0), decide(0.15, *machines, 100000, 0));
  EXPECT_GT(decide(0.6, *people, 100000, 0), decide(0.15, *people, 100000, 0));
  // 4 of 1,000 with three in four machines: about 250 people answered and one
  // was abandoned; after the guard about 4.6 people (18 ledger abandons) are
  // left. θ is bounded near 0.1: the two knobs dial alike.
  EXPECT_EQ(decide(0.6, *machines, 1000, 4), decide(0.15, *machines, 1000, 4));
  // 10 of 1,000 people: 19 abandons left, and the rule leaves the knob free.
  EXPECT_GT(decide(0.6, *people, 1000, 10), decide(0.15, *people, 1000, 10));
}

// Without AMD every answer goes to a caller, but the law counts the people
// only, and they answer sooner than machines (session 17). Routed calls placed
// without AMD carry their answer age and the caller's verdict; from them the
// pacer learns the share of people by answer age.
void pushRouted(PacingHistory& h, int n, Millis answer_age, bool machine, bool screened = false) {
  for (int i = 0; i < n; ++i) {
    HandleRecord r{TimePoint{}, Millis(40000), Millis(2000), machine, answer_age, screened};
    h.handles.push(r);
  }
}

// The horizons are the quartiles of the people's answer ages: here people answer
// 8 s after the dial and machines 24 s after it, every caller is 20 s into a
// 40 s call, and no caller is ready. A person answering a dial placed now would
// find every caller still busy, so the pacer does not dial; had the callers
// heard people at 24 s too, the later horizons would find callers free, and it
// would.
TEST(ClearlinePacerTest, WithoutAmdTheHorizonsFollowThePeoplesAnswerAges) {
  auto history = [](bool late_ones_are_machines) {
    auto h = std::make_unique<PacingHistory>();
    for (int i = 0; i < 200; ++i) {
      DialRecord d;
      d.screened = false;
      d.age = Millis(i % 4 == 0 ? 8000 : 24000);
      d.outcome = DialOutcome::kLive;  // without AMD a machine's answer resolves as live
      h->dials.push(d);
    }
    pushRouted(*h, 25, Millis(8000), false);
    pushRouted(*h, 75, Millis(24000), late_ones_are_machines);
    return h;
  };
  auto decide = [&](const PacingHistory& h) {
    Floor f;
    f.in.amd = false;
    std::vector<CallerView> busy(10,
                                 CallerView{CallerState::kOnCall, Millis(20000), Millis(20000)});
    f.in.callers = busy;
    f.in.in_flight = {};
    f.in = withBudget(f.in, 100000, 0);
    f.in.history = &h;
    return measured(0.3)->decide(f.in).dial;
  };
  auto machines = history(true), people = history(false);
  EXPECT_EQ(decide(*machines), 0);
  EXPECT_GT(decide(*people), 0);
}

// The ledger's abandons are read in people by the age at which each was
// answered: 20 abandons of 1,000 answers, all answered when people answer, spend
// the budget of a list where three in four routed calls are machines; the same
// 20 answered when machines answer were mostly machines, and the pacer dials as
// with room left. Only for the abandons the pacer saw; on a campaign with AMD
// too, for the dials ours placed without it (session 19).
TEST(ClearlinePacerBudgetTest, WithoutAmdAbandonsAreReadInPeopleByTheirAnswerAge) {
  auto history = [](Millis abandon_age) {  // 20 abandons of dials placed without AMD
    auto h = warmHistory();
    pushRouted(*h, 25, Millis(8000), false);
    pushRouted(*h, 75, Millis(24000), true);
    for (int i = 0; i < 20; ++i) h->live.push(LiveRecord{TimePoint{}, true, abandon_age, false});
    return h;
  };
  auto decide = [&](const PacingHistory& h, bool amd, int64_t answered, int64_t abandoned) {
    Floor f;
    f.in.amd = amd;
    PacerInput in = withBudget(f.in, answered, abandoned);
    in.history = &h;
    // (An AMD without false positives, so that with AMD only the abandons count.)
    return measured(0.3, 0.0)->decide(in).dial;
  };
  auto early = history(Millis(8000)), late = history(Millis(24000));
  const int open = decide(*late, false, 100000, 0);
  const int cautious = [&] {
    Floor f;
    f.in.amd = false;
    PacerInput in = withBudget(f.in, 100000, 0);
    in.history = late.get();
    return measured(0.001)->decide(in).dial;
  }();
  EXPECT_LT(cautious, open);
  EXPECT_EQ(decide(*late, false, 1000, 20), open);
  EXPECT_LE(decide(*early, false, 1000, 20), cautious);
  EXPECT_GE(decide(*early, false, 1000, 20), 2);  // never fewer than progressive
  // On a campaign with AMD the same abandons (of dials ours placed without it
  // while its callers waited) are read by their answer ages too. (Read at the
  // share over all routed calls without AMD, session 18, the two histories gave
  // one decision; on small-bank-uk the early answers, people, were the ones
  // abandoned, and 3 of 30 replications went over the cap in session 19's
  // simulator.)
  EXPECT_LT(decide(*early, true, 1000, 20), decide(*late, true, 1000, 20));
  EXPECT_LT(decide(*early, true, 1000, 20), decide(*late, true, 100000, 0));
  // Abandons the ledger holds beyond the 20 the pacer saw (from before a
  // restart, say) are read at the share over all routed calls, one in four:
  // 20 more of them spend the room the 20 late ones left.
  EXPECT_LE(decide(*late, false, 1000, 40), cautious);
}

// With AMD, the calls AMD let through are people or its misses, machines, and
// the machines answer late (session 20). An abandon of a dial with AMD is read
// by its answer age as well: one answered at 8 s, when only people answer, was
// a person; one at 24 s, when the routed calls were machines, seldom. (Read at
// the flat share of people among the routed calls with AMD, a quarter here,
// the two histories gave one decision; on small-bank-uk seed 20 ended at
// 3.33 % while the pacer read 2 %, its early abandons all people.)
TEST(ClearlinePacerBudgetTest, WithAmdAbandonsAreReadInPeopleByTheirAnswerAge) {
  auto history = [](Millis abandon_age) {  // 20 abandons of dials placed with AMD
    auto h = warmHistory();
    pushRouted(*h, 25, Millis(8000), false, true);
    pushRouted(*h, 75, Millis(24000), true, true);
    for (int i = 0; i < 20; ++i) h->live.push(LiveRecord{TimePoint{}, true, abandon_age, true});
    return h;
  };
  auto decide = [&](const PacingHistory& h, int64_t answered, int64_t abandoned) {
    Floor f;
    f.in.amd = true;
    PacerInput in = withBudget(f.in, answered, abandoned);
    in.history = &h;
    return measured(0.3, 0.0)->decide(in).dial;  // (no false positives here)
  };
  auto early = history(Millis(8000)), late = history(Millis(24000));
  const int open = decide(*late, 100000, 0);
  EXPECT_LT(decide(*early, 1000, 20), decide(*late, 1000, 20));
  EXPECT_LT(decide(*early, 1000, 20), open);
  EXPECT_GE(decide(*early, 1000, 20), 2);  // never fewer than progressive
}

// A campaign with AMD whose pacer let it dial without AMD while callers waited
// reaches people on a quarter of its routed calls for a while, and on nine in
// ten with AMD (session 18). The legal window is read at the shares of its own
// hours: routed calls at the share of people among the window's routed calls,
// each abandon at the share its kind of dial reached when it was learned. So
// the same calls give the same reading whichever came first. Read at the
// share learned with forgetting (the recent one), a window whose last hour had
// AMD on looked like 2,800 people where about 2,030 answered, and one whose
// abandons came with AMD had them read as four in ten people: surge-staff
// seed 21 ended at 3.52 % while the pacer read 2.29 %.
TEST(ClearlinePacerBudgetTest, AWindowIsReadAtTheSharesOfItsOwnHours) {
  const TimePoint t0{};
  auto history = [&](bool amd_last) {
    auto h = warmHistory();
    const int amd_hour = amd_last ? 1 : 0;
    auto routed = [&](int hour, bool screened) {
      for (int i = 0; i < 1700; ++i) {
        HandleRecord r{t0 + std::chrono::hours(hour), Millis(40000), Millis(2000)};
        r.screened = screened;
        r.answer_age = Millis(9000);
        r.machine = screened ? i % 10 == 0 : i % 4 != 0;
        h->handles.push(r);
      }
    };
    routed(1 - amd_hour, false);
    routed(amd_hour, true);
    // 100 abandons of dials with AMD, in its hour.
    for (int i = 0; i < 100; ++i)
      h->live.push(LiveRecord{t0 + std::chrono::hours(amd_hour), true, Millis(9000), true});
    return h;
  };
  // 3,500 live answers as the ledger counts them: about 425 people among the
  // routed calls without AMD, 1,530 among those with it, nine in ten of the
  // abandoned.
  auto decide = [&](const PacingHistory& h, int64_t abandoned) {
    Floor f;
    f.in.now = t0 + std::chrono::hours(2);
    PacerInput in = withBudget(f.in, 3500, abandoned);
    in.history = &h;
    return measured(0.3, 0.0)->decide(in).dial;  // (no false positives here)
  };
  auto amd_last = history(true), amd_first = history(false);
  // 20 abandoned (1 % of the people): room.
  const int open = decide(*amd_last, 20);
  EXPECT_EQ(decide(*amd_first, 20), open);
  // 55 (2.4 %; 8 abandons left after the guard) hold the pacer back…
  const int tight = decide(*amd_last, 55);
  EXPECT_LT(tight, open);
  EXPECT_EQ(decide(*amd_first, 55), tight);
  // …and 75 (3.3 %) leave none: one line per unclaimed ready caller, two.
  EXPECT_EQ(decide(*amd_last, 75), 2);
  EXPECT_EQ(decide(*amd_first, 75), 2);
}

// Each window reads the hours it spans: yesterday's routed calls with AMD (nine
// in ten people) do not dilute today's without it (one in four), whose 40
// abandons spend today's budget.
TEST(ClearlinePacerBudgetTest, TodayIsReadAtTodaysShares) {
  const TimePoint t0{};
  auto decide = [&](int gap_hours, double knob) {
    auto h = warmHistory();
    for (int i = 0; i < 1700; ++i) {
      HandleRecord r{t0, Millis(40000), Millis(2000)};
      r.machine = i % 10 == 0;
      h->handles.push(r);  // with AMD, at hour 0
    }
    for (int i = 0; i < 1700; ++i) {
      HandleRecord r{t0 + std::chrono::hours(gap_hours), Millis(40000), Millis(2000)};
      r.screened = false;
      r.answer_age = Millis(9000);
      r.machine = i % 4 != 0;
      h->handles.push(r);
    }
    for (int i = 0; i < 40; ++i)
      h->live.push(LiveRecord{t0 + std::chrono::hours(gap_hours), true, Millis(9000), false});
    Floor f;
    f.in.now = t0 + std::chrono::hours(gap_hours + 1);
    PacerInput in = withBudget(f.in, 100000, 0);  // the 30 days: ample room
    in.budget.answered_24h = 1740;
    in.budget.abandoned_24h = 40;
    in.history = h.get();
    return measured(knob, 0.0)->decide(in).dial;
  };
  // An hour apart, the day holds both: about 1,000 people, 10 of them abandoned.
  const int both = decide(1, 0.3);
  // A day and more apart, today holds 435 people, 10 of them abandoned: with the
  // guard the budget is spent, and the pacer dials no more than the most
  // cautious knob would with both hours.
  const int today = decide(30, 0.3);
  EXPECT_LT(today, both);
  EXPECT_LE(today, decide(1, 0.001));
  EXPECT_GE(today, 2);  // never fewer than progressive
}

// The ring cut (session 19). 600 dials that rang the whole 25 s, a hundred at a
// time: 6 people (answering at 6–11 s, or late: 5–24.5 s), 30 answering machines
// (16–24.7 s, hung up on by AMD 3 s after), 4 machines AMD missed (18–22.5 s,
// 8 s with a caller; or, with misses_heard false, caught too), 45 unanswered
// and 15 busy. The people talk 90 s.
std::unique_ptr<PacingHistory> ringHistory(bool people_late, bool misses_heard = true) {
  auto h = std::make_unique<PacingHistory>();
  for (int i = 0; i < 600; ++i) {
    const int j = i % 100;
    DialRecord d;
    d.ring_timeout = Millis(25000);
    d.screened = true;
    if (j < 6) {
      d.answer_age = Millis(people_late ? 5000 + j * 3900 : 6000 + j * 1000);
      d.age = d.answer_age + Millis(2000);
      d.outcome = DialOutcome::kLive;
    } else if (j < 36) {
      d.answer_age = Millis(16000 + (j - 6) * 300);
      d.age = d.answer_age + Millis(3000);
      d.outcome = DialOutcome::kMachine;
    } else if (j < 40) {
      d.answer_age = Millis(18000 + (j - 36) * 1500);
      d.age = d.answer_age + Millis(3000);
      d.outcome = misses_heard ? DialOutcome::kLive : DialOutcome::kMachine;
    } else if (j < 85) {
      d.age = Millis(25000);
      d.outcome = DialOutcome::kNoAnswer;
    } else {
      d.age = Millis(3000);
      d.outcome = DialOutcome::kFailed;
    }
    h->dials.push(d);
    if (d.outcome == DialOutcome::kLive) {
      HandleRecord r{TimePoint{}, Millis(j < 6 ? 90000 : 8000), Millis(j < 6 ? 20000 : 2000)};
      r.machine = j >= 6;
      r.answer_age = d.answer_age;
      h->handles.push(r);
    }
  }
  return h;
}

ClearlinePacer ringPacer() {
  PacerSettings s;
  s.knob = 0.05;
  s.amd_false_positive = 0.0;
  return ClearlinePacer(s);
}

// People who answer within a few rings and machines that pick up late: ringing
// 15 s (the legal minimum) reaches every person on fewer line-seconds, about
// 43 % more people per line-second than the whole 25 s. When people answer
// late too, ringing shorter loses more people than line time: no cut.
TEST(ClearlinePacerTest, TheRingCutRingsAsLongAsThePeopleAnswer) {
  for (const bool late : {false, true}) {
    auto h = ringHistory(late);
    Floor f;
    f.in.history = h.get();
    ClearlinePacer p = ringPacer();
    p.decide(f.in);  // learns the history
    EXPECT_EQ(p.ringCut(25.0), late ? 25.0 : 15.0) << late;
    EXPECT_EQ(p.ringCut(15.0), 15.0);  // never below the legal minimum
  }
  // Too little evidence (under 400 dials that rang the whole timeout): no cut.
  auto h = ringHistory(false);
  PacingHistory few;
  for (int64_t i = h->dials.begin(); i < h->dials.begin() + 300; ++i)
    few.dials.push(h->dials.at(i));
  for (int64_t i = h->handles.begin(); i < h->handles.end(); ++i)
    few.handles.push(h->handles.at(i));
  Floor f;
  f.in.history = &few;
  ClearlinePacer p = ringPacer();
  p.decide(f.in);
  EXPECT_EQ(p.ringCut(25.0), 25.0);
}

// A cut misses the people who would have answered after it: at most the share
// PacerSettings::ring_cut_max_people_loss allows (a tenth by default; config
// `[pacing] ring_cut_max_people_loss`). Here, with people answering late, a
// 15 s ring reaches 3 of the 6 (and none of the 4 machines the callers hear).
TEST(ClearlinePacerTest, TheRingCutMissesAtMostTheSharePeopleAllow) {
  auto cutWith = [](bool late, double loss, ClearlinePacer::CutFor what) {
    auto h = ringHistory(late);
    Floor f;
    f.in.history = h.get();
    PacerSettings s;
    s.knob = 0.05;
    s.amd_false_positive = 0.0;
    s.ring_cut_max_people_loss = loss;
    ClearlinePacer p(s);
    p.decide(f.in);
    return p.ringCut(25.0, what);
  };
  using C = ClearlinePacer::CutFor;
  EXPECT_EQ(cutWith(true, 0.1, C::kCallers), 25.0);
  EXPECT_EQ(cutWith(true, 0.6, C::kCallers), 15.0);
  // 0: no cut that misses anyone, whatever it would save. For the lines, 23 s
  // still reaches every routed answer (the last at 22.5 s) on less line time.
  EXPECT_EQ(cutWith(false, 0.0, C::kCallers), 25.0);
  EXPECT_EQ(cutWith(false, 0.0, C::kLines), 23.0);
  EXPECT_EQ(cutWith(false, 0.1, C::kLines), 15.0);
}

// The cut applies while the line cap binds (more than half the time, averaged
// over 5 minutes), and one dial in 17 still rings the whole timeout; with lines
// to spare, or when people answer late, every dial rings the campaign's 25 s.
// (Here AMD catches every machine: the callers hear none, and only the lines
// are worth a cut.)
TEST(ClearlinePacerTest, TheRingCutAppliesWhileTheLineCapBinds) {
  auto run = [](bool late, int line_cap, int in_use) {
    auto h = ringHistory(late, false);
    Floor f;
    f.in.history = h.get();
    f.in.line_cap = line_cap;
    f.in.lines_in_use = in_use;
    ClearlinePacer p = ringPacer();
    std::vector<int64_t> rings;       // ring timeout asked for, per dial after 10 min
    for (int k = 0; k <= 180; ++k) {  // a decision every 10 s for 30 minutes
      f.in.now = TimePoint{} + Millis(10'000LL * k);
      PacerDecision d = p.decide(f.in);
      if (k >= 60) rings.insert(rings.end(), static_cast<size_t>(d.dial), d.ring_timeout.count());
    }
    return rings;
  };
  auto cut = run(false, 30, 29);
  ASSERT_GE(cut.size(), 100u);
  const auto whole = std::count(cut.begin(), cut.end(), 0);
  EXPECT_EQ(std::count(cut.begin(), cut.end(), 15000) + whole, static_cast<long>(cut.size()));
  EXPECT_GE(whole, static_cast<long>(cut.size()) / 17 - 1);
  EXPECT_LE(whole, static_cast<long>(cut.size()) / 17 + 1);
  for (int64_t r : run(false, 0, 29)) EXPECT_EQ(r, 0);   // no line cap
  for (int64_t r : run(false, 60, 12)) EXPECT_EQ(r, 0);  // 60 lines, 12 in use
  for (int64_t r : run(true, 30, 29)) EXPECT_EQ(r, 0);   // people answer late
}

// With lines to spare, a cut saves the callers' time where they hear machines
// (session 20): the 4 machines AMD missed, answering at 18–22.5 s, take 10 s of
// a caller each, and ringing 15 s reaches the same 6 people on 660 caller-
// seconds instead of 700. At most one dial in 17 still rings the whole 25 s.
// When people answer late too (half of them after 15 s: more than the tenth a
// cut may miss), or the callers hear no machine, every dial rings 25 s.
TEST(ClearlinePacerTest, WithLinesToSpareTheRingCutSavesTheCallersMachines) {
  auto run = [](bool late, bool misses_heard) {
    auto h = ringHistory(late, misses_heard);
    Floor f;
    f.in.history = h.get();
    ClearlinePacer p = ringPacer();
    std::vector<int64_t> rings;
    for (int k = 0; k <= 180; ++k) {
      f.in.now = TimePoint{} + Millis(10'000LL * k);
      PacerDecision d = p.decide(f.in);
      if (k >= 60) rings.insert(rings.end(), static_cast<size_t>(d.dial), d.ring_timeout.count());
    }
    EXPECT_EQ(p.ringCut(25.0, ClearlinePacer::CutFor::kCallers),
              !late && misses_heard ? 15.0 : 25.0)
        << late << misses_heard;
    return rings;
  };
  auto cut = run(false, true);
  ASSERT_GE(cut.size(), 100u);
  const auto whole = std::count(cut.begin(), cut.end(), 0);
  EXPECT_EQ(std::count(cut.begin(), cut.end(), 15000) + whole, static_cast<long>(cut.size()));
  // (Here every decision asks for dozens of dials; a probe decision places one,
  // so the whole-timeout dials are one in 17 or fewer, and keep coming.)
  EXPECT_GE(whole, 30);
  EXPECT_LE(whole, static_cast<long>(cut.size()) / 17 + 1);
  for (int64_t r : run(true, true)) EXPECT_EQ(r, 0);    // people answer late
  for (int64_t r : run(false, false)) EXPECT_EQ(r, 0);  // no machine reaches a caller
}

// A dial the edge will cancel at 15 s cannot turn into a routable answer after
// it (and AMD's verdict): twenty dials 14 s old that ring 15 s are less demand
// than twenty that ring 25 s, when AMD's late misses still need callers.
TEST(ClearlinePacerTest, ADialsRingTimeoutEndsItsDemand) {
  auto h = ringHistory(false);
  auto dials = [&](Millis ring) {
    Floor f;
    std::vector<DialView> flight(20, DialView{Millis(14000), true, ring});
    f.in.in_flight = flight;
    f.in.history = h.get();
    return ringPacer().decide(f.in).dial;
  };
  EXPECT_GT(dials(Millis(15000)), dials(Millis(25000)));
}

}  // namespace
}  // namespace clearline::core
