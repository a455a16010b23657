// Our pacer ("clearline"): dial while the next dial's chance of meeting no
// free caller stays under a threshold θ.
//
// It uses what the simpler pacers ignore:
//  - elapsed talk / wrap time of every busy caller against the learned talk and
//    wrap distributions (a caller 3 minutes into a call is about to free; one
//    10 s in is not), giving each caller's probability of freeing in time; the
//    wrap-up is learned by the length of the talk before it (an 8 s machine is
//    followed by a 2 s wrap, a long conversation by a long one);
//  - the answer hazard by dial age: each dial in flight gets its probability of
//    turning into a routable answer within the horizon given how long it has
//    already rung (a 20 s-old dial is mostly a no-answer);
//  - without AMD, who answers when: people answer sooner than machines, and
//    the callers' verdicts on routed calls give the share of people by answer
//    age; the horizons are the people's answer ages, and the ledger's abandons
//    are read in people by the age each was answered at;
//  - each legal window read at its own hours: the routed calls at the share of
//    people among the window's routed calls, each abandon at the share its
//    kind of dial reached when it was learned (a campaign whose dials went
//    without AMD for hours and with it since is not read at today's share);
//  - the ring timeout: the people answer within a few rings and machines
//    late, so it rings each dial for the timeout that reaches the most people
//    per line-second while the line cap binds, and per second of the callers'
//    time while callers hear machines (never below the legal 15 s, missing at
//    most ring_cut_max_people_loss of the people), learned from dials that
//    rang the whole timeout (ringCut);
//  - the grace actually left after AMD;
//  - the remaining abandonment budget over the legal window, counted as the
//    law counts it (AMD false positives estimated in): θ shrinks as the
//    realised rate nears the target, and it may not exceed
//    0.001 · e^(5 · √p′ · left / N), left being the abandons the stricter window
//    still allows after a guard, p′ the share of people among the next ones and N
//    the active callers: near the cap the most cautious predictive
//    dialing, with the budget spent effectively progressive (never less);
//  - AMD's false positives against the callers' idle time: with AMD on, AMD
//    hangs up on ~2 % of the people who answer, two thirds of a 3 % budget spent
//    before any predictive dial. While more than 35 % of the callers wait for
//    calls (averaged over 5 minutes, after a 10-minute warm-up) and the line cap
//    does not bind, new dials go without AMD (PacerDecision::screen): callers
//    hear the machines, and the whole budget goes to pacing; below 20 %, with
//    AMD again. Dials with and without AMD have their own answer hazards (a
//    dial without AMD needs a caller for a machine too);
//  - cold-start caution: with default planning figures (not measured ones,
//    PacerSettings::measured) it dials progressively until it has seen
//    kColdStartDials outcomes of its own dials (a list whose contact rate is
//    seven times the default would otherwise be over-dialled in the first
//    seconds);
//  - small-team caution: below ~120 random terms the free-minus-demand count is
//    computed exactly (Poisson-binomial convolution), not by a normal
//    approximation, so five callers are not treated like five hundred.
// Distributions are learned online from the outcome history with exponential
// forgetting, so a drifting contact rate or callers logging out move the
// estimates within minutes.
//
// Knob: θ (probability). Owned by core/pacing; single-threaded.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "core/pacing/bernoulli_sum.h"
#include "core/pacing/pacer.h"
#include "core/pacing/registry.h"

namespace clearline::core {

class ClearlinePacer final : public Pacer {
 public:
  explicit ClearlinePacer(const PacerSettings& s);
  std::string_view name() const override { return "clearline"; }
  PacerDecision decide(const PacerInput& in) override;
  bool hasKnob() const override { return true; }
  void setKnob(double v) override { theta_ = v; }
  double knob() const override { return theta_; }
  std::pair<double, double> knobRange() const override { return {0.001, 0.6}; }

 private:
  static constexpr int kAgeBins = 240;    // 0.5 s bins: dial age up to 120 s
  static constexpr int kTalkBins = 1200;  // 1 s bins: talk up to 20 min
  static constexpr int kWrapBins = 480;   // 0.5 s bins: wrap up to 4 min
  static constexpr int kHorizons = 3;

  void learn(const PacingHistory& h, Millis ring_timeout);
  // The decision's last step: n predictive dials, never fewer than
  // `progressive` (within the cap), a probe's one dial, the probe count.
  PacerDecision settle(PacerDecision out, int n, int progressive, int cap, bool probe, bool cut);
  void rebuild();
  // Whether the learned histograms have moved enough since the last rebuild to
  // redo the derived tables (a 1/128 share of their weight, or 30 s passed).
  bool rebuildDue(TimePoint now) const;
  // P(routable in (a, a+h] | unresolved at a), for a dial placed with AMD or without.
  double liveWithin(double age_s, double h_s, bool screened) const;
  double releaseWithin(const CallerView& c, double t_s) const;
  // The same two probabilities for the decision's horizons, read from tables
  // over elapsed time (1 s bins for talk, 0.5 s for wrap and dial age) that are
  // filled on first use after each rebuild and interpolated linearly between
  // bin edges: a decision costs a few reads per caller and dial, not a dozen
  // histogram look-ups each.
  using PerHorizon = std::array<double, 3>;  // one value per horizon (kHorizons)
  PerHorizon releaseFast(const CallerView& c);
  PerHorizon liveFast(double age_s, bool screened);
  double talkCdf(double t) const;
  // The legal windows as the pacer reads them (AMD false positives estimated in).
  struct BudgetView {
    double rate_pct =
        0;  // realised rate of the window with the higher rate (≥ kBudgetEvidence lives)
    int64_t rate_lives = 0;  // its live answers as the ledger saw them
    double left = 0;         // abandons the stricter window still allows, after the guard (as the
                             // ledger counts them: people and the machines it cannot tell apart)
    double pa_next = 1;      // the share of people the next dials' abandons are read at
  };
  BudgetView budgetView(const PacerInput& in) const;

  double theta_;
  PacerSettings s_;
  // AMD by the callers' idle time (PacerDecision::screen): the share of active
  // callers ready and the share of the time the line cap binds, both averaged
  // over kIdleTau, and whether new dials are screened.
  void chooseScreening(const PacerInput& in, const CallerCounts& cc);
  bool amd_ = true;  // the campaign has AMD on (PacerInput::amd, as last seen)
  bool screen_ = true;
  double idle_ = -1, capped_ = 0;           // averages (kIdleTau)
  double idle_then_ = 0, capped_then_ = 0;  // the shares at the last decision
  TimePoint first_seen_{}, idle_at_{};
  // learned histograms (weights with forgetting)
  // Dial ages: every dial (all), screened dials (scr), screened dials AMD passed
  // as people (live), answered dials of either kind (ans). A screened dial needs a
  // caller when AMD passes it (live / scr); an unscreened one when it is answered
  // (ans / all).
  std::array<double, kAgeBins + 1> age_live_{}, age_all_{}, age_scr_{}, age_ans_{};
  std::array<double, kTalkBins + 1> talk_{};
  std::array<double, kWrapBins + 1> wrap_{};
  double age_w_ = 0, talk_w_ = 0, wrap_w_ = 0;
  // Answered dials by AMD verdict (live / machine), with forgetting: the share
  // of calls in screening that will turn out human.
  double answered_live_ = 0, answered_machine_ = 0;
  // Routed calls (handle records) and those whose caller heard a machine, with
  // forgetting: the share of the ledger's live answers that were machines.
  double handled_ = 0, handled_machine_ = 0;
  // Who answers when, on a campaign without AMD (session 17): routed calls
  // placed without AMD by answer age (2 s bins, the last one open) and those
  // the callers did not mark as machines, with the handles' forgetting. People
  // answer a few seconds after the dial, machines later; the horizons are set
  // by the people's answer ages (cum_people_), and the ledger's abandons are
  // read in people by the age at which each was answered.
  // The same for the routed calls placed with AMD (session 20): AMD's misses
  // are machines, and they answer late too, so an abandon of a dial with AMD
  // answered in the first seconds was a person, one answered at 20 s seldom.
  // (Read at the flat share of people among them, small-bank-uk seed 20 ended
  // at 3.33 % while the pacer read 2 %: its early abandons were all people.)
  static constexpr int kPeopleBins = 31;
  std::array<double, kPeopleBins> routed_by_age_{}, people_by_age_{};
  std::array<double, kPeopleBins> routed_scr_by_age_{}, people_scr_by_age_{};
  // P(a person | a routed call placed without AMD answered at that age): the
  // bin's share, pulled towards the share over all routed calls, on a campaign
  // with AMD over the routed calls without AMD (-1 ms: that share).
  double peopleAt(Millis answer_age) const;
  // The same for a routed call placed with AMD, pulled towards peopleScreened().
  double peopleScreenedAt(Millis answer_age) const;
  // Abandons of dials placed without AMD: their weight and the people among
  // them, each read once, as it is learned, at the share peopleAt gave for its
  // age then (never re-read later to free budget; before any caller marked a
  // machine that share is 1), with forgetting; and how many the pacer has seen.
  // Their share is what the next dials' abandons are read at (budgetView).
  // (The next abandons of dials with AMD are read at peopleScreened(), the
  // share over all routed dials with AMD: reading them at their abandons' own
  // shares by age, as above, was tried in session 20 and changed nothing
  // measurable — small-bank-uk 44.8 % at 1.83 % against 1.80 % — so it was not kept.)
  double abandons_w_ = 0, abandons_people_ = 0;
  int64_t abandons_seen_ = 0;
  // Routed calls placed with AMD and without it, and those whose caller heard a
  // machine, with the handles' forgetting: the share of people each kind of
  // dial reaches now (AMD's misses; every machine that answers).
  double handled_scr_ = 0, handled_scr_machine_ = 0, handled_uns_ = 0, handled_uns_machine_ = 0;
  double peopleScreened() const { return 1.0 - handled_scr_machine_ / (handled_scr_ + 1.0); }
  double peopleUnscreened() const { return 1.0 - handled_uns_machine_ / (handled_uns_ + 1.0); }
  // The legal windows in people, answer by answer (session 18). A campaign with
  // AMD that the pacer lets dial without it while callers wait reaches people on
  // a quarter of its routed calls for hours, then on nine tenths: a share
  // learned with forgetting, applied to a whole window's answers, misreads the
  // window (surge-staff seed 21 ended at 3.52 % while the pacer read 2.29 %).
  // So the pacer keeps, by hour, the routed calls it saw with the people among
  // them (the callers' verdicts) and the abandons with the people among them
  // as estimated when each was learned (by the kind of dial and, without AMD
  // on the dial, its answer age). A window's shares come from the hours
  // it spans.
  struct HourTally {
    int64_t hour = 0;
    double routed = 0, routed_people = 0, abandons = 0, abandons_people = 0;
  };
  static constexpr int64_t kWindowHours30 = 30 * 24, kWindowHours24 = 24;
  std::vector<HourTally> hours_;  // oldest first, at most kWindowHours30 + 1
  struct WindowTally {
    double routed = 0, routed_people = 0, abandons = 0, abandons_people = 0;
  };
  WindowTally w30_, w24_;  // the 30-day and 24-hour windows (whole hours)
  int64_t tallied_hour_ = -1;
  bool tally_dirty_ = true;
  HourTally& hourOf(TimePoint at);
  void updateWindows(TimePoint now);
  // The ring cut (session 19). While the line cap binds, a line is worth the
  // people it reaches per second it is held. The people answer within a few
  // rings; answering machines pick up late (15–30 s), and a dial still ringing
  // at 20 s has mostly a machine or nobody ahead of it. Dials that rang the
  // campaign's whole ring timeout, by the age they were answered (or ended)
  // at, 1 s bins: how many, the line time each held after its answer other
  // than talk (AMD's screening), and how many went to a caller (with AMD and
  // without), with forgetting; and the routed calls by answer age, with the
  // people among them (the callers' verdicts) and their talk, with the
  // handles' forgetting (late answers are mostly machines). ringCut picks the ring timeout that
  // reaches the most people per line-second (never below the legal 15 s); decide uses it while the
  // line cap binds, and lets one dial in kProbeEvery ring the whole timeout so that the late
  // answers it no longer waits for stay known.
  //   While the lines do not bind, the callers' time does (session 20). Where
  // callers hear machines (every machine that answers a dial without AMD,
  // AMD's misses with it), a late answer costs a caller a machine's greeting
  // and wrap-up far more often than it brings a person: ringCut for the
  // callers picks the ring timeout that reaches the most people per second of
  // the callers' time (the routed calls' talk and wrap-up by answer age), and
  // decide uses it while the line cap does not bind (small-bank-noamd: 46.6 %
  // talk without it, 50.8 % with it). Neither cut may miss more than
  // PacerSettings::ring_cut_max_people_loss of the people the whole timeout
  // reaches.
  static constexpr int kRingBins = 121;  // 0 … 120 s (the last bin: 120 s and more)
  std::array<double, kRingBins> ring_n_{}, ring_post_{};
  std::array<std::array<double, kRingBins>, 2> ring_routed_{};  // [0] with AMD, [1] without
  std::array<std::array<double, kRingBins>, 2> verdict_{}, verdict_people_{}, verdict_talk_{},
      verdict_handle_{};  // (handle: talk and wrap-up, the caller's time)
  double ring_w_ = 0;
  Millis full_ring_{0};  // the campaign's ring timeout (PacerInput::ring_timeout)
  double cut_s_ = 0;     // ringCut's choice for the lines at the last rebuild (s; 0: none)
  double caller_cut_s_ = 0;  // and for the callers
  bool cutting_ = false;
  int64_t since_probe_ = 0;  // dials asked for with the cut since the last whole-timeout dial
 public:
  // What a ring cut saves: line time (while the line cap binds) or the callers' time.
  enum class CutFor { kLines, kCallers };
  // The ring timeout (s, whole seconds) that reaches the most people per
  // second of line time (or of the callers' time), from the dials that rang
  // the whole timeout; full_s when the evidence is thin, no shorter timeout
  // does better by kCutGain, or (for the callers) they hear few machines.
  double ringCut(double full_s, CutFor what = CutFor::kLines) const;

 private:
  // derived
  std::array<double, kAgeBins + 2> cum_live_{}, cum_all_{}, cum_scr_{}, cum_ans_{};
  std::array<double, kAgeBins + 2> cum_people_{};  // answered dials × peopleAt their age
  std::array<double, kTalkBins + 2> cum_talk_{};
  std::array<double, kWrapBins + 2> cum_wrap_{};
  std::array<double, 3> wrap_q_{};
  // Wrap-up depends on the talk before it (a caller who heard a machine for 8 s
  // wraps up in 2, one who talked for two minutes takes 20): wrap histograms by
  // talk class (talk in [0, 12), [12, 36), [36, 108), ≥ 108 s), their
  // cumulative sums and quantiles. A class with fewer than kClassEvidence
  // records uses the pooled wrap distribution.
  static constexpr int kTalkClasses = 4;
  static constexpr std::array<double, kTalkClasses + 1> kClassEdge{0, 12, 36, 108, 1e300};
  static constexpr double kClassEvidence = 5;
  static size_t talkClass(double talk_s);
  std::array<std::array<double, kWrapBins + 1>, kTalkClasses> wrap_c_{};
  std::array<double, kTalkClasses> wrap_cw_{};
  std::array<std::array<double, kWrapBins + 2>, kTalkClasses> cum_wrap_c_{};
  std::array<std::array<double, 3>, kTalkClasses> wrap_cq_{};
  std::array<bool, kTalkClasses> class_ok_{};
  double wrapCdf(size_t cls, double t) const;  // a class's, or the pooled one's if it has too little evidence
  std::array<double, kHorizons> horizon_{};
  bool dirty_ = true;
  bool built_ = false;
  double pending_dials_ = 0, pending_handles_ = 0;  // learned since the last rebuild
  TimePoint rebuilt_at_{};
  // Memo tables (NaN = not yet computed) for releaseFast / liveFast, valid for
  // one rebuild and one routable grace.
  // (one row per bin edge, its horizons side by side; row[0] NaN = not computed).
  std::array<PerHorizon, kTalkBins + 2> rel_talk_{};
  std::array<std::array<PerHorizon, kWrapBins + 2>, kTalkClasses> rel_wrap_{};  // by talk class
  std::array<PerHorizon, kAgeBins + 2> live_age_{}, ans_age_{};  // screened, unscreened
  double memo_grace_ = -1;
  void clearMemo();
  // per-decision scratch: each busy caller's and dial's probability per horizon
  std::vector<PerHorizon> q_free_, q_demand_;  // per busy caller / dial in flight
  int64_t dial_cursor_ = 0, handle_cursor_ = 0, live_cursor_ = 0;
  int64_t own_dials_ = 0;  // dial outcomes learned from this campaign (not the priors)
  // per-decision scratch: distribution of (free − demand) per horizon
  std::array<BernoulliSum, kHorizons> dist_;
};

}  // namespace clearline::core
