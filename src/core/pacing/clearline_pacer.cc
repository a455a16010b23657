#include "core/pacing/clearline_pacer.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace clearline::core {

namespace {
constexpr double kForgetAge = 3000;  // dial records kept at full weight (≈ half-life)
constexpr double kForgetHandle = 800;
constexpr double kForgetAbandons = 200;
// Without AMD: abandons (of dials without AMD) the pacer needs before it reads
// them in people by their answer ages, and the least share of people it
// credits them with however late they were answered.
constexpr double kAbandonEvidence = 5;
constexpr double kLeastPeopleShare = 0.02;
// Prior weight (in routed calls) of the share over all routed calls in each
// answer-age bin's share of people.
constexpr double kPeoplePrior = 2;
constexpr int kExactTerms = 120;
// Outcomes of its own dials the pacer needs before it dials beyond one line per free caller.
constexpr int64_t kColdStartDials = 30;
// Live answers in a legal window before its rate steers θ (the budget rule
// binds from the first dial).
constexpr int64_t kBudgetEvidence = 30;
// Guard of the budget rule: abandons always held back, the odds (in standard
// deviations) covered for the AMD false positives nobody sees, and the lives a
// young window is credited with.
constexpr double kGuardBase = 1.0;
constexpr double kGuardZ = 1.0;
constexpr double kBorrowLives = 60;
// Budget rule: θ ≤ kSpentTheta · e^(s · abandons left after the guard), with
// s = kBudgetSlope10 · 10 / N for N active callers: the abandons left count
// relative to the team (fifty callers spend an abandon five times as fast as
// ten), so the rule throttles a large team as gently as a small one. (A fixed
// s = 1.5, session 9, held markov-50 at 88 % occupancy, 2 points under its
// target, and markov-10 at 74.8 %: docs/bench/pacing/session10.) The abandons
// left are the ledger's, and on a campaign whose abandons are mostly machines
// (a share pa of people among the next ones) the ledger allows many of them:
// s is scaled by √pa (session 20). Unscaled, small-bank-noamd's budget of 20–40
// ledger abandons left θ uncapped and was spent in bursts (its talk fell from
// 46.7 % at knob 0.024 to 43.9 % at 0.12); scaled by pa, counting the budget
// in people, markov-10 (pa = 1) would need s doubled and lost 0.3 points with
// it (75.6 % against 75.9 % at one knob). √pa leaves every campaign whose
// routed calls are all people (pa = 1: the Markov scenarios) unchanged.
// (Measured, not derived: docs/bench/pacing/README.md, "Run Q".)
constexpr double kSpentTheta = 0.001;
constexpr double kBudgetSlope10 = 0.5;
// Smooth brake: θ × exp(gain · (aim − rate)/aim), clamped to [floor, 2].
constexpr double kBrakeGain = 2.0;
constexpr double kBrakeFloor = 0.25;
constexpr double kBrakeCeiling = 2.0;
// AMD by the callers' idle time: after kAmdWarmUp of decisions, new dials go
// without AMD while callers are ready more than kAmdOffIdle of the time (averaged
// over kIdleTau) and the line cap binds less than kCappedMax of it, and with AMD
// again below kAmdOnIdle or when the line cap binds more than twice that.
constexpr double kIdleTau = 300;  // seconds
constexpr Millis kAmdWarmUp{600'000};
constexpr double kAmdOffIdle = 0.35, kAmdOnIdle = 0.2;
constexpr double kCappedMax = 0.2;
// Derived tables are rebuilt when the new outcomes since the last rebuild weigh
// 1/kRebuildShare of a histogram, or kRebuildEvery has passed.
constexpr double kRebuildShare = 128;
// The ring cut: dials that rang the whole timeout needed before ringCut reads
// them, the least gain in people per line-second worth a shorter ring, the
// shares of the time the line cap binds (averaged over kIdleTau) above which
// the cut starts and below which it stops, one dial in kProbeEvery ringing the
// whole timeout meanwhile, and the seconds AMD's verdict may come after an
// answer at the cut.
constexpr double kRingEvidence = 400;
constexpr double kCutGain = 0.02;
constexpr double kCutOnCapped = 0.5, kCutOffCapped = 0.2;
constexpr int64_t kProbeEvery = 16;
constexpr double kVerdictSlack = 2.0;
constexpr double kMinRingS = 15.0;  // the legal minimum ring (R5)
// The least share of machines among the routed calls for a ring cut that saves
// the callers' time.
constexpr double kCallerCutMachines = 0.05;
constexpr Millis kRebuildEvery{30'000};

}  // namespace

size_t ClearlinePacer::talkClass(double talk_s) {
  size_t c = 0;
  while (c + 1 < kTalkClasses && talk_s >= kClassEdge[c + 1]) ++c;
  return c;
}

ClearlinePacer::ClearlinePacer(const PacerSettings& s) : theta_(0.12), s_(s) {
  if (s.knob) theta_ = *s.knob;
  // Weak priors until the campaign's own outcomes arrive: dials resolve like
  // an exponential with the planning mean, talk and wrap split the planned
  // handle 80/20, exponentially.
  const double prior_dials = 30, prior_handles = 6;
  double res = std::max(1.0, s.mean_resolution_s);
  for (int b = 0; b < kAgeBins; ++b) {
    double t0 = b * 0.5, t1 = t0 + 0.5;
    double mass = std::exp(-t0 / res) - std::exp(-t1 / res);
    age_all_[b] += prior_dials * mass;
    age_scr_[b] += prior_dials * mass;
    age_live_[b] += prior_dials * mass * s.live_rate;
    age_ans_[b] += prior_dials * mass * s.live_rate;
  }
  age_all_[kAgeBins] += prior_dials * std::exp(-kAgeBins * 0.5 / res);
  age_scr_[kAgeBins] += prior_dials * std::exp(-kAgeBins * 0.5 / res);
  age_w_ = prior_dials;
  // Prior for P(human | answered): even odds, weak.
  answered_live_ = answered_machine_ = 1;
  double talk_mean = std::max(5.0, 0.8 * s.mean_handle_s),
         wrap_mean = std::max(1.0, 0.2 * s.mean_handle_s);
  for (int b = 0; b < kTalkBins; ++b)
    talk_[b] += prior_handles * (std::exp(-b / talk_mean) - std::exp(-(b + 1) / talk_mean));
  for (int b = 0; b < kWrapBins; ++b)
    wrap_[b] +=
        prior_handles * (std::exp(-b * 0.5 / wrap_mean) - std::exp(-(b + 1) * 0.5 / wrap_mean));
  talk_w_ = wrap_w_ = prior_handles;
}

void ClearlinePacer::learn(const PacingHistory& h, Millis ring_timeout) {
  if (full_ring_ != ring_timeout) {
    full_ring_ = ring_timeout;
    dirty_ = true;
  }
  for (int64_t i = std::max(dial_cursor_, h.dials.begin()); i < h.dials.end(); ++i) {
    const DialRecord& d = h.dials.at(i);
    if (d.ring_timeout.count() <= 0 || d.ring_timeout >= ring_timeout) {
      // Rang the whole timeout: what ringing longer is worth.
      const bool answered = d.answer_age.count() >= 0;
      const Millis at = answered ? d.answer_age : d.age;
      const auto rb = static_cast<size_t>(std::min<int64_t>(kRingBins - 1, at.count() / 1000));
      ring_n_[rb] += 1;
      if (answered)
        ring_post_[rb] +=
            std::max(0.0, static_cast<double>((d.age - d.answer_age).count()) / 1000.0);
      if (d.outcome == DialOutcome::kLive) ring_routed_[d.screened ? 0 : 1][rb] += 1;
      ring_w_ += 1;
      if (ring_w_ > 2 * kForgetAge) {
        for (auto* a : {&ring_n_, &ring_post_, &ring_routed_[0], &ring_routed_[1]})
          for (auto& x : *a) x *= 0.5;
        ring_w_ *= 0.5;
      }
    }
    int b = std::min(kAgeBins, static_cast<int>(d.age.count() / 500));
    const bool answered = d.outcome == DialOutcome::kLive || d.outcome == DialOutcome::kMachine;
    age_all_[b] += 1;
    if (answered) age_ans_[b] += 1;
    if (d.screened) {
      age_scr_[b] += 1;
      if (d.outcome == DialOutcome::kLive) age_live_[b] += 1;
      if (d.outcome == DialOutcome::kLive) answered_live_ += 1;
      if (d.outcome == DialOutcome::kMachine) answered_machine_ += 1;
    }
    age_w_ += 1;
    pending_dials_ += 1;
    own_dials_ += 1;
    if (age_w_ > 2 * kForgetAge) {
      for (auto* a : {&age_all_, &age_live_, &age_scr_, &age_ans_})
        for (auto& x : *a) x *= 0.5;
      age_w_ *= 0.5;
      answered_live_ *= 0.5;
      answered_machine_ *= 0.5;
    }
    dirty_ = true;
  }
  dial_cursor_ = h.dials.end();
  for (int64_t i = std::max(handle_cursor_, h.handles.begin()); i < h.handles.end(); ++i) {
    const HandleRecord& r = h.handles.at(i);
    talk_[std::min(kTalkBins, static_cast<int>(r.talk.count() / 1000))] += 1;
    const int wb = std::min(kWrapBins, static_cast<int>(r.wrap.count() / 500));
    wrap_[wb] += 1;
    const size_t cls = talkClass(static_cast<double>(r.talk.count()) / 1000.0);
    wrap_c_[cls][static_cast<size_t>(wb)] += 1;
    wrap_cw_[cls] += 1;
    talk_w_ += 1;
    wrap_w_ += 1;
    handled_ += 1;
    if (r.machine) handled_machine_ += 1;
    (r.screened ? handled_scr_ : handled_uns_) += 1;
    if (r.machine) (r.screened ? handled_scr_machine_ : handled_uns_machine_) += 1;
    HourTally& t = hourOf(r.at);
    t.routed += 1;
    if (!r.machine) t.routed_people += 1;
    tally_dirty_ = true;
    if (r.answer_age.count() >= 0) {
      const auto vb =
          static_cast<size_t>(std::min<int64_t>(kRingBins - 1, r.answer_age.count() / 1000));
      const size_t k = r.screened ? 0 : 1;
      verdict_[k][vb] += 1;
      if (!r.machine) verdict_people_[k][vb] += 1;
      verdict_talk_[k][vb] += static_cast<double>(r.talk.count()) / 1000.0;
      verdict_handle_[k][vb] += static_cast<double>((r.talk + r.wrap).count()) / 1000.0;
    }
    if (r.answer_age.count() >= 0) {
      const size_t b =
          std::min<size_t>(kPeopleBins - 1, static_cast<size_t>(r.answer_age.count() / 2000));
      (r.screened ? routed_scr_by_age_ : routed_by_age_)[b] += 1;
      if (!r.machine) (r.screened ? people_scr_by_age_ : people_by_age_)[b] += 1;
    }
    pending_handles_ += 1;
    if (talk_w_ > 2 * kForgetHandle) {
      for (auto& x : talk_) x *= 0.5;
      for (auto& x : wrap_) x *= 0.5;
      for (auto& row : wrap_c_)
        for (auto& x : row) x *= 0.5;
      for (auto& x : wrap_cw_) x *= 0.5;
      talk_w_ *= 0.5;
      wrap_w_ *= 0.5;
      handled_ *= 0.5;
      handled_machine_ *= 0.5;
      for (auto* x : {&handled_scr_, &handled_scr_machine_, &handled_uns_, &handled_uns_machine_})
        *x *= 0.5;
      for (auto& x : routed_by_age_) x *= 0.5;
      for (auto* a : {&verdict_, &verdict_people_, &verdict_talk_, &verdict_handle_})
        for (auto& row : *a)
          for (auto& x : row) x *= 0.5;
      for (auto* a : {&people_by_age_, &routed_scr_by_age_, &people_scr_by_age_})
        for (auto& x : *a) x *= 0.5;
    }
    dirty_ = true;
  }
  handle_cursor_ = h.handles.end();
  for (int64_t i = std::max(live_cursor_, h.live.begin()); i < h.live.end(); ++i) {
    const LiveRecord& l = h.live.at(i);
    if (!l.abandoned) continue;
    // Who this abandon probably reached, by what the pacer knows now: a dial
    // with AMD, the people among routed dials with AMD; without, the people
    // among the routed calls without AMD answered at its age (people answer
    // sooner than machines, and the early answers are the ones that find
    // every caller taken: on a campaign with AMD too, session 19).
    const double people = l.screened ? peopleScreenedAt(l.answer_age) : peopleAt(l.answer_age);
    HourTally& t = hourOf(l.at);
    t.abandons += 1;
    t.abandons_people += people;
    tally_dirty_ = true;
    if (l.screened) continue;
    abandons_w_ += 1;
    abandons_people_ += peopleAt(l.answer_age);
    abandons_seen_ += 1;
    if (abandons_w_ > 2 * kForgetAbandons) {
      abandons_w_ *= 0.5;
      abandons_people_ *= 0.5;
    }
  }
  live_cursor_ = h.live.end();
}

ClearlinePacer::HourTally& ClearlinePacer::hourOf(TimePoint at) {
  const int64_t hour = std::chrono::floor<std::chrono::hours>(at.time_since_epoch()).count();
  // Records arrive in time order, give or take a call's length: a record from an
  // earlier hour still kept goes to that hour, one older than every kept hour to
  // the oldest.
  for (size_t i = hours_.size(); i-- > 0;) {
    if (hours_[i].hour == hour) return hours_[i];
    if (hours_[i].hour < hour) {
      HourTally t;
      t.hour = hour;
      return *hours_.insert(hours_.begin() + static_cast<std::ptrdiff_t>(i) + 1, t);
    }
  }
  if (!hours_.empty()) return hours_.front();
  hours_.push_back(HourTally{hour});
  return hours_.back();
}

void ClearlinePacer::updateWindows(TimePoint now) {
  const int64_t hour = std::chrono::floor<std::chrono::hours>(now.time_since_epoch()).count();
  if (!tally_dirty_ && hour == tallied_hour_) return;
  // Hours older than the 30-day window are dropped; a window spans the hours
  // that overlap it (up to one hour more than its length).
  size_t drop = 0;
  while (drop < hours_.size() && hours_[drop].hour <= hour - kWindowHours30) ++drop;
  hours_.erase(hours_.begin(), hours_.begin() + static_cast<std::ptrdiff_t>(drop));
  w30_ = w24_ = WindowTally{};
  for (const HourTally& t : hours_) {
    for (WindowTally* w : {&w30_, &w24_}) {
      if (w == &w24_ && t.hour <= hour - kWindowHours24) continue;
      w->routed += t.routed;
      w->routed_people += t.routed_people;
      w->abandons += t.abandons;
      w->abandons_people += t.abandons_people;
    }
  }
  tallied_hour_ = hour;
  tally_dirty_ = false;
}

double ClearlinePacer::peopleAt(Millis answer_age) const {
  // (On a campaign with AMD, the routed calls with AMD are mostly people: the
  // prior is the share among those without it.)
  const double overall = amd_ ? peopleUnscreened() : 1.0 - handled_machine_ / (handled_ + 1.0);
  if (answer_age.count() < 0) return overall;
  const size_t b =
      std::min<size_t>(kPeopleBins - 1, static_cast<size_t>(answer_age.count() / 2000));
  return (people_by_age_[b] + kPeoplePrior * overall) / (routed_by_age_[b] + kPeoplePrior);
}

double ClearlinePacer::peopleScreenedAt(Millis answer_age) const {
  const double overall = peopleScreened();
  if (answer_age.count() < 0) return overall;
  const size_t b =
      std::min<size_t>(kPeopleBins - 1, static_cast<size_t>(answer_age.count() / 2000));
  return (people_scr_by_age_[b] + kPeoplePrior * overall) / (routed_scr_by_age_[b] + kPeoplePrior);
}

void ClearlinePacer::rebuild() {
  cum_live_[0] = cum_all_[0] = cum_scr_[0] = cum_ans_[0] = 0;
  for (int b = 0; b <= kAgeBins; ++b) {
    cum_live_[b + 1] = cum_live_[b] + age_live_[b];
    cum_all_[b + 1] = cum_all_[b] + age_all_[b];
    cum_scr_[b + 1] = cum_scr_[b] + age_scr_[b];
    cum_ans_[b + 1] = cum_ans_[b] + age_ans_[b];
  }
  cum_talk_[0] = 0;
  for (int b = 0; b <= kTalkBins; ++b) cum_talk_[b + 1] = cum_talk_[b] + talk_[b];
  cum_wrap_[0] = 0;
  for (int b = 0; b <= kWrapBins; ++b) cum_wrap_[b + 1] = cum_wrap_[b] + wrap_[b];
  // Wrap quantiles (1/6, 1/2, 5/6) for the talk → release convolution.
  const double qs[3] = {1.0 / 6, 0.5, 5.0 / 6};
  double tot = cum_wrap_[kWrapBins + 1];
  for (int i = 0; i < 3; ++i) {
    int b = 0;
    while (b < kWrapBins && cum_wrap_[b + 1] < qs[i] * tot) ++b;
    wrap_q_[static_cast<size_t>(i)] = (b + 0.5) * 0.5;
  }
  // The same by talk class.
  for (size_t c = 0; c < kTalkClasses; ++c) {
    auto& cum = cum_wrap_c_[c];
    cum[0] = 0;
    for (size_t b = 0; b <= kWrapBins; ++b) cum[b + 1] = cum[b] + wrap_c_[c][b];
    class_ok_[c] = wrap_cw_[c] >= kClassEvidence;
    if (!class_ok_[c]) {
      wrap_cq_[c] = wrap_q_;
      continue;
    }
    for (int i = 0; i < 3; ++i) {
      int b = 0;
      while (b < kWrapBins && cum[static_cast<size_t>(b) + 1] < qs[i] * cum[kWrapBins + 1]) ++b;
      wrap_cq_[c][static_cast<size_t>(i)] = (b + 0.5) * 0.5;
    }
  }
  // Horizons: quartiles of the routable-answer age of the people. With AMD on,
  // of the answers AMD passes. Without it every answer needs a caller, but the
  // law counts the people only, and they answer sooner than machines: of every
  // answer, each weighed by the share of people the callers found at its age
  // (session 17; 1 where they never marked a machine, so the quartiles of every
  // answer).
  if (!amd_) {
    cum_people_[0] = 0;
    for (int b = 0; b <= kAgeBins; ++b)
      cum_people_[b + 1] = cum_people_[b] + age_ans_[b] * peopleAt(Millis(b * 500));
  }
  const auto& cum_h = amd_ ? cum_live_ : cum_people_;
  double live_tot = cum_h[kAgeBins + 1];
  const double hq[kHorizons] = {0.25, 0.5, 0.75};
  for (int i = 0; i < kHorizons; ++i) {
    int b = 0;
    while (b < kAgeBins && cum_h[b + 1] < hq[i] * live_tot) ++b;
    horizon_[static_cast<size_t>(i)] = (b + 0.5) * 0.5;
  }
  if (full_ring_.count() > 0) {
    const double full_s = static_cast<double>(full_ring_.count()) / 1000.0;
    cut_s_ = ringCut(full_s, CutFor::kLines);
    caller_cut_s_ = ringCut(full_s, CutFor::kCallers);
  }
  dirty_ = false;
  built_ = true;
  pending_dials_ = pending_handles_ = 0;
  clearMemo();
}

double ClearlinePacer::ringCut(double full_s, CutFor what) const {
  if (ring_w_ < kRingEvidence || full_s <= kMinRingS) return full_s;
  const bool lines = what == CutFor::kLines;
  // Who a routed call answered at age b reaches, and how long it holds the
  // line talking, by the callers' verdicts and talk on the routed calls
  // answered at that age (AMD's misses and, without AMD, every machine answer
  // late), each bin pulled towards its kind's whole share and mean.
  std::array<double, 2> all_n{}, all_people{}, all_talk{}, all_handle{};
  for (size_t k = 0; k < 2; ++k)
    for (int b = 0; b < kRingBins; ++b) {
      all_n[k] += verdict_[k][static_cast<size_t>(b)];
      all_people[k] += verdict_people_[k][static_cast<size_t>(b)];
      all_talk[k] += verdict_talk_[k][static_cast<size_t>(b)];
      all_handle[k] += verdict_handle_[k][static_cast<size_t>(b)];
    }
  // The callers' time is worth saving only where they hear machines.
  if (!lines && all_people[0] + all_people[1] > (1.0 - kCallerCutMachines) * (all_n[0] + all_n[1]))
    return full_s;
  // Ringing for t seconds (whole seconds: answers in bins [0, t) come in time):
  // the people reached, and the line-seconds spent — ringing (min(age, t)),
  // AMD's screening after an answer, and the routed calls' talk — or the
  // callers' seconds spent: the routed calls' talk and wrap-up.
  // (Every candidate's people and rate first: the people the whole timeout
  // reaches bound what a cut may miss.)
  double people = 0, cost_in = 0, n_in = 0, n_total = 0;
  for (double x : ring_n_) n_total += x;
  // (A timeout beyond the last bin, 120 s, is read as 120 s: the whole ring's
  // people and rate are those of a 120 s ring. No campaign rings that long.)
  const int last = std::min(kRingBins - 1, static_cast<int>(std::floor(full_s)));
  std::array<double, kRingBins> people_at{}, rate_at{};  // [t]: a t-second ring (bins 0 … t−1)
  for (int b = 0; b < last; ++b) {
    const auto i = static_cast<size_t>(b);
    if (lines) cost_in += ring_n_[i] * (b + 0.5) + ring_post_[i];
    for (size_t k = 0; k < 2; ++k) {
      if (ring_routed_[k][i] <= 0) continue;
      if (all_n[k] <= 0) return full_s;  // no verdicts yet on this kind's routed calls
      const double w = verdict_[k][i] + kPeoplePrior;
      const double share = (verdict_people_[k][i] + kPeoplePrior * all_people[k] / all_n[k]) / w;
      const double held =
          lines ? (verdict_talk_[k][i] + kPeoplePrior * all_talk[k] / all_n[k]) / w
                : (verdict_handle_[k][i] + kPeoplePrior * all_handle[k] / all_n[k]) / w;
      people += ring_routed_[k][i] * share;
      cost_in += ring_routed_[k][i] * held;
    }
    n_in += ring_n_[i];
    const int t = b + 1;  // a ring timeout of t seconds keeps bins 0 … b
    if (t < kMinRingS) continue;
    const double cost = cost_in + (lines ? static_cast<double>(t) * (n_total - n_in) : 0.0);
    people_at[static_cast<size_t>(t)] = people;
    rate_at[static_cast<size_t>(t)] = cost > 0 ? people / cost : 0.0;
  }
  const auto lastz = static_cast<size_t>(last);
  const double full_rate = rate_at[lastz], least = (1.0 - s_.ring_cut_max_people_loss) * people;
  if (full_rate <= 0) return full_s;
  double best_t = full_s, best_rate = full_rate * (1.0 + kCutGain);
  for (int t = static_cast<int>(std::ceil(kMinRingS)); t < last; ++t) {
    const auto tz = static_cast<size_t>(t);
    if (people_at[tz] >= least && rate_at[tz] > best_rate) {
      best_rate = rate_at[tz];
      best_t = t;
    }
  }
  return best_t;
}

bool ClearlinePacer::rebuildDue(TimePoint now) const {
  if (!dirty_) return false;
  if (!built_) return true;
  return pending_dials_ * kRebuildShare >= age_w_ || pending_handles_ * kRebuildShare >= talk_w_ ||
         now - rebuilt_at_ >= kRebuildEvery || now < rebuilt_at_;
}

void ClearlinePacer::clearMemo() {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (auto& row : rel_talk_) row[0] = nan;
  for (auto& table : rel_wrap_)
    for (auto& row : table) row[0] = nan;
  for (auto& row : live_age_) row[0] = nan;
  for (auto& row : ans_age_) row[0] = nan;
}

namespace {
// Piecewise-linear cumulative lookup on bins of width w.
template <size_t N>
double cumAt(const std::array<double, N>& cum, double x, double w) {
  if (x <= 0) return 0;
  double pos = x / w;
  size_t i = static_cast<size_t>(pos);
  if (i + 1 >= N) return cum[N - 1];
  double f = pos - static_cast<double>(i);
  return cum[i] + f * (cum[i + 1] - cum[i]);
}
}  // namespace

double ClearlinePacer::liveWithin(double a, double h, bool screened) const {
  const auto& all = screened ? cum_scr_ : cum_all_;
  const auto& routable = screened ? cum_live_ : cum_ans_;
  double total = all[kAgeBins + 1];
  double left = total - cumAt(all, a, 0.5);
  if (left <= 1e-9) return 0;
  double live = cumAt(routable, a + h, 0.5) - cumAt(routable, a, 0.5);
  return std::clamp(live / left, 0.0, 1.0);
}

double ClearlinePacer::talkCdf(double t) const {
  return cumAt(cum_talk_, t, 1.0) / cum_talk_[kTalkBins + 1];
}
double ClearlinePacer::wrapCdf(size_t cls, double t) const {
  if (!class_ok_[cls]) return cumAt(cum_wrap_, t, 0.5) / cum_wrap_[kWrapBins + 1];
  return cumAt(cum_wrap_c_[cls], t, 0.5) / cum_wrap_c_[cls][kWrapBins + 1];
}

namespace {
// Linear interpolation of a memo table at pos (in bins; 0 ≤ pos < N − 1),
// computing the two bin edges' rows with fill(bin, row) on first use.
template <size_t N, typename Fill>
std::array<double, 3> memoAt(std::array<std::array<double, 3>, N>& tab, double pos, Fill&& fill) {
  const size_t i = static_cast<size_t>(pos);
  const double f = pos - static_cast<double>(i);
  auto& a = tab[i];
  if (std::isnan(a[0])) fill(i, a);
  if (f == 0) return a;
  auto& b = tab[i + 1];
  if (std::isnan(b[0])) fill(i + 1, b);
  return {a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])};
}
}  // namespace

ClearlinePacer::PerHorizon ClearlinePacer::releaseFast(const CallerView& c) {
  static_assert(kHorizons == 3);
  auto exact = [&](const CallerView& x, PerHorizon& out) {
    for (size_t h = 0; h < kHorizons; ++h) out[h] = releaseWithin(x, horizon_[h] + memo_grace_);
  };
  PerHorizon out;
  if (c.state == CallerState::kWrapUp) {
    const double pos = static_cast<double>(c.in_state.count()) * (1.0 / 500.0);
    if (!(pos >= 0) || pos >= kWrapBins) {
      exact(c, out);
      return out;
    }
    const size_t cls = talkClass(static_cast<double>(c.talk_elapsed.count()) / 1000.0);
    return memoAt(rel_wrap_[cls], pos, [&](size_t b, PerHorizon& row) {
      CallerView x;
      x.state = CallerState::kWrapUp;
      x.in_state = Millis(static_cast<int64_t>(b) * 500);
      x.talk_elapsed = c.talk_elapsed;  // (its talk class is what matters)
      exact(x, row);
    });
  }
  const double pos = c.state == CallerState::kOnCall
                         ? static_cast<double>(c.talk_elapsed.count()) * (1.0 / 1000.0)
                         : 0.0;
  if (!(pos >= 0) || pos >= kTalkBins) {
    exact(c, out);
    return out;
  }
  return memoAt(rel_talk_, pos, [&](size_t b, PerHorizon& row) {
    CallerView x;
    x.state = CallerState::kOnCall;
    x.talk_elapsed = Millis(static_cast<int64_t>(b) * 1000);
    exact(x, row);
  });
}

ClearlinePacer::PerHorizon ClearlinePacer::liveFast(double age_s, bool screened) {
  auto exact = [&](double a, PerHorizon& out) {
    for (size_t h = 0; h < kHorizons; ++h) out[h] = liveWithin(a, horizon_[h], screened);
  };
  const double pos = age_s * 2.0;  // 0.5 s bins
  if (!(pos >= 0) || pos >= kAgeBins) {
    PerHorizon out;
    exact(age_s, out);
    return out;
  }
  return memoAt(screened ? live_age_ : ans_age_, pos,
                [&](size_t b, PerHorizon& row) { exact(static_cast<double>(b) * 0.5, row); });
}

double ClearlinePacer::releaseWithin(const CallerView& c, double t) const {
  if (c.state == CallerState::kWrapUp) {
    // The wrap distribution of the talk class this caller's call fell in
    // (CallerView::talk_elapsed is the talk's length during wrap-up).
    const size_t cls = talkClass(static_cast<double>(c.talk_elapsed.count()) / 1000.0);
    double w0 = static_cast<double>(c.in_state.count()) / 1000.0;
    double surv = 1.0 - wrapCdf(cls, w0);
    if (surv < 1e-6) return 1.0 - std::exp(-t / 10.0);
    return std::clamp((wrapCdf(cls, w0 + t) - wrapCdf(cls, w0)) / surv, 0.0, 1.0);
  }
  double e =
      c.state == CallerState::kOnCall ? static_cast<double>(c.talk_elapsed.count()) / 1000.0 : 0.0;
  double surv = 1.0 - talkCdf(e);
  if (surv < 1e-6) return std::clamp(t / (t + 60.0), 0.0, 1.0);
  // P(the talk ends, and the wrap-up of its talk class after it, within t |
  // talk > e): class by class, each class's three wrap quantiles.
  double p = 0;
  for (size_t cls = 0; cls < kTalkClasses; ++cls) {
    const double lo = std::max(e, kClassEdge[cls]);
    for (double w : wrap_cq_[cls]) {
      const double hi = std::min(e + t - w, kClassEdge[cls + 1]);
      if (hi > lo) p += talkCdf(hi) - talkCdf(lo);
    }
  }
  return std::clamp(p / 3.0 / surv, 0.0, 1.0);
}

ClearlinePacer::BudgetView ClearlinePacer::budgetView(const PacerInput& in) const {
  BudgetView v;
  const AbandonmentBudget& b = in.budget;
  const double c = in.cap_pct / 100.0;
  // False positives happen only among the people whose verdict came in time
  // (the others were routed when AMD yielded to the grace).
  const double f = in.amd ? std::clamp(s_.amd_false_positive, 0.0, 0.5) *
                                std::clamp(in.amd_verdict_share, 0.0, 1.0)
                          : 0.0;
  // The ledger counts every routed answer as a live one, but some were machines:
  // every answer of a dial placed without AMD, and AMD's misses. The law counts
  // people only, so the windows are read in people. Nobody knows whom an
  // abandoned call reached; this is the "reasoned estimate" Ofcom allows
  // operators without AMD, and the guard below covers its uncertainty.
  //  - Routed answers: at the share of people among the routed calls of the
  //    window's hours (the callers' verdicts; session 18).
  //  - Abandons: each at the share of people estimated when it was learned
  //    (learn: by the kind of dial, and without AMD on the campaign by its
  //    answer age, session 17), summed over the window's hours, once the
  //    window holds kAbandonEvidence of them. Abandons a window holds beyond
  //    those the pacer saw (from before a restart) at the share over all
  //    routed calls now.
  //  - The slack is counted in the abandons to come: those of the dials the
  //    pacer places now, at the share their kind reaches now.
  const double m = handled_machine_ / (handled_ + 1.0);
  const double people = 1.0 - m;
  const bool screening = in.amd && screen_;
  const bool by_age = abandons_seen_ >= kAbandonEvidence;
  const double pa_next = screening ? peopleScreened()
                         : by_age  ? std::max(kLeastPeopleShare, abandons_people_ / abandons_w_)
                         : in.amd  ? std::max(kLeastPeopleShare, peopleUnscreened())
                                   : people;
  v.pa_next = pa_next;
  bool have = false;
  auto consider = [&](int64_t answered, int64_t abandoned, const WindowTally& w,
                      bool young_counts) {
    const double routed = static_cast<double>(answered - abandoned);
    const double pr = 1.0 - (w.routed - w.routed_people) / (w.routed + 1.0);
    const bool aged_ok = w.abandons >= kAbandonEvidence;
    const double pa =
        aged_ok ? std::max(kLeastPeopleShare, w.abandons_people / w.abandons) : people;
    // The ledger's abandons read at their own shares (at most as many as the pacer saw), and the
    // rest.
    const double aged = aged_ok ? std::min(static_cast<double>(abandoned), w.abandons) : 0.0;
    const double rest = static_cast<double>(abandoned) - aged;
    const double abandoned_people = pa * aged + people * rest;
    const double people_lives = pr * routed + abandoned_people;
    const double fp = f / (1.0 - f) * people_lives;
    const double lives = people_lives + fp;
    const double abandons = abandoned_people + fp;
    // Smooth brake: the window with the higher rate, once it has evidence.
    if (answered >= kBudgetEvidence) {
      const double rate = 100.0 * abandons / lives;
      if (rate > v.rate_pct || v.rate_lives < kBudgetEvidence) {
        v.rate_pct = rate;
        v.rate_lives = answered;
      }
    }
    // Hard rule: the window with the least slack (abandons the cap still allows
    // at the lives so far), less a guard for what is estimated, not seen: the
    // false positives (their count's spread, √fp, shrinks relative to the lives
    // as they accumulate) and the drift of future ones (a run of the next lives
    // at rate f can take the slack down by at most z²·f / 4(c − f) at odds z),
    // plus one abandon always held back, plus the spread of the people among
    // the ledger's abandons (binomial, at odds z). A window with few lives is
    // credited kBorrowLives of them (about one abandon at a 3 % cap): its first
    // dials may risk what the lives to come will dilute.
    const double guard = kGuardBase + kGuardZ * std::sqrt(fp) +
                         (f > 0 ? kGuardZ * kGuardZ * f / (4.0 * std::max(c - f, 0.002)) : 0.0) +
                         kGuardZ * std::sqrt(pa * (1.0 - pa) * aged + rest * people * m);
    // The 24-hour window counts once it has evidence: a day that has just begun
    // does not throttle a campaign whose 30 days have room (the UK's calendar
    // day fills within the first hour of a shift).
    if (!young_counts && answered < kBudgetEvidence) return;
    const double left = (c * std::max(lives, kBorrowLives) - abandons - guard) / pa_next;
    if (!have || left < v.left) v.left = left;
    have = true;
  };
  consider(b.answered_30d, b.abandoned_30d, w30_, true);
  consider(b.answered_24h, b.abandoned_24h, w24_, false);
  return v;
}

PacerDecision ClearlinePacer::decide(const PacerInput& in) {
  PacerDecision out;
  if (in.amd != amd_) {  // the horizons follow what needs a caller
    amd_ = in.amd;
    dirty_ = true;
    built_ = false;
  }
  if (in.history) learn(*in.history, in.ring_timeout);
  updateWindows(in.now);
  if (rebuildDue(in.now)) {
    rebuild();
    rebuilt_at_ = in.now;
  }
  CallerCounts cc = countCallers(in);
  if (cc.active() <= 0) return out;

  // Budget over the legal windows, counted as the law counts them: the ledger's
  // live answers and abandons plus the AMD false positives it cannot see (a
  // share f of humans, each a live answer and an abandon; f/(1 − f) of every
  // human the runtime saw).
  const BudgetView bv = budgetView(in);
  // Smooth brake: θ follows the realised rate against the aim — the target, and
  // with few callers (whose abandons come in lumps) at most cap · (1 − 1/N).
  double theta = theta_;
  if (bv.rate_lives < kBudgetEvidence) {
    theta *= 0.5;  // cold start: little evidence yet
  } else {
    const double aim = std::min(in.target_pct, in.cap_pct * (1.0 - 1.0 / std::max(2, cc.active())));
    double m = std::exp(kBrakeGain * (aim - bv.rate_pct) / std::max(aim, 0.1));
    theta *= std::clamp(m, kBrakeFloor, kBrakeCeiling);
    if (bv.rate_pct >= 0.95 * in.cap_pct) theta *= 0.1;
  }
  // Budget rule: however generous the knob, θ may not exceed what the
  // stricter window's budget left (after the guard) affords —
  // kSpentTheta · e^(s · left): the most cautious predictive dialing when the
  // budget is spent, no limit some abandons (N/5 or so) away from it. Smooth, so
  // that it throttles instead of switching between bursts and progressive.
  const double slope = kBudgetSlope10 * 10.0 / std::max(1, cc.active()) * std::sqrt(bv.pa_next);
  // (θ ≥ 0.001 · e^−15 ≈ 3e-10, far above the exact distribution's trimming error.)
  theta = std::min(theta, kSpentTheta * std::exp(std::max(slope * bv.left, -15.0)));

  int cap = 5 * cc.active() + 10;
  if (in.line_cap > 0) cap = std::min(cap, in.line_cap - in.lines_in_use);
  if (!s_.measured && own_dials_ < kColdStartDials) {
    // Cold start: default priors may be far from this list (the daemon knows no contact
    // rate up front). One line for each ready caller that no dial in flight, call in AMD
    // screening or waiting callee already claims, until the pacer has its own evidence.
    out.dial = std::clamp(
        cc.ready - static_cast<int>(in.in_flight.size()) - in.screening - in.answered_waiting, 0,
        std::max(cap, 0));
    return out;
  }

  chooseScreening(in, cc);
  out.screen = screen_;
  // The ring cut, while the line cap binds (its share of the time averaged by
  // chooseScreening); one dial in kProbeEvery rings the whole timeout.
  if (!cutting_ && capped_ > kCutOnCapped)
    cutting_ = true;
  else if (cutting_ && capped_ < kCutOffCapped)
    cutting_ = false;
  const double full_s = static_cast<double>(in.ring_timeout.count()) / 1000.0;
  double ring_s = full_s;
  // While the lines do not bind, the cut that saves the callers' time.
  const double cut_to = cutting_ ? cut_s_ : caller_cut_s_;
  const bool cut = cut_to > 0 && cut_to < full_s;
  const bool probe = cut && since_probe_ >= kProbeEvery;
  if (cut && !probe) {
    ring_s = cut_to;
    out.ring_timeout = Millis(static_cast<int64_t>(std::llround(cut_to * 1000)));
  }
  if (cap <= 0) return out;  // every line the cap allows is taken: nothing to weigh
  const bool screen = in.amd && screen_;
  // A dial without AMD is routable at its answer, with the whole grace.
  const double grace =
      static_cast<double>((screen ? in.routable_grace : in.grace).count()) / 1000.0;
  const int busy_terms = cc.busy();
  const int flight = static_cast<int>(in.in_flight.size());
  const bool exact = busy_terms + flight + in.screening < kExactTerms;
  const double human_share = answered_live_ / (answered_live_ + answered_machine_);
  if (grace != memo_grace_) {
    clearMemo();
    memo_grace_ = grace;
  }
  // Each busy caller's chance of freeing, and each dial's of turning into a
  // routable answer, within each horizon (from the memo tables).
  // (Sized first and written in place: push_back per row costs more than the row.)
  q_free_.resize(in.callers.size());
  size_t nf = 0;
  for (const auto& c : in.callers) {
    if (isBusy(c.state)) q_free_[nf++] = releaseFast(c);
  }
  q_free_.resize(nf);
  q_demand_.resize(in.in_flight.size());
  for (size_t i = 0; i < in.in_flight.size(); ++i) {
    const DialView& f = in.in_flight[i];
    const double age = static_cast<double>(f.age.count()) / 1000.0;
    const bool scr = in.amd && f.screened;
    q_demand_[i] = liveFast(age, scr);
    if (f.ring_timeout.count() > 0 && f.ring_timeout < in.ring_timeout) {
      // Cancelled unanswered at its ring timeout: no routable answer after it.
      const double left =
          static_cast<double>(f.ring_timeout.count()) / 1000.0 + (scr ? kVerdictSlack : 0.0) - age;
      // (The same value for every horizon past the timeout: looked up once.)
      double within_left = -1;
      for (size_t h = 0; h < kHorizons; ++h) {
        if (!(horizon_[h] > left)) continue;
        if (within_left < 0) within_left = left > 0 ? liveWithin(age, left, scr) : 0.0;
        q_demand_[i][h] = within_left;
      }
    }
  }
  // Most decisions place no predictive dial: the first dial's risk, the mean
  // of the horizons' P(free − demand ≤ 0), is already above θ. The horizons'
  // risks are all ≥ 0, so once those computed so far exceed 3θ the rest cannot
  // bring the mean under θ (floating-point addition and division are monotone:
  // the decision is bit for bit the one the whole sum gives), and the other
  // horizons' distributions are not built. On mid-bank that spares a third of
  // the convolutions (the first horizon alone settles 42 % of the decisions
  // that dial nothing, two settle 81 %).
  const int progressive = std::max(0, cc.ready - flight - in.screening - in.answered_waiting);
  double risk_so_far = 0;
  for (int h = 0; h < kHorizons; ++h) {
    // The certain part: ready callers minus callees already waiting.
    BernoulliSum& d = dist_[static_cast<size_t>(h)];
    d.reset(cc.ready - in.answered_waiting, exact);
    d.addColumn(q_free_, static_cast<size_t>(h), +1);
    d.addColumn(q_demand_, static_cast<size_t>(h), -1);
    // Calls in AMD screening: their verdict comes within a second or two, well
    // inside every horizon; the humans among them are demand the other pacers
    // do not see (they are no longer ringing, not yet waiting).
    for (int i = 0; i < in.screening; ++i) d.add(human_share, -1);
    risk_so_far += d.atMost(0);
    if (h + 1 < kHorizons && risk_so_far / kHorizons > theta) {
      return settle(out, 0, progressive, cap, probe, cut);
    }
  }

  PerHorizon fresh = liveFast(0.0, screen);  // a dial placed now
  if (ring_s < full_s) {
    const double left = ring_s + (screen ? kVerdictSlack : 0.0);
    for (size_t h = 0; h < kHorizons; ++h)
      if (horizon_[h] > left) fresh[h] = liveWithin(0.0, left, screen);
  }
  int n = 0;
  while (n < cap) {
    double pab = 0;
    for (const auto& d : dist_) pab += d.atMost(0);  // P(free − demand ≤ 0)
    pab /= kHorizons;
    if (pab > theta) break;
    for (size_t h = 0; h < kHorizons; ++h) dist_[h].add(fresh[h], -1);
    ++n;
  }
  return settle(out, n, progressive, cap, probe, cut);
}

PacerDecision ClearlinePacer::settle(PacerDecision out, int n, int progressive, int cap, bool probe,
                                     bool cut) {
  // Never fewer than one line per ready caller that nothing claims yet: those
  // dials put no callee at risk (however small θ has become).
  out.dial = std::max(n, std::min(progressive, std::max(cap, 0)));
  // A probe is one dial: the rest of a burst goes at the next decision (a tick
  // or an event later) with the cut, so that one dial in kProbeEvery + 1 rings
  // the whole timeout however many a decision asks for. (The one exception to
  // "never fewer than progressive": ready callers wait that long. Asking to
  // decide again at once, wake_at now, was tried in session 20: with it a
  // surge-staff replication went to 3.09 %, so it was not kept.)
  if (probe && out.dial > 1) out.dial = 1;
  if (probe && out.dial > 0) since_probe_ = 0;
  if (cut && !probe) since_probe_ += out.dial;
  return out;
}

void ClearlinePacer::chooseScreening(const PacerInput& in, const CallerCounts& cc) {
  // AMD's false positives are abandons (2 % of the people answering on a typical
  // detector): two thirds of a 3 % budget spent before any predictive dial. A
  // team whose callers wait for calls much of the time anyway — few callers, or
  // a budget that holds the pacing back — gets more conversations by letting
  // its callers hear the machines and spending the whole budget on pacing; a
  // busy team would lose more talk time to machines than pacing could win back.
  // With the line cap binding, AMD frees lines sooner: it stays on.
  const double idle = static_cast<double>(cc.ready) / std::max(1, cc.active());
  const double capped = in.line_cap > 0 && in.lines_in_use >= in.line_cap - 1 ? 1.0 : 0.0;
  if (idle_ < 0) {
    idle_ = idle;
    capped_ = capped;
    first_seen_ = in.now;
  } else {
    // Since the last decision the shares were the ones seen then (they change
    // only at events, and the runtime decides on events).
    const double dt = std::max(0.0, std::chrono::duration<double>(in.now - idle_at_).count());
    const double w = 1.0 - std::exp(-dt / kIdleTau);
    idle_ += w * (idle_then_ - idle_);
    capped_ += w * (capped_then_ - capped_);
  }
  idle_then_ = idle;
  capped_then_ = capped;
  idle_at_ = in.now;
  if (!in.amd || !s_.amd_when_idle || in.now - first_seen_ < kAmdWarmUp) return;
  if (screen_ && idle_ > kAmdOffIdle && capped_ < kCappedMax) {
    screen_ = false;
  } else if (!screen_ && (idle_ < kAmdOnIdle || capped_ > 2 * kCappedMax)) {
    screen_ = true;
  }
}

}  // namespace clearline::core
