#include "sim/simulator.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>
#include <string>

#include "core/pacing/registry.h"

namespace clearline::sim {
namespace {
// The number the simulator wrote after a fixed prefix ("+1…" numbers carry the
// tape index, "a…" refs the agent index); parsed in place, without a copy.
int64_t numberAfter(const std::string& s, size_t prefix) {
  int64_t v = 0;
  std::from_chars(s.data() + std::min(prefix, s.size()), s.data() + s.size(), v);
  return v;
}

using core::CallerState;
using core::HangupCause;
using core::TelephonyEvent;
using K = TelephonyEvent::Kind;

// Monday 2026-01-05 00:00 UTC: shifts start at 09:00 on consecutive days.
constexpr int64_t kEpochMs = 1767571200000;
constexpr int64_t kDayMs = 86400000;
constexpr int64_t kShiftStartMs = 9 * 3600000;
constexpr int64_t kMinRingMs = static_cast<int64_t>(Scenario::kMinRingS * 1000);
constexpr int64_t kLeadBase = 2000000000;

enum class Outcome : uint8_t { kHuman, kMachine, kNoAnswer, kBusy };

enum class Ev : uint8_t {
  kTick,
  kWake,
  kAnswer,
  kGreetingEnd,
  kVerdict,
  kFail,
  kBridged,
  kTalkEnd,
  kEndNow,
  kSafeHarborEnd,
  kWrapEnd,
  kLegUp,
  kStaff,        // staffing step: a = step index
  kChurnOut,
  kChurnIn,
  kShiftStart,
  kShiftEnd,
  kTimeline,
};

// An event's time and its sequence number (the order events at one instant
// were pushed in) packed into one key, so that the heap compares one integer:
// 33 bits of milliseconds (99 days; scenarios run at most 60, and an event
// due later, say after a talk time drawn from a long tail, is kept at the last
// one: the run ends at the first event past its end either way) over 31 bits
// of sequence (2^31 events a run; the simulator stops with an error beyond).
constexpr int kSeqBits = 31;
constexpr uint64_t kSeqLimit = uint64_t{1} << kSeqBits;
constexpr int64_t kLastEventMs = (int64_t{1} << (64 - kSeqBits)) - 1;
struct Event {
  uint64_t key;
  int64_t b;   // call id
  int32_t a;   // agent or step
  Ev type;
  int64_t t() const { return static_cast<int64_t>(key >> kSeqBits); }
};
struct EventCmp {
  bool operator()(const Event& x, const Event& y) const { return x.key > y.key; }
};

struct SimCall {
  int64_t lead = -1;
  Outcome outcome = Outcome::kBusy;
  bool fp = false;           // a human that AMD will call a machine
  bool fn = false;           // a machine that AMD will call human
  bool answered = false, routable = false, bridged = false, ended = false, abandoned = false;
  bool counted = false;      // judged (live answers only)
  bool amd = false;          // dialed with AMD (OriginateRequest::detect_machine)
  int64_t t_dial = 0, t_answer = 0, t_ref = 0, t_bridged = 0;
  int agent = -1;
  int64_t need_at = 0, need_handle = 0;  // oracle: when it will need a caller, and for how long
};

std::vector<SimCall>& callPool() {
  thread_local std::vector<SimCall> pool;
  return pool;
}

struct SimAgent {
  std::string ref;
  bool logged_in = false;     // per the runtime (leg up .. leg closed)
  bool intended = false;      // per the agent tape
  bool busy = false;
  int64_t ready_since = -1;   // for wait-between-calls
  int64_t call = -1;
};

class SimLedger final : public core::AbandonmentLedger {
 public:
  bool uk = false;
  int64_t day_answered = 0, day_abandoned = 0, all_answered = 0, all_abandoned = 0;
  void recordLiveAnswer(CampaignId, CallId, TimePoint, bool abandoned, bool) override {
    day_answered++;
    all_answered++;
    if (abandoned) {
      day_abandoned++;
      all_abandoned++;
    }
  }
  core::AbandonmentBudget budget(CampaignId, TimePoint, double cap_pct) const override {
    core::AbandonmentBudget b;
    b.answered_24h = day_answered;
    b.abandoned_24h = day_abandoned;
    b.answered_30d = all_answered;
    b.abandoned_30d = all_abandoned;
    b.rate_24h = day_answered ? 100.0 * static_cast<double>(day_abandoned) / static_cast<double>(day_answered) : 0;
    b.rate_30d = all_answered ? 100.0 * static_cast<double>(all_abandoned) / static_cast<double>(all_answered) : 0;
    double c = cap_pct / 100.0;
    auto rem = [c](int64_t ans, int64_t ab) {
      double x = (c * static_cast<double>(ans) - static_cast<double>(ab)) / (1.0 - c);
      return x > 0 ? static_cast<int64_t>(std::floor(x)) : int64_t{0};
    };
    b.remaining_abandons = uk ? rem(day_answered, day_abandoned) : rem(all_answered, all_abandoned);
    return b;
  }
};

class AllowAll final : public core::DialAuthorizer {
 public:
  core::Decision authorize(const core::DialAttempt&, TimePoint) override {
    core::Decision d;
    d.verdict = core::Verdict::kAllow;
    return d;
  }
};

class Simulator;

// The clairvoyant oracle: knows every lead's fate and every caller's release
// time; dials each live lead so that it answers just after a caller frees.
class OraclePacer final : public core::Pacer {
 public:
  explicit OraclePacer(Simulator* sim) : sim_(sim) {}
  std::string_view name() const override { return "oracle"; }
  core::PacerDecision decide(const core::PacerInput& in) override;
  bool readsViews() const override { return false; }

 private:
  Simulator* sim_;
  std::vector<int64_t> free_;                        // callers' release times (scratch)
  std::vector<std::pair<int64_t, int64_t>> pend_;   // (needs a caller at, handle) (scratch)
  std::set<std::pair<int64_t, int64_t>> pool_;  // (routable delay, lead)
  int64_t scan_ = 0;
};

class Simulator final : public core::Telephony {
 public:
  Simulator(const Scenario& sc, const RunOptions& opt)
      : sc_(sc),
        opt_(opt),
        agent_rng_(opt.seed, 0xA6E27ULL),
        tape_(sc.tapes ? sc.tapes->get(FateModel::of(sc), opt.seed)
                       : std::make_shared<LeadTape>(FateModel::of(sc), opt.seed)) {
    ledger_.uk = sc.jurisdiction == "UK";
    // The call table of the previous run on this thread, emptied: its memory
    // is already paged in (a fresh one is page-faulted and copied as it grows).
    calls_.swap(callPool());
    calls_.clear();
  }
  ~Simulator() override {
    calls_.clear();
    callPool().swap(calls_);
  }

  Status setUp();
  RunResult run();

  // ---- Telephony ----
  void originate(const core::OriginateRequest& req) override;
  void hangup(CallId call, HangupCause cause) override;
  void bridge(CallId call, const std::string& caller_ref) override;
  void playSafeHarbor(CallId call) override;
  void openCallerLeg(const std::string& ref) override;
  void closeCallerLeg(const std::string& ref) override;
  bool trunkUp() const override { return true; }

  // ---- oracle access ----
  const Fate& fate(int64_t lead) {
    const size_t k = static_cast<size_t>(lead) / LeadTape::kChunk;
    if (k >= chunks_.size()) chunks_.resize(k + 1, nullptr);
    if (!chunks_[k]) chunks_[k] = tape_->chunk(k);
    return chunks_[k][static_cast<size_t>(lead) % LeadTape::kChunk];
  }
  // A fate this run has already drawn (a dialed lead's).
  const Fate& drawn(int64_t lead) const {
    return chunks_[static_cast<size_t>(lead) / LeadTape::kChunk]
                  [static_cast<size_t>(lead) % LeadTape::kChunk];
  }
  int64_t nextLeadIndex() const { return next_lead_dialed_; }
  // Routable delay (dial → needs a caller) and handle (talk + wrap) of a lead
  // if dialed at `t_dial`; routable = false when it will never need a caller.
  bool leadNeedsCaller(int64_t lead, int64_t t_dial, int64_t* delay_ms, int64_t* handle_ms);
  int64_t now() const { return now_; }
  bool overflowed() const { return overflow_; }
  void oracleEnqueue(int64_t lead) { addLead(lead); }
  void agentReleaseTimes(std::vector<int64_t>& out);
  void pendingRoutables(std::vector<std::pair<int64_t, int64_t>>& out);  // (routable at, handle)

 private:
  TimePoint tp(int64_t t) const { return fromEpochMillis(kEpochMs + t); }
  void push(int64_t t, Ev type, int32_t a = 0, int64_t b = 0) {
    if (seq_ >= kSeqLimit) {
      overflow_ = true;  // run() stops; runOnce reports it
      return;
    }
    t = std::clamp<int64_t>(t, 0, kLastEventMs);
    heap_.push(Event{(static_cast<uint64_t>(t) << kSeqBits) | seq_++, b, a, type});
  }
  void send(K kind, int64_t call, HangupCause cause = HangupCause::kNormal,
            const std::string* ref = nullptr);
  void handle(const Event& e);
  void afterEvent();
  Outcome classify(const Fate& f, int64_t t_dial) const;
  double shiftFrac(int64_t t) const;
  void accumulate(int64_t t);
  void judge(SimCall& c, bool abandoned);
  int addAgent();
  void login(int agent);
  void logout(int agent);
  void topUpLeads();
  void addLead(int64_t idx);
  int64_t handleMs(const SimCall& c) const;

  const Scenario& sc_;
  RunOptions opt_;
  double amd_yield_s_ = -1;  // seconds after the answer the runtime stops waiting for AMD (< 0: never)
  Rng agent_rng_;
  SimLedger ledger_;
  AllowAll authorizer_;
  core::AllowAllCallerGate gate_;
  core::CounterCallIdSource ids_{1};
  std::unique_ptr<core::CampaignRuntime> rt_;

  std::priority_queue<Event, std::vector<Event>, EventCmp> heap_;
  uint64_t seq_ = 0;
  bool overflow_ = false;  // more events than an Event key can order (kSeqLimit)
  int64_t now_ = 0;
  std::shared_ptr<LeadTape> tape_;   // the scenario's shared tape for this seed (sim/lead_tape.h)
  std::vector<const Fate*> chunks_;  // its chunks this run has reached
  std::vector<SimCall> calls_;  // by call id
  std::vector<int64_t> active_;  // call ids not yet bridged/ended (compacted lazily)
  std::vector<SimAgent> agents_;
  int64_t next_lead_added_ = 0;
  int64_t next_lead_dialed_ = 0;
  int64_t wake_pending_ = -1;
  int day_ = 0;
  bool in_shift_ = false;
  int64_t shift_start_ = 0, shift_end_ = 0;
  int intended_count_ = 0;

  // accumulators
  int64_t last_acc_ = 0;
  int logged_in_ = 0, busy_ = 0, lines_ = 0;
  double logged_ms_ = 0, busy_ms_ = 0, lines_ms_ = 0, steady_logged_ms_ = 0, steady_busy_ms_ = 0;
  double human_talk_ms_ = 0;
  double bucket_logged_ms_ = 0, bucket_busy_ms_ = 0;
  RunResult r_;
  std::vector<double> waits_;
  struct LiveMark {
    int64_t t;
    bool abandoned;
    int window;
  };
  std::vector<LiveMark> live_;
  std::vector<int64_t> abandoned_at_;  // by lead: last abandon time (72 h rule)
};

// ------------------------------------------------------------------ tapes

double Simulator::shiftFrac(int64_t t) const {
  double len = sc_.shift_hours * 3600000.0;
  double into = static_cast<double>((t - kShiftStartMs) % kDayMs);
  return std::clamp(into / len, 0.0, 1.0);
}

Outcome Simulator::classify(const Fate& f, int64_t t_dial) const {
  double frac = shiftFrac(t_dial);
  double ph = sc_.pHumanAt(frac), pm = sc_.pMachineAt(frac);
  // no-answer absorbs the drift; busy stays fixed
  if (f.u_outcome < ph) return Outcome::kHuman;
  if (f.u_outcome < ph + pm) return Outcome::kMachine;
  if (f.u_outcome < 1.0 - sc_.p_busy) return Outcome::kNoAnswer;
  return Outcome::kBusy;
}

bool Simulator::leadNeedsCaller(int64_t lead, int64_t t_dial, int64_t* delay_ms, int64_t* handle_ms) {
  const Fate& f = fate(lead);
  Outcome o = classify(f, t_dial);
  // The runtime routes a call still in screening at amd_yield_s_ after the
  // answer (RuntimeOptions::amd_yield_margin), before a later verdict.
  const bool yields = amd_yield_s_ >= 0;
  // The oracle's dials ring for the campaign's ring timeout (originate).
  const int64_t ring_ms =
      std::max<int64_t>(kMinRingMs, static_cast<int64_t>(sc_.ring_timeout_s * 1000));
  auto ms = [](double s) { return static_cast<int64_t>(std::llround(s * 1000)); };
  if ((o == Outcome::kHuman && ms(f.answer_delay) > ring_ms) ||
      (o == Outcome::kMachine && ms(f.machine_delay) > ring_ms))
    return false;
  if (o == Outcome::kHuman) {
    const double verdict = f.greeting + sc_.amd_after_greeting_s;
    const bool yielded = yields && amd_yield_s_ < verdict;
    bool fp = sc_.amd && f.amd_u < sc_.amd_fp && !yielded;
    if (fp) return false;
    double d = f.answer_delay + (sc_.amd ? (yielded ? amd_yield_s_ : verdict) : 0.0);
    *delay_ms = static_cast<int64_t>(std::llround(d * 1000));
    *handle_ms = static_cast<int64_t>(std::llround((f.talk + f.wrap) * 1000));
    return true;
  }
  if (o == Outcome::kMachine) {
    const bool yielded = yields && amd_yield_s_ < f.amd_machine_delay;
    bool to_caller = !sc_.amd || f.amd_u < sc_.amd_fn || yielded;
    if (!to_caller) return false;
    double d = f.machine_delay + (sc_.amd ? (yielded ? amd_yield_s_ : f.amd_machine_delay) : 0.0);
    *delay_ms = static_cast<int64_t>(std::llround(d * 1000));
    *handle_ms = static_cast<int64_t>(std::llround((f.machine_talk + f.machine_wrap) * 1000));
    return true;
  }
  return false;
}

int64_t Simulator::handleMs(const SimCall& c) const {
  const Fate& f = drawn(c.lead);
  if (c.outcome == Outcome::kHuman)
    return static_cast<int64_t>(std::llround((f.talk + f.wrap) * 1000));
  return static_cast<int64_t>(std::llround((f.machine_talk + f.machine_wrap) * 1000));
}

void Simulator::agentReleaseTimes(std::vector<int64_t>& out) {
  out.clear();
  for (const auto& a : agents_) {
    if (!a.logged_in || !a.intended) continue;
    if (!a.busy) {
      out.push_back(now_);
      continue;
    }
    const SimCall& c = calls_[static_cast<size_t>(a.call)];
    out.push_back(c.t_bridged + handleMs(c));
  }
}

void Simulator::pendingRoutables(std::vector<std::pair<int64_t, int64_t>>& out) {
  out.clear();
  // Dials in flight or answered-but-not-yet-routed that will need a caller
  // (originate() keeps only those in active_, with their need_at and need_handle).
  size_t keep = 0;
  for (size_t i = 0; i < active_.size(); ++i) {
    const SimCall& c = calls_[static_cast<size_t>(active_[i])];
    if (c.lead < 0 || c.ended || c.bridged || c.abandoned) continue;
    active_[keep++] = active_[i];
    out.push_back({c.need_at, c.need_handle});  // (only calls that will need a caller are kept)
  }
  active_.resize(keep);
}

// ------------------------------------------------------------------ set-up

int Simulator::addAgent() {
  SimAgent a;
  a.ref = "a" + std::to_string(agents_.size());
  agents_.push_back(a);
  return static_cast<int>(agents_.size()) - 1;
}

void Simulator::login(int agent) {
  SimAgent& a = agents_[static_cast<size_t>(agent)];
  if (a.intended) return;
  a.intended = true;
  intended_count_++;
  (void)rt_->login(a.ref, tp(now_));
}

void Simulator::logout(int agent) {
  SimAgent& a = agents_[static_cast<size_t>(agent)];
  if (!a.intended) return;
  a.intended = false;
  intended_count_--;
  (void)rt_->logout(a.ref, tp(now_));
}

Status Simulator::setUp() {
  core::RuntimeOptions o;
  o.campaign = core::newCampaign("sim:" + sc_.name, core::PurposeClass::kPolitical);
  o.campaign.id = CampaignId(1);
  o.campaign.org_id = OrgId(1);
  o.campaign.dial_mode = core::DialMode::kPredictive;
  o.campaign.jurisdictions = {sc_.jurisdiction};
  o.campaign.recycle_rules.clear();  // one attempt per tape lead
  o.campaign.max_attempts_per_contact = 1;
  o.campaign.abandon_target_pct = opt_.target_pct ? *opt_.target_pct : sc_.target_pct;
  o.campaign.caller_id = "+12025550100";
  o.ring_timeout = Millis(static_cast<int64_t>(sc_.ring_timeout_s * 1000));
  o.detect_machine = sc_.amd;
  o.grace = Millis(static_cast<int64_t>(std::llround(sc_.grace_s * 1000)));
  o.grace_from = sc_.grace_from;
  // AMD yielding to a grace counted from the answer: the oracle must know when
  // the runtime stops waiting for a verdict.
  if (sc_.amd && o.grace_from != core::GraceReference::kGreetingEnd && o.amd_yield_margin >= Millis(0))
    amd_yield_s_ = static_cast<double>((o.grace - o.amd_yield_margin).count()) / 1000.0;
  o.line_cap = sc_.effectiveLineCap();
  o.cap_pct = sc_.cap_pct;
  o.metrics_every = Millis(0);
  o.publish_call_events = false;
  std::unique_ptr<core::Pacer> pacer;
  if (opt_.make_pacer) {
    pacer = opt_.make_pacer();
  } else if (opt_.pacer == "oracle") {
    pacer = std::make_unique<OraclePacer>(this);
  } else {
    auto p = makeScenarioPacer(opt_.pacer, sc_, opt_.knob);
    if (!p.isOk()) return p.status();
    pacer = std::move(*p);
  }
  core::RuntimePorts ports;
  ports.telephony = this;
  ports.authorizer = &authorizer_;
  ports.ledger = &ledger_;
  ports.gate = &gate_;
  ports.ids = &ids_;
  rt_ = std::make_unique<core::CampaignRuntime>(std::move(o), ports, std::move(pacer));
  calls_.resize(1);
  for (int d = 0; d < sc_.days; ++d) {
    int64_t start = d * kDayMs + kShiftStartMs;
    int64_t end = start + static_cast<int64_t>(sc_.shift_hours * 3600000.0);
    push(start, Ev::kShiftStart, d);
    push(end, Ev::kShiftEnd, d);
    for (size_t i = 0; i < sc_.staff.size(); ++i)
      push(start + static_cast<int64_t>(sc_.staff[i].at_h * 3600000.0), Ev::kStaff,
           static_cast<int32_t>(i));
    // Churn tape: Poisson times drawn from the agent stream.
    if (sc_.logouts_per_hour > 0) {
      double t = 0;
      while (true) {
        t += agent_rng_.exponential(3600.0 / sc_.logouts_per_hour);
        if (t >= sc_.shift_hours * 3600) break;
        push(start + static_cast<int64_t>(t * 1000), Ev::kChurnOut, d);
      }
    }
    if (sc_.logins_per_hour > 0) {
      double t = 0;
      while (true) {
        t += agent_rng_.exponential(3600.0 / sc_.logins_per_hour);
        if (t >= sc_.shift_hours * 3600) break;
        push(start + static_cast<int64_t>(t * 1000), Ev::kChurnIn, d);
      }
    }
    if (opt_.timeline)
      for (int64_t t = start + 300000; t <= end; t += 300000) push(t, Ev::kTimeline, d);
  }
  return Status::ok();
}

void Simulator::addLead(int64_t idx) {
  core::Lead l;
  l.contact_id = ContactId(idx + 1);
  l.phone_id = PhoneId(idx + 1);
  l.e164 = "+1" + std::to_string(kLeadBase + idx);
  l.order = idx;
  l.tag = idx;
  rt_->addLead(std::move(l));
}

void Simulator::topUpLeads() {
  if (opt_.pacer == "oracle") return;  // the oracle hands its picks over itself
  if (sc_.leads > 0 && next_lead_added_ >= sc_.leads) return;
  if (rt_->leadsQueued() >= 256) return;
  int64_t limit = next_lead_added_ + 1024;
  if (sc_.leads > 0) limit = std::min(limit, sc_.leads);
  for (; next_lead_added_ < limit; ++next_lead_added_) addLead(next_lead_added_);
}

// ------------------------------------------------------------------ telephony

void Simulator::send(K kind, int64_t call, HangupCause cause, const std::string* ref) {
  TelephonyEvent ev;
  ev.kind = kind;
  ev.call_id = CallId(call);
  ev.cause = cause;
  if (ref) ev.caller_ref = *ref;
  ev.at = tp(now_);
  rt_->onTelephonyEvent(ev);
}

void Simulator::originate(const core::OriginateRequest& req) {
  int64_t id = req.call_id.value;
  int64_t lead = numberAfter(req.to_e164, 2) - kLeadBase;
  if (static_cast<int64_t>(calls_.size()) <= id) calls_.resize(static_cast<size_t>(id) + 1);
  SimCall& c = calls_[static_cast<size_t>(id)];
  c = SimCall{};
  c.lead = lead;
  c.amd = req.detect_machine;
  c.t_dial = now_;
  if (lead >= next_lead_dialed_) next_lead_dialed_ = lead + 1;
  r_.dials++;
  r_.leads_used = std::max(r_.leads_used, lead + 1);
  if (sc_.jurisdiction == "UK" && lead < static_cast<int64_t>(abandoned_at_.size()) &&
      abandoned_at_[static_cast<size_t>(lead)] >= 0 &&
      now_ - abandoned_at_[static_cast<size_t>(lead)] < 72LL * 3600000)
    r_.redial_72h_violations++;
  int cap = sc_.effectiveLineCap();
  accumulate(now_);
  lines_++;
  r_.peak_lines = std::max(r_.peak_lines, lines_);
  if (cap > 0 && lines_ > cap) {
    r_.line_cap_violations++;
    push(now_, Ev::kFail, 0, id);  // the carrier refuses: congestion
    c.outcome = Outcome::kBusy;
    return;
  }
  const Fate& f = fate(lead);
  c.outcome = classify(f, now_);
  auto ms = [](double s) { return static_cast<int64_t>(std::llround(s * 1000)); };
  // The edge cancels a dial still ringing at its ring timeout (never before the
  // minimum ring): a person or a machine who would pick up later is a no-answer.
  const int64_t ring_ms = std::max<int64_t>(kMinRingMs, req.ring_timeout.count());
  if ((c.outcome == Outcome::kHuman && ms(f.answer_delay) > ring_ms) ||
      (c.outcome == Outcome::kMachine && ms(f.machine_delay) > ring_ms))
    c.outcome = Outcome::kNoAnswer;
  if (opt_.pacer == "oracle") {
    int64_t d, h;
    if (leadNeedsCaller(lead, now_, &d, &h)) {
      c.need_at = now_ + d;
      c.need_handle = h;
      active_.push_back(id);
    }
  }
  switch (c.outcome) {
    case Outcome::kHuman:
      c.fp = c.amd && f.amd_u < sc_.amd_fp;
      push(now_ + ms(f.answer_delay), Ev::kAnswer, 0, id);
      break;
    case Outcome::kMachine:
      c.fn = c.amd && f.amd_u < sc_.amd_fn;
      push(now_ + ms(f.machine_delay), Ev::kAnswer, 0, id);
      break;
    case Outcome::kNoAnswer:
      push(now_ + ring_ms, Ev::kFail, 0, id);
      break;
    case Outcome::kBusy:
      push(now_ + ms(f.busy_delay), Ev::kFail, 0, id);
      break;
  }
}

void Simulator::hangup(CallId call, HangupCause) {
  int64_t id = call.value;
  if (id <= 0 || id >= static_cast<int64_t>(calls_.size())) return;
  SimCall& c = calls_[static_cast<size_t>(id)];
  if (c.ended) return;
  if (!c.answered) {
    // Minimum ring: nobody cancels a ringing call before 15 s.
    int64_t earliest = c.t_dial + kMinRingMs;
    if (now_ < earliest) r_.early_cancel_attempts++;
    push(std::max(now_, earliest), Ev::kEndNow, 0, id);
    return;
  }
  if (c.outcome == Outcome::kHuman && !c.counted && !c.bridged) {
    // A live callee hung up on without a caller (AMD false positive).
    judge(c, true);
  }
  push(now_, Ev::kEndNow, 0, id);
}

void Simulator::bridge(CallId call, const std::string& ref) {
  int64_t id = call.value;
  SimCall& c = calls_[static_cast<size_t>(id)];
  int agent = static_cast<int>(numberAfter(ref, 1));
  c.agent = agent;
  push(now_, Ev::kBridged, agent, id);
}

void Simulator::playSafeHarbor(CallId call) {
  int64_t id = call.value;
  SimCall& c = calls_[static_cast<size_t>(id)];
  c.abandoned = true;
  if (c.outcome == Outcome::kHuman && !c.counted) judge(c, true);
  push(now_ + static_cast<int64_t>(sc_.safe_harbor_s * 1000), Ev::kSafeHarborEnd, 0, id);
}

void Simulator::openCallerLeg(const std::string& ref) {
  push(now_, Ev::kLegUp, static_cast<int>(numberAfter(ref, 1)), 0);
}

void Simulator::closeCallerLeg(const std::string& ref) {
  int agent = static_cast<int>(numberAfter(ref, 1));
  SimAgent& a = agents_[static_cast<size_t>(agent)];
  if (!a.logged_in) return;
  accumulate(now_);
  a.logged_in = false;
  a.ready_since = -1;
  logged_in_--;
}

// ------------------------------------------------------------------ metrics

void Simulator::accumulate(int64_t t) {
  if (t <= last_acc_) return;
  if (in_shift_) {
    int64_t from = std::max(last_acc_, shift_start_);
    int64_t to = std::min(t, shift_end_);
    if (to > from) {
      double dt = static_cast<double>(to - from);
      logged_ms_ += dt * logged_in_;
      busy_ms_ += dt * busy_;
      lines_ms_ += dt * lines_;
      bucket_logged_ms_ += dt * logged_in_;
      bucket_busy_ms_ += dt * busy_;
      int64_t sfrom = std::max(from, shift_start_ + 1800000);
      if (to > sfrom) {
        steady_logged_ms_ += static_cast<double>(to - sfrom) * logged_in_;
        steady_busy_ms_ += static_cast<double>(to - sfrom) * busy_;
      }
    }
  }
  last_acc_ = t;
}

void Simulator::judge(SimCall& c, bool abandoned) {
  c.counted = true;
  r_.live_answers++;
  if (abandoned) {
    c.abandoned = true;
    r_.abandoned++;
    if (c.fp) r_.amd_fp_abandoned++;
    else r_.pacing_abandoned++;
    if (abandoned_at_.size() <= static_cast<size_t>(c.lead)) abandoned_at_.resize(static_cast<size_t>(c.lead) + 1, -1);
    abandoned_at_[static_cast<size_t>(c.lead)] = now_;
  }
  int window = sc_.jurisdiction == "UK" ? static_cast<int>(c.t_answer / kDayMs)
                                        : static_cast<int>(c.t_answer / (30 * kDayMs));
  live_.push_back(LiveMark{c.t_answer, abandoned, window});
}

// ------------------------------------------------------------------ events

void Simulator::handle(const Event& e) {
  switch (e.type) {
    case Ev::kTick:
      if (!in_shift_) return;
      rt_->tick(tp(now_));
      push(now_ + sc_.tick_ms, Ev::kTick);
      return;
    case Ev::kWake:
      if (e.t() == wake_pending_) wake_pending_ = -1;
      if (auto w = rt_->nextWakeAt(); w && toEpochMillis(*w) - kEpochMs <= now_) rt_->tick(tp(now_));
      return;
    case Ev::kShiftStart: {
      accumulate(now_);
      in_shift_ = true;
      day_ = e.a;
      shift_start_ = now_;
      shift_end_ = now_ + static_cast<int64_t>(sc_.shift_hours * 3600000.0);
      ledger_.day_answered = ledger_.day_abandoned = 0;
      rt_->start(tp(now_));
      topUpLeads();
      int have = 0;
      for (size_t i = 0; i < agents_.size() && have < sc_.agents; ++i, ++have) login(static_cast<int>(i));
      while (have < sc_.agents) {
        login(addAgent());
        have++;
      }
      push(now_ + sc_.tick_ms, Ev::kTick);
      return;
    }
    case Ev::kShiftEnd: {
      accumulate(now_);
      // Talk in progress counts up to the shift end.
      for (auto& a : agents_) {
        if (!a.busy || a.call < 0) continue;
        const SimCall& c = calls_[static_cast<size_t>(a.call)];
        if (c.outcome == Outcome::kHuman && c.bridged) {
          const Fate& f = fate(c.lead);
          int64_t talk_end = c.t_bridged + static_cast<int64_t>(std::llround(f.talk * 1000));
          if (talk_end > now_) human_talk_ms_ += static_cast<double>(now_ - c.t_bridged);
        }
      }
      in_shift_ = false;
      rt_->stop(tp(now_));
      for (size_t i = 0; i < agents_.size(); ++i) logout(static_cast<int>(i));
      return;
    }
    case Ev::kStaff: {
      if (!in_shift_) return;
      int target = sc_.staff[static_cast<size_t>(e.a)].agents;
      while (intended_count_ < target) {
        int pick = -1;
        for (size_t i = 0; i < agents_.size(); ++i)
          if (!agents_[i].intended && !agents_[i].logged_in) {
            pick = static_cast<int>(i);
            break;
          }
        login(pick >= 0 ? pick : addAgent());
      }
      while (intended_count_ > target) {
        // the agent who logged in last leaves first
        for (size_t i = agents_.size(); i-- > 0;)
          if (agents_[i].intended) {
            logout(static_cast<int>(i));
            break;
          }
      }
      return;
    }
    case Ev::kChurnOut: {
      if (!in_shift_ || intended_count_ <= 1) return;
      int k = static_cast<int>(agent_rng_.uniform() * intended_count_);
      for (size_t i = 0; i < agents_.size(); ++i)
        if (agents_[i].intended && k-- == 0) {
          logout(static_cast<int>(i));
          break;
        }
      return;
    }
    case Ev::kChurnIn: {
      if (!in_shift_) return;
      int pick = -1;
      for (size_t i = 0; i < agents_.size(); ++i)
        if (!agents_[i].intended && !agents_[i].logged_in) {
          pick = static_cast<int>(i);
          break;
        }
      login(pick >= 0 ? pick : addAgent());
      return;
    }
    case Ev::kTimeline: {
      accumulate(now_);
      TimelinePoint p;
      p.t_h = static_cast<double>(now_ - kShiftStartMs) / 3600000.0;
      p.occupancy = bucket_logged_ms_ > 0 ? bucket_busy_ms_ / bucket_logged_ms_ : 0;
      p.abandonment = r_.live_answers ? 100.0 * static_cast<double>(r_.abandoned) / static_cast<double>(r_.live_answers) : 0;
      p.agents = logged_in_;
      r_.timeline.push_back(p);
      bucket_logged_ms_ = bucket_busy_ms_ = 0;
      return;
    }
    case Ev::kLegUp: {
      SimAgent& a = agents_[static_cast<size_t>(e.a)];
      accumulate(now_);
      if (!a.logged_in) {
        a.logged_in = true;
        logged_in_++;
      }
      a.ready_since = now_;
      send(K::kCallerLegUp, 0, HangupCause::kNormal, &a.ref);
      return;
    }
    default:
      break;
  }
  // Call events.
  SimCall& c = calls_[static_cast<size_t>(e.b)];
  switch (e.type) {
    case Ev::kAnswer: {
      if (c.ended) return;
      c.answered = true;
      c.t_answer = now_;
      const Fate& f = fate(c.lead);
      auto ms = [](double s) { return static_cast<int64_t>(std::llround(s * 1000)); };
      if (c.outcome == Outcome::kHuman) {
        c.t_ref = sc_.grace_from == core::GraceReference::kGreetingEnd ? now_ + ms(f.greeting) : now_;
        if (c.amd) {
          if (f.greeting > 0 || sc_.grace_from == core::GraceReference::kGreetingEnd)
            push(now_ + ms(f.greeting), Ev::kGreetingEnd, 0, e.b);
          push(now_ + ms(f.greeting + sc_.amd_after_greeting_s), Ev::kVerdict, 0, e.b);
        } else if (f.greeting > 0 && !(f.amd_u < sc_.amd_fp)) {
          // Without AMD the edge's detector still listens for the greeting's
          // end, and reports it when it is sure (after_greeting_s of silence),
          // dated at the end itself; a person it would take for a machine (the
          // false-positive draw) has no end heard (as at the edge; session 15).
          const int64_t heard = ms(f.greeting + sc_.amd_after_greeting_s);
          push(now_ + heard, Ev::kGreetingEnd, static_cast<int32_t>(heard - ms(f.greeting)), e.b);
        }
      } else if (c.amd) {
        push(now_ + ms(f.amd_machine_delay), Ev::kVerdict, 0, e.b);
      }
      send(K::kAnswered, e.b);
      return;
    }
    case Ev::kGreetingEnd: {
      if (c.ended) return;
      TelephonyEvent ev;  // dated at the greeting's end (e.a ms before it is heard)
      ev.kind = K::kGreetingEnded;
      ev.call_id = CallId(e.b);
      ev.at = tp(now_ - e.a);
      rt_->onTelephonyEvent(ev);
      return;
    }
    case Ev::kVerdict: {
      if (c.ended) return;
      bool says_machine = c.outcome == Outcome::kHuman ? c.fp : !c.fn;
      send(says_machine ? K::kMachine : K::kHuman, e.b);
      return;
    }
    case Ev::kFail: {
      if (c.ended) return;
      c.ended = true;
      accumulate(now_);
      lines_--;
      HangupCause cause = c.outcome == Outcome::kNoAnswer ? HangupCause::kNoAnswer : HangupCause::kBusy;
      send(K::kEnded, e.b, cause);
      return;
    }
    case Ev::kBridged: {
      if (c.ended) return;
      SimAgent& a = agents_[static_cast<size_t>(e.a)];
      c.bridged = true;
      c.t_bridged = now_;
      accumulate(now_);
      busy_++;
      a.busy = true;
      a.call = e.b;
      if (a.ready_since >= 0 && in_shift_) waits_.push_back(static_cast<double>(now_ - a.ready_since) / 1000.0);
      a.ready_since = -1;
      const Fate& f = fate(c.lead);
      if (c.outcome == Outcome::kHuman) {
        if (!c.counted) judge(c, now_ > c.t_ref + static_cast<int64_t>(std::llround(sc_.grace_s * 1000)));
        if (!c.abandoned) r_.contacts += in_shift_ ? 1 : 0;
        push(now_ + static_cast<int64_t>(std::llround(f.talk * 1000)), Ev::kTalkEnd, e.a, e.b);
      } else {
        r_.machines_to_callers++;
        push(now_ + static_cast<int64_t>(std::llround(f.machine_talk * 1000)), Ev::kTalkEnd, e.a, e.b);
      }
      send(K::kBridged, e.b, HangupCause::kNormal, &a.ref);
      return;
    }
    case Ev::kTalkEnd: {
      if (c.ended) return;
      c.ended = true;
      accumulate(now_);
      lines_--;
      const Fate& f = fate(c.lead);
      if (c.outcome == Outcome::kHuman && in_shift_) {
        int64_t from = std::max(c.t_bridged, shift_start_);
        human_talk_ms_ += static_cast<double>(std::min(now_, shift_end_) - from);
      }
      double wrap = c.outcome == Outcome::kHuman ? f.wrap : f.machine_wrap;
      push(now_ + static_cast<int64_t>(std::llround(wrap * 1000)), Ev::kWrapEnd, e.a, e.b);
      send(K::kEnded, e.b, HangupCause::kNormal);
      return;
    }
    case Ev::kWrapEnd: {
      SimAgent& a = agents_[static_cast<size_t>(e.a)];
      accumulate(now_);
      busy_--;
      a.busy = false;
      a.call = -1;
      a.ready_since = now_;
      core::WrapUp w;
      w.disposition = c.outcome == Outcome::kHuman ? "contacted" : "machine";
      (void)rt_->wrapUp(a.ref, w, tp(now_));
      return;
    }
    case Ev::kEndNow:
    case Ev::kSafeHarborEnd: {
      if (c.ended) return;
      c.ended = true;
      accumulate(now_);
      lines_--;
      if (c.bridged && c.agent >= 0) {
        // A caller-side hangup during talk: the wrap-up follows at once.
        push(now_, Ev::kWrapEnd, c.agent, e.b);
      }
      if (e.type == Ev::kSafeHarborEnd) send(K::kSafeHarborPlayed, e.b);
      send(K::kEnded, e.b,
           e.type == Ev::kSafeHarborEnd ? HangupCause::kSafeHarborDone : HangupCause::kNormal);
      return;
    }
    default:
      return;
  }
}

void Simulator::afterEvent() {
  if (in_shift_) topUpLeads();
  auto w = rt_->nextWakeAt();
  if (!w) return;
  int64_t t = std::max(toEpochMillis(*w) - kEpochMs, now_ + 1);
  if (wake_pending_ >= 0 && wake_pending_ <= t) return;
  wake_pending_ = t;
  push(t, Ev::kWake);
}

RunResult Simulator::run() {
  int64_t end = (sc_.days - 1) * kDayMs + kShiftStartMs +
                static_cast<int64_t>(sc_.shift_hours * 3600000.0);
  while (!heap_.empty() && !overflow_) {
    Event e = heap_.top();
    heap_.pop();
    if (e.t() > end) break;
    now_ = e.t();
    r_.events++;
    handle(e);
    afterEvent();
  }
  now_ = end;
  accumulate(end);
  // Live answers whose judgement is still pending at the end are judged now.
  RunResult& r = r_;
  r.occupancy = logged_ms_ > 0 ? busy_ms_ / logged_ms_ : 0;
  r.occupancy_steady = steady_logged_ms_ > 0 ? steady_busy_ms_ / steady_logged_ms_ : r.occupancy;
  r.talk_utilisation = logged_ms_ > 0 ? human_talk_ms_ / logged_ms_ : 0;
  r.agent_hours = logged_ms_ / 3600000.0;
  r.abandonment_pct = r.live_answers ? 100.0 * static_cast<double>(r.abandoned) / static_cast<double>(r.live_answers) : 0;
  r.contacts_per_agent_hour = r.agent_hours > 0 ? static_cast<double>(r.contacts) / r.agent_hours : 0;
  r.dials_per_contact = r.contacts ? static_cast<double>(r.dials) / static_cast<double>(r.contacts) : 0;
  r.mean_lines = logged_ms_ > 0 ? lines_ms_ / (sc_.shift_hours * 3600000.0 * sc_.days) : 0;
  r.ceiling_talk_utilisation = sc_.ceilingTalkUtilisation();
  // Worst legal window.
  std::vector<std::pair<int64_t, int64_t>> win;  // (answered, abandoned) by window
  for (const auto& m : live_) {
    if (static_cast<int>(win.size()) <= m.window) win.resize(static_cast<size_t>(m.window) + 1, {0, 0});
    win[static_cast<size_t>(m.window)].first++;
    if (m.abandoned) win[static_cast<size_t>(m.window)].second++;
  }
  for (const auto& [ans, ab] : win)
    if (ans > 0) r.worst_window_abandonment_pct = std::max(r.worst_window_abandonment_pct, 100.0 * static_cast<double>(ab) / static_cast<double>(ans));
  // Worst rolling hour (answers sorted by time already, nearly: sort to be sure).
  std::sort(live_.begin(), live_.end(), [](const LiveMark& a, const LiveMark& b) { return a.t < b.t; });
  size_t lo = 0;
  int64_t ab = 0;
  for (size_t hi = 0; hi < live_.size(); ++hi) {
    ab += live_[hi].abandoned;
    while (live_[hi].t - live_[lo].t > 3600000) ab -= live_[lo++].abandoned;
    int64_t n = static_cast<int64_t>(hi - lo + 1);
    if (n >= 20) r.worst_hour_abandonment_pct = std::max(r.worst_hour_abandonment_pct, 100.0 * static_cast<double>(ab) / static_cast<double>(n));
  }
  if (!waits_.empty()) {
    std::sort(waits_.begin(), waits_.end());
    double sum = 0;
    for (double w : waits_) sum += w;
    r.wait_mean_s = sum / static_cast<double>(waits_.size());
    auto q = [&](double p) { return waits_[std::min(waits_.size() - 1, static_cast<size_t>(p * static_cast<double>(waits_.size())))]; };
    r.wait_p50_s = q(0.5);
    r.wait_p90_s = q(0.9);
    r.wait_p99_s = q(0.99);
  }
  r.early_cancel_attempts += rt_->counters().early_cancel_attempts;
  return r;
}

// ------------------------------------------------------------------ oracle

core::PacerDecision OraclePacer::decide(const core::PacerInput& in) {
  core::PacerDecision d;
  const int64_t now = sim_->now();
  sim_->agentReleaseTimes(free_);
  if (free_.empty()) return d;
  sim_->pendingRoutables(pend_);
  std::sort(pend_.begin(), pend_.end());
  // Callers' release times, kept sorted (a few hundred at most: a sorted
  // vector beats a tree here).
  std::vector<int64_t>& free = free_;
  std::sort(free.begin(), free.end());
  // Best fit: each pending call (in arrival order) takes the caller who frees
  // last but still before it arrives, so callers freeing earlier stay open
  // for new dials timed to them.
  auto assign = [&](int64_t at, int64_t handle) {
    auto it = std::upper_bound(free.begin(), free.end(), at);
    if (it != free.begin()) --it;
    const int64_t rel = std::max(at, *it) + handle;
    free.erase(it);
    free.insert(std::upper_bound(free.begin(), free.end(), rel), rel);
  };
  for (const auto& [at, h] : pend_) assign(at, h);
  // Keep a pool of upcoming tape leads that will need a caller, by delay.
  while (pool_.size() < 4096) {
    int64_t delay, handle;
    int64_t lead = scan_++;
    if (sim_->leadNeedsCaller(lead, now, &delay, &handle)) pool_.insert({delay, lead});
  }
  int lines_left = in.line_cap > 0 ? in.line_cap - in.lines_in_use : 1 << 20;
  int n = 0;
  while (n < lines_left) {
    int64_t gap = *free.begin() + 1 - now;
    // The live lead that answers soonest after the caller frees.
    auto it = pool_.lower_bound({gap, -1});
    if (it == pool_.end()) break;
    int64_t delay = 0, handle = 0;
    if (!sim_->leadNeedsCaller(it->second, now, &delay, &handle) || delay != it->first) {
      // Its fate depends on the hour (a drifting contact rate): dialed now, this
      // lead needs no caller after all, or needs one after another delay.
      const int64_t lead = it->second;
      pool_.erase(it);
      if (sim_->leadNeedsCaller(lead, now, &delay, &handle)) pool_.insert({delay, lead});
      continue;
    }
    sim_->oracleEnqueue(it->second);
    assign(now + delay, handle);
    pool_.erase(it);
    int64_t lead = scan_++;
    if (sim_->leadNeedsCaller(lead, now, &delay, &handle)) pool_.insert({delay, lead});
    ++n;
  }
  // With every line taken, the next chance to dial is a line freeing, which is
  // an event the runtime paces on anyway (a wake-up here would come every
  // millisecond while the cap binds).
  if (!pool_.empty() && n < lines_left) {
    int64_t dmax = pool_.rbegin()->first;
    int64_t when = std::max(now + 1, *free.begin() + 1 - dmax);
    d.wake_at = fromEpochMillis(kEpochMs + when);
  }
  d.dial = n;
  return d;
}

}  // namespace

// ------------------------------------------------------------------ public

std::vector<core::PacerInfo> simPacerCatalog() {
  std::vector<core::PacerInfo> v = core::pacerCatalog();
  v.push_back({"oracle", "clairvoyant: knows every fate; a sanity check, never a real dialer",
               false, false, true});
  return v;
}

Result<std::unique_ptr<core::Pacer>> makeScenarioPacer(const std::string& name, const Scenario& sc,
                                                      std::optional<double> knob) {
  core::PacerSettings s;
  s.knob = knob;
  s.agents = sc.agents;
  double p_live = sc.p_human * (sc.amd ? 1 - sc.amd_fp : 1.0) +
                  sc.p_machine * (sc.amd ? sc.amd_fn : 1.0);
  s.live_rate = p_live;
  s.mean_handle_s = sc.markov ? sc.markov_handle_s : sc.meanHandle();
  s.mean_resolution_s = sc.markov_resolution_s;
  s.alpha_pct = sc.target_pct;
  s.grace_s = sc.grace_s;
  s.markov = sc.markov;
  s.measured = true;  // the scenario's true figures
  s.amd_false_positive = sc.amd ? sc.amd_fp : 0.0;
  s.ring_cut_max_people_loss = sc.ring_cut_max_people_loss;
  return core::makePacer(name, s);
}

Result<RunResult> runOnce(const Scenario& sc, const RunOptions& opt) {
  Simulator sim(sc, opt);
  RETURN_IF_ERROR(sim.setUp());
  RunResult r = sim.run();
  if (sim.overflowed())
    return Status::invalidArgument("scenario " + sc.name +
                                   ": more than 2^31 simulator events in one replication (fewer "
                                   "days or callers)");
  return r;
}

}  // namespace clearline::sim
