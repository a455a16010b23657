#include "core/runtime/campaign_runtime.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <utility>

#include "core/pacing/simple_pacers.h"

namespace clearline::core {
namespace {

TimePoint at(int64_t ms) { return fromEpochMillis(1'700'000'000'000 + ms); }

struct FakeTelephony : Telephony {
  std::vector<OriginateRequest> originated;
  std::vector<std::pair<CallId, std::string>> bridges;
  std::vector<CallId> safe_harbor;
  std::vector<std::pair<CallId, HangupCause>> hangups;
  std::vector<std::string> opened, closed;
  bool up = true;
  std::function<void(const OriginateRequest&)> on_originate;
  void originate(const OriginateRequest& r) override {
    if (on_originate) on_originate(r);
    originated.push_back(r);
  }
  void hangup(CallId c, HangupCause h) override { hangups.push_back({c, h}); }
  void bridge(CallId c, const std::string& ref) override { bridges.push_back({c, ref}); }
  void playSafeHarbor(CallId c) override { safe_harbor.push_back(c); }
  void openCallerLeg(const std::string& r) override { opened.push_back(r); }
  void closeCallerLeg(const std::string& r) override { closed.push_back(r); }
  bool trunkUp() const override { return up; }
};

struct FakeAuthorizer : DialAuthorizer {
  std::map<std::string, Verdict> verdicts;  // by e164; default allow
  std::map<std::string, DialMode> routes;   // by e164: route_to_mode on a non-allow verdict
                                            // (a dial in that mode is allowed)
  std::vector<CompletedDial> noted;
  std::vector<DialMode> modes;              // the mode of every attempt asked about
  int asked = 0;
  Decision authorize(const DialAttempt& a, TimePoint now) override {
    asked++;
    modes.push_back(a.mode);
    Decision d;
    auto it = verdicts.find(a.e164);
    d.verdict = it == verdicts.end() ? Verdict::kAllow : it->second;
    auto r = routes.find(a.e164);
    if (r != routes.end() && a.mode == r->second) d.verdict = Verdict::kAllow;
    if (d.verdict == Verdict::kDefer) d.until = now + Millis(60000);
    if (d.verdict != Verdict::kAllow) {
      d.rules = {d.verdict == Verdict::kDeny ? "R10" : "R1"};
      d.reason = d.verdict == Verdict::kDeny ? "on the do-not-call list" : "outside the calling window";
    }
    if (r != routes.end() && d.verdict != Verdict::kAllow) d.route_to_mode = r->second;
    d.authorization_id = "auth-" + a.e164;
    return d;
  }
  void noteDial(const CompletedDial& o) override { noted.push_back(o); }
};

struct FakeLedger : AbandonmentLedger {
  int answered = 0, abandoned = 0;
  void recordLiveAnswer(CampaignId, CallId, TimePoint, bool ab, bool) override {
    answered++;
    if (ab) abandoned++;
  }
  AbandonmentBudget budget(CampaignId, TimePoint, double) const override {
    AbandonmentBudget b;
    b.answered_24h = b.answered_30d = answered;
    b.abandoned_24h = b.abandoned_30d = abandoned;
    return b;
  }
};

struct Records : CallRecordSink {
  std::vector<CallRecord> recs;
  std::vector<LeadUpdate> leads;
  void onCallRecord(const CallRecord& r) override { recs.push_back(r); }
  void onLeadUpdate(const LeadUpdate& u) override { leads.push_back(u); }
};

struct Events : EventSink {
  std::vector<DomainEvent> evs;
  void publish(const DomainEvent& e) override { evs.push_back(e); }
  int count(const std::string& type) const {
    int n = 0;
    for (auto& e : evs) n += e.type == type;
    return n;
  }
};

struct DenyRoutingGate : CallerGate {
  std::string deny;
  GateDecisionPtr checkLogin(CampaignId, const std::string&, TimePoint) override {
    GateDecision d;
    d.allowed = true;
    return shareDecision(std::move(d));
  }
  GateDecisionPtr checkRouting(CampaignId, const std::string& ref, TimePoint) override {
    GateDecision d;
    d.allowed = ref != deny;
    d.reason = d.allowed ? "" : "vetting expired";
    d.site_id = "site-1";
    return shareDecision(std::move(d));
  }
};

Lead lead(const std::string& e164, int64_t order, int priority = 0) {
  Lead l;
  l.contact_id = ContactId(order + 100);
  l.phone_id = PhoneId(order + 200);
  l.e164 = e164;
  l.order = order;
  l.priority = priority;
  return l;
}

struct Rig {
  FakeTelephony tel;
  FakeAuthorizer auth;
  FakeLedger ledger;
  DenyRoutingGate gate;
  CounterCallIdSource ids;
  Records records;
  Events events;
  std::unique_ptr<CampaignRuntime> rt;

  explicit Rig(std::unique_ptr<Pacer> pacer = std::make_unique<ProgressivePacer>(),
               NumberLocks* locks = nullptr, int64_t campaign = 1, bool amd = true,
               DialMode mode = DialMode::kPredictive, Millis wrap_up_max = Millis{0}) {
    RuntimeOptions o;
    o.wrap_up_max = wrap_up_max;
    o.campaign = newCampaign("test", PurposeClass::kPolitical);
    o.campaign.id = CampaignId(campaign);
    o.campaign.dial_mode = mode;
    o.campaign.jurisdictions = {"US"};
    o.detect_machine = amd;
    o.grace = Millis(2000);
    o.grace_from = GraceReference::kGreetingEnd;
    RuntimePorts p;
    p.telephony = &tel;
    p.authorizer = &auth;
    p.ledger = &ledger;
    p.gate = &gate;
    p.ids = &ids;
    p.events = &events;
    p.records = &records;
    p.locks = locks;
    rt = std::make_unique<CampaignRuntime>(o, p, std::move(pacer));
  }
  void ev(TelephonyEvent::Kind k, CallId c, int64_t t, HangupCause cause = HangupCause::kNormal) {
    TelephonyEvent e;
    e.kind = k;
    e.call_id = c;
    e.cause = cause;
    e.at = at(t);
    rt->onTelephonyEvent(e);
  }
  void legUp(const std::string& ref, int64_t t) {
    TelephonyEvent e;
    e.kind = TelephonyEvent::Kind::kCallerLegUp;
    e.caller_ref = ref;
    e.at = at(t);
    rt->onTelephonyEvent(e);
  }
  void loginReady(const std::string& ref, int64_t t) {
    ASSERT_TRUE(rt->login(ref, at(t)).isOk());
    legUp(ref, t);
  }
  // Four leads and alice ready at 0: a fixed ratio of 2 places two dials.
  std::pair<CallId, CallId> twoDialsForAlice() {
    for (int i = 0; i < 4; ++i) rt->addLead(lead("+1555000000" + std::to_string(i), i));
    loginReady("alice", 0);
    EXPECT_EQ(tel.originated.size(), 2u);
    return {tel.originated.at(0).call_id, tel.originated.at(1).call_id};
  }
  // One lead and alice ready at 0: its callee answers at 5 s, a person, bridged to her at 6 s.
  CallId callBridgedToAlice() {
    rt->addLead(lead("+15550000001", 1));
    loginReady("alice", 0);
    CallId id = tel.originated.at(0).call_id;
    ev(TelephonyEvent::Kind::kAnswered, id, 5000);
    ev(TelephonyEvent::Kind::kHuman, id, 6000);
    ev(TelephonyEvent::Kind::kBridged, id, 6000);
    return id;
  }
};

using K = TelephonyEvent::Kind;

TEST(CallStateTest, LegalPathsAndIllegalOnes) {
  auto s = transition(CallState::kQueued, CallEvent::kOriginate);
  ASSERT_TRUE(s.isOk());
  EXPECT_EQ(*s, CallState::kDialing);
  EXPECT_EQ(*transition(CallState::kRinging, CallEvent::kAnswer), CallState::kAnswered);
  EXPECT_EQ(*transition(CallState::kAnswered, CallEvent::kAbandon), CallState::kAbandoned);
  EXPECT_EQ(*transition(CallState::kAnswered, CallEvent::kMachineDetected), CallState::kMachine);
  EXPECT_EQ(*transition(CallState::kDialing, CallEvent::kFail), CallState::kFailed);
  EXPECT_EQ(*transition(CallState::kBridged, CallEvent::kEnd), CallState::kEnded);
  EXPECT_FALSE(transition(CallState::kEnded, CallEvent::kEnd).isOk());
  EXPECT_FALSE(transition(CallState::kQueued, CallEvent::kBridge).isOk());
  EXPECT_FALSE(transition(CallState::kBridged, CallEvent::kAbandon).isOk());
  EXPECT_FALSE(transition(CallState::kRinging, CallEvent::kBridge).isOk());
}

TEST(CallerStateTest, LegalPathsAndIllegalOnes) {
  EXPECT_EQ(*transition(CallerState::kLoggedOut, CallerEvent::kLogin), CallerState::kReady);
  EXPECT_EQ(*transition(CallerState::kReady, CallerEvent::kReserve), CallerState::kReserved);
  EXPECT_EQ(*transition(CallerState::kReserved, CallerEvent::kConnect), CallerState::kOnCall);
  EXPECT_EQ(*transition(CallerState::kOnCall, CallerEvent::kCallEnded), CallerState::kWrapUp);
  EXPECT_EQ(*transition(CallerState::kWrapUp, CallerEvent::kWrapDone), CallerState::kReady);
  EXPECT_EQ(*transition(CallerState::kReady, CallerEvent::kPause), CallerState::kPaused);
  EXPECT_EQ(*transition(CallerState::kOnCall, CallerEvent::kLegLost), CallerState::kLoggedOut);
  EXPECT_FALSE(transition(CallerState::kOnCall, CallerEvent::kLogout).isOk());
  EXPECT_FALSE(transition(CallerState::kLoggedOut, CallerEvent::kLegLost).isOk());
  EXPECT_FALSE(transition(CallerState::kPaused, CallerEvent::kReserve).isOk());
}

// One attempt per number at a time: E.164 numbers are kept as integers (a
// leading 1, then the digits), anything else as a string; neither form may let
// two different numbers share a lock.
TEST(NumberLocksTest, EachNumberLocksOnceWhateverItsForm) {
  NumberLocks locks;
  EXPECT_TRUE(locks.tryLock("+15550000001"));
  EXPECT_FALSE(locks.tryLock("+15550000001"));
  EXPECT_TRUE(locks.tryLock("+15550000002"));
  EXPECT_TRUE(locks.tryLock("+015550000001"));  // a leading zero is another number
  EXPECT_TRUE(locks.tryLock("15550000001"));    // not E.164: kept as it is written
  EXPECT_FALSE(locks.tryLock("15550000001"));
  EXPECT_TRUE(locks.tryLock("+1555000000x"));
  EXPECT_TRUE(locks.tryLock("+123456789012345678"));  // 18 digits: too long for the integer form
  EXPECT_FALSE(locks.tryLock("+123456789012345678"));
  EXPECT_EQ(locks.size(), 6u);
  EXPECT_TRUE(locks.held("+15550000001"));
  locks.unlock("+15550000001");
  EXPECT_FALSE(locks.held("+15550000001"));
  EXPECT_TRUE(locks.held("+015550000001"));
  locks.unlock("15550000001");
  EXPECT_FALSE(locks.held("15550000001"));
  EXPECT_TRUE(locks.tryLock("+15550000001"));
  EXPECT_EQ(locks.size(), 5u);
}

TEST(LeadQueueTest, CallbacksDueFirstThenPriorityThenListOrder) {
  LeadQueue q;
  q.add(lead("+15550000003", 3));
  q.add(lead("+15550000001", 1));
  q.add(lead("+15550000009", 9, /*priority=*/-1));
  Lead cb = lead("+15550000050", 50);
  cb.callback_due = at(5000);
  q.add(cb);
  Lead later = lead("+15550000000", 0);
  later.not_before = at(100000);
  q.add(later);
  EXPECT_EQ(q.popReady(at(0))->e164, "+15550000009");  // callback not due yet
  EXPECT_EQ(q.popReady(at(6000))->e164, "+15550000050");  // due callback first
  EXPECT_EQ(q.popReady(at(6000))->e164, "+15550000001");
  EXPECT_EQ(q.popReady(at(6000))->e164, "+15550000003");
  EXPECT_FALSE(q.popReady(at(6000)).has_value());
  EXPECT_EQ(*q.nextReadyAt(), at(100000));
  EXPECT_EQ(q.popReady(at(100000))->e164, "+15550000000");
}

TEST(RecyclePolicyTest, DelaysAndLimits) {
  RecyclePolicy p({{"no_answer", 60, 3}}, 5);
  EXPECT_EQ(*p.nextAttemptAt("no_answer", 1, at(0)), at(3600000));
  EXPECT_FALSE(p.nextAttemptAt("no_answer", 3, at(0)).has_value());
  EXPECT_FALSE(p.nextAttemptAt("support", 1, at(0)).has_value());
}

TEST(CampaignRuntimeTest, FullCallThroughWrapUp) {
  Rig r;
  r.rt->addLead(lead("+15550000001", 1));
  r.loginReady("alice", 0);
  ASSERT_EQ(r.tel.originated.size(), 1u);  // progressive: one ready caller → one dial
  EXPECT_EQ(r.tel.originated[0].to_e164, "+15550000001");
  EXPECT_GE(r.tel.originated[0].ring_timeout, Millis(15000));
  CallId id = r.tel.originated[0].call_id;
  EXPECT_EQ(r.auth.asked, 1);
  r.ev(K::kRinging, id, 1000);
  r.ev(K::kAnswered, id, 8000);
  EXPECT_TRUE(r.tel.bridges.empty());  // AMD on: wait for the verdict
  r.ev(K::kGreetingEnded, id, 9000);
  r.ev(K::kHuman, id, 9800);
  ASSERT_EQ(r.tel.bridges.size(), 1u);
  EXPECT_EQ(r.tel.bridges[0].second, "alice");
  EXPECT_EQ(*r.rt->callerState("alice"), CallerState::kReserved);
  EXPECT_EQ(r.events.count("screen_pop"), 1);
  r.ev(K::kBridged, id, 9800);
  EXPECT_EQ(*r.rt->callerState("alice"), CallerState::kOnCall);
  EXPECT_EQ(*r.rt->callState(id), CallState::kBridged);
  r.ev(K::kEnded, id, 70000);
  EXPECT_EQ(*r.rt->callerState("alice"), CallerState::kWrapUp);
  EXPECT_EQ(r.ledger.answered, 1);
  EXPECT_EQ(r.ledger.abandoned, 0);
  WrapUp w;
  w.disposition = "support";
  ASSERT_TRUE(r.rt->wrapUp("alice", w, at(80000)).isOk());
  EXPECT_EQ(*r.rt->callerState("alice"), CallerState::kReady);
  ASSERT_FALSE(r.records.leads.empty());
  EXPECT_EQ(r.records.leads.back().disposition, "support");
  EXPECT_TRUE(r.records.leads.back().final);
  EXPECT_EQ(r.records.recs.back().caller_ref, "alice");
  EXPECT_EQ(r.records.recs.back().site_id, "site-1");
  EXPECT_EQ(r.records.recs.back().authorization_id, "auth-+15550000001");
  EXPECT_EQ(r.records.recs.back().disposition, "support");
  EXPECT_EQ(r.records.recs.back().wrapped_at, at(80000));  // wrap-up ended with the disposition
  EXPECT_EQ(r.records.recs.back().ended_at, at(70000));
  ASSERT_EQ(r.rt->history().handles.end(), 1);
  EXPECT_EQ(r.rt->history().handles.at(0).talk, Millis(70000 - 9800));
  EXPECT_EQ(r.rt->history().handles.at(0).wrap, Millis(10000));
  EXPECT_FALSE(r.rt->history().handles.at(0).machine);  // "support": a person
  // Who answered when (the pacer reads people's answer ages from these).
  EXPECT_EQ(r.rt->history().handles.at(0).answer_age, Millis(8000));
  EXPECT_TRUE(r.rt->history().handles.at(0).screened);
  ASSERT_EQ(r.rt->history().live.end(), 1);
  EXPECT_EQ(r.rt->history().live.at(0).answer_age, Millis(8000));
  EXPECT_TRUE(r.rt->history().live.at(0).screened);
  EXPECT_FALSE(r.rt->history().live.at(0).abandoned);
}

// A caller who gives no disposition within wrap_up_max (VICIdial's "dispo max"; a SIP
// phone whose customer hung up unnoticed): the call is dispositioned wrap_up_timeout
// (final: no recycle rule names it), the caller is paused with that reason and routed
// nothing until made ready again, and the pacer learns no wrap-up time from it.
TEST(CampaignRuntimeTest, AWrapUpThatOutlastsItsLimitEndsWithTheCallerPaused) {
  Rig r(std::make_unique<ProgressivePacer>(), nullptr, 1, false, DialMode::kPredictive,
        Millis(60000));
  r.rt->addLead(lead("+15550000001", 1));
  r.loginReady("alice", 0);
  ASSERT_EQ(r.tel.originated.size(), 1u);
  CallId id = r.tel.originated[0].call_id;
  r.ev(K::kAnswered, id, 5000);  // no AMD: routed at once
  r.ev(K::kBridged, id, 5000);
  r.ev(K::kEnded, id, 20000);
  ASSERT_EQ(*r.rt->callerState("alice"), CallerState::kWrapUp);
  auto wake = r.rt->nextWakeAt();
  ASSERT_TRUE(wake.has_value());  // nothing else to wake for: the wrap-up's limit
  EXPECT_EQ(*wake, at(80000));
  r.rt->addLead(lead("+15550000002", 2));
  r.rt->tick(at(79999));
  EXPECT_EQ(*r.rt->callerState("alice"), CallerState::kWrapUp);
  r.rt->tick(at(80000));
  EXPECT_EQ(*r.rt->callerState("alice"), CallerState::kPaused);
  EXPECT_EQ(r.rt->callers().at(0).pause_reason, kWrapUpTimeout);
  EXPECT_EQ(r.records.recs.back().disposition, "wrap_up_timeout");
  EXPECT_EQ(r.records.recs.back().wrapped_at, at(80000));
  EXPECT_TRUE(r.records.leads.back().final);
  EXPECT_EQ(r.rt->history().handles.end(), 0);
  EXPECT_EQ(r.tel.originated.size(), 1u);  // a paused caller is dialed for by nobody
  ASSERT_TRUE(r.rt->unpause("alice", at(90000)).isOk());
  EXPECT_EQ(*r.rt->callerState("alice"), CallerState::kReady);
  EXPECT_EQ(r.tel.originated.size(), 2u);
  // Without a limit (the default) a wrap-up lasts as long as the caller takes.
  Rig unlimited(std::make_unique<ProgressivePacer>(), nullptr, 1, false);
  unlimited.rt->addLead(lead("+15550000003", 3));
  unlimited.loginReady("bob", 0);
  CallId b = unlimited.tel.originated.at(0).call_id;
  unlimited.ev(K::kAnswered, b, 5000);
  unlimited.ev(K::kBridged, b, 5000);
  unlimited.ev(K::kEnded, b, 20000);
  unlimited.rt->tick(at(24LL * 3600 * 1000));
  EXPECT_EQ(*unlimited.rt->callerState("bob"), CallerState::kWrapUp);
}

// A dial the network failed (5xx, trunk gone) is not the callee's doing: the lead is recorded
// network_error, not final, and dialed again — once a minute has passed, not before — while
// busy and invalid numbers take their own dispositions.
TEST(CampaignRuntimeTest, NetworkFailureRetriesTheLeadAfterAMinute) {
  Rig r;
  r.rt->addLead(lead("+15550000001", 1));
  r.loginReady("alice", 0);
  ASSERT_EQ(r.tel.originated.size(), 1u);
  const CallId first = r.tel.originated[0].call_id;
  r.ev(K::kEnded, first, 500, HangupCause::kCongestion);
  ASSERT_FALSE(r.records.leads.empty());
  EXPECT_EQ(r.records.leads.back().disposition, "network_error");
  EXPECT_FALSE(r.records.leads.back().final);
  ASSERT_TRUE(r.records.leads.back().next_attempt_at.has_value());
  EXPECT_EQ(*r.records.leads.back().next_attempt_at, at(500 + 60000));
  EXPECT_EQ(r.rt->linesInUse(), 0);
  r.rt->tick(at(30000));
  EXPECT_EQ(r.tel.originated.size(), 1u);  // not before the minute is up
  r.rt->tick(at(60500));
  ASSERT_EQ(r.tel.originated.size(), 2u);
  EXPECT_EQ(r.tel.originated[1].to_e164, "+15550000001");
  EXPECT_NE(r.tel.originated[1].call_id, first);
  r.ev(K::kEnded, r.tel.originated[1].call_id, 61000, HangupCause::kBusy);
  EXPECT_EQ(r.records.leads.back().disposition, "busy");
}

TEST(CampaignRuntimeTest, SafeHarborWhenNoCallerWithinGrace) {
  Rig r(std::make_unique<FixedRatioPacer>(2.0));
  auto [a, b] = r.twoDialsForAlice();
  r.ev(K::kAnswered, a, 5000);
  r.ev(K::kGreetingEnded, a, 6000);
  r.ev(K::kHuman, a, 6800);
  r.ev(K::kBridged, a, 6800);
  r.ev(K::kAnswered, b, 7000);
  r.ev(K::kGreetingEnded, b, 8000);
  r.ev(K::kHuman, b, 8800);
  EXPECT_TRUE(r.tel.safe_harbor.empty());
  ASSERT_TRUE(r.rt->nextWakeAt().has_value());
  EXPECT_EQ(*r.rt->nextWakeAt(), at(10000));  // greeting end + 2 s
  r.rt->tick(at(9999));
  EXPECT_TRUE(r.tel.safe_harbor.empty());
  r.rt->tick(at(10000));
  ASSERT_EQ(r.tel.safe_harbor.size(), 1u);
  EXPECT_EQ(r.tel.safe_harbor[0], b);
  EXPECT_EQ(*r.rt->callState(b), CallState::kAbandoned);
  EXPECT_EQ(r.ledger.abandoned, 1);
  EXPECT_EQ(r.ledger.answered, 2);
  r.ev(K::kEnded, b, 15000, HangupCause::kSafeHarborDone);
  EXPECT_EQ(r.records.leads.back().disposition, "abandoned");
}

// R2 counts the 2 s from the end of the callee's greeting, as the edge's
// detector hears it (on every answered call, AMD or not). Until a greeting end
// is reported, and if none ever is (silence, a long greeting), the grace counts
// from the answer, the earliest the greeting can have ended (fail-closed). A
// greeting end reported late, dated at the end itself, moves the deadline.
TEST(CampaignRuntimeTest, WithoutAGreetingEndTheGraceCountsFromTheAnswer) {
  for (const bool amd : {false, true}) {
    for (const bool heard : {false, true}) {
      SCOPED_TRACE(std::string(amd ? "with AMD" : "without AMD") +
                   (heard ? ", greeting end heard" : ", none"));
      Rig r(std::make_unique<FixedRatioPacer>(2.0), nullptr, 1, amd);
      auto [a, b] = r.twoDialsForAlice();
      r.ev(K::kAnswered, a, 5000);
      if (amd) r.ev(K::kHuman, a, 6800);
      r.ev(K::kBridged, a, amd ? 6800 : 5100);
      r.ev(K::kAnswered, b, 7000);
      // The edge's detector hears 0.5 s of silence after a greeting that ended
      // at 7.7 s, and reports it dated 7.7 s (with AMD: before its verdict).
      r.rt->tick(at(8200));
      if (heard) r.ev(K::kGreetingEnded, b, 7700);
      if (amd) r.ev(K::kHuman, b, 8200);
      EXPECT_EQ(*r.rt->callState(b), CallState::kAnswered);
      r.rt->tick(at(9100));
      EXPECT_EQ(*r.rt->callState(b), heard ? CallState::kAnswered : CallState::kAbandoned);
      r.rt->tick(at(9800));
      EXPECT_EQ(*r.rt->callState(b), CallState::kAbandoned);
      EXPECT_EQ(r.ledger.abandoned, 1);
      // The pacer's live record of the abandon: answered 7 s after the dial
      // (at 0), placed with AMD or without it.
      const auto& live = r.rt->history().live;
      ASSERT_GE(live.end(), 1);
      const LiveRecord& l = live.at(live.end() - 1);
      EXPECT_TRUE(l.abandoned);
      EXPECT_EQ(l.answer_age, Millis(7000));
      EXPECT_EQ(l.screened, amd);
    }
  }
}

// The edge's safety net (sip/libre_telephony.h) prompts a callee this runtime
// still has waiting, before its deadline here (a stalled loop, or an edge whose
// net is shorter than the grace): a person who heard the prompt was not
// connected, so the call is abandoned in the ledger and recycled as abandoned.
TEST(CampaignRuntimeTest, ACalleeTheEdgesSafetyNetPromptedIsAbandoned) {
  Rig r(std::make_unique<FixedRatioPacer>(2.0), nullptr, 1, false);
  auto [a, b] = r.twoDialsForAlice();
  r.ev(K::kAnswered, a, 5000);
  r.ev(K::kBridged, a, 5000);
  r.ev(K::kAnswered, b, 6000);
  r.ev(K::kGreetingEnded, b, 6500);  // deadline here: 8.5 s
  EXPECT_EQ(*r.rt->callState(b), CallState::kAnswered);
  r.ev(K::kSafeHarborPlayed, b, 8000);
  r.ev(K::kEnded, b, 8000, HangupCause::kSafeHarborDone);
  EXPECT_EQ(r.ledger.abandoned, 1);
  EXPECT_EQ(r.ledger.answered, 2);
  EXPECT_TRUE(r.records.recs.back().abandoned);
  EXPECT_EQ(r.records.leads.back().disposition, "abandoned");
  EXPECT_FALSE(r.records.leads.back().final);  // an abandoned callee is called again, later
  // A callee who hangs up while waiting is a live answer, not an abandonment by us.
  r.ev(K::kEnded, a, 9000);
  ASSERT_TRUE(r.rt->wrapUp("alice", WrapUp{}, at(9000)).isOk());
  r.rt->tick(at(9500));
  ASSERT_GE(r.tel.originated.size(), 4u);
  CallId c = r.tel.originated[2].call_id, d = r.tel.originated[3].call_id;
  r.ev(K::kAnswered, c, 10000);
  r.ev(K::kBridged, c, 10000);
  r.ev(K::kAnswered, d, 10500);
  r.ev(K::kEnded, d, 11000);
  EXPECT_EQ(r.ledger.abandoned, 1);
  EXPECT_EQ(r.ledger.answered, 4);
}

TEST(CampaignRuntimeTest, WaitingCalleeTakesACallerFreedWithinGrace) {
  Rig r(std::make_unique<FixedRatioPacer>(2.0));
  auto [a, b] = r.twoDialsForAlice();
  r.ev(K::kAnswered, a, 5000);
  r.ev(K::kHuman, a, 6000);
  r.ev(K::kBridged, a, 6000);
  r.ev(K::kEnded, a, 7000);
  r.ev(K::kAnswered, b, 7000);
  r.ev(K::kGreetingEnded, b, 8000);
  r.ev(K::kHuman, b, 8800);
  ASSERT_TRUE(r.rt->wrapUp("alice", WrapUp{}, at(9000)).isOk());
  ASSERT_EQ(r.tel.bridges.size(), 2u);
  EXPECT_EQ(r.tel.bridges[1].first, b);
  EXPECT_TRUE(r.tel.safe_harbor.empty());
}

// Two callees wait for one caller: the one whose grace ends first is routed
// first, whatever the order they answered in. Without AMD, b (answered first,
// no greeting end heard: its grace is counted from the answer plus an
// allowance) can wait; c's greeting has ended, so its 2 seconds are running.
TEST(CampaignRuntimeTest, WaitingCalleesAreRoutedEarliestDeadlineFirst) {
  Rig r(std::make_unique<FixedRatioPacer>(3.0), nullptr, 1, /*amd=*/false);
  for (int i = 0; i < 6; ++i) r.rt->addLead(lead("+1555000000" + std::to_string(i), i));
  r.loginReady("alice", 0);
  ASSERT_GE(r.tel.originated.size(), 3u);
  const CallId a = r.tel.originated[0].call_id, b = r.tel.originated[1].call_id,
               c = r.tel.originated[2].call_id;
  r.ev(K::kAnswered, a, 5000);
  ASSERT_EQ(r.tel.bridges.size(), 1u);
  r.ev(K::kBridged, a, 5000);
  r.ev(K::kAnswered, b, 10000);  // deadline 10 s + 2 s + 1.5 s = 13.5 s
  r.ev(K::kAnswered, c, 10500);
  r.ev(K::kGreetingEnded, c, 11000);  // deadline 13 s
  r.ev(K::kEnded, a, 11500);
  ASSERT_TRUE(r.rt->wrapUp("alice", WrapUp{}, at(12000)).isOk());
  ASSERT_EQ(r.tel.bridges.size(), 2u);
  EXPECT_EQ(r.tel.bridges[1].first, c);
  r.rt->tick(at(13600));  // b's grace is over: the safe-harbor message, abandoned
  ASSERT_EQ(r.tel.safe_harbor.size(), 1u);
  EXPECT_EQ(r.tel.safe_harbor[0], b);
}

TEST(CampaignRuntimeTest, MachineIsHungUpNotRouted) {
  Rig r;
  r.rt->addLead(lead("+15550000001", 1));
  r.loginReady("alice", 0);
  CallId id = r.tel.originated[0].call_id;
  r.ev(K::kAnswered, id, 5000);
  r.ev(K::kMachine, id, 8000);
  EXPECT_TRUE(r.tel.bridges.empty());
  ASSERT_EQ(r.tel.hangups.size(), 1u);
  EXPECT_EQ(*r.rt->callState(id), CallState::kMachine);
  r.ev(K::kEnded, id, 8100);
  EXPECT_EQ(r.records.leads.back().disposition, "machine");
  EXPECT_FALSE(r.records.leads.back().final);  // default rules recycle machines
  EXPECT_EQ(r.ledger.answered, 0);
}

TEST(CampaignRuntimeTest, AmdSwitchedWhileRunningAppliesToNewDialsOnly) {
  Rig r(std::make_unique<FixedRatioPacer>(1.0));
  for (int i = 0; i < 3; ++i) r.rt->addLead(lead("+1555000000" + std::to_string(i), i));
  r.loginReady("alice", 0);
  ASSERT_EQ(r.tel.originated.size(), 1u);
  CallId a = r.tel.originated[0].call_id;
  EXPECT_TRUE(r.tel.originated[0].detect_machine);
  // The campaign's amd goes off while call a rings: a keeps AMD (it waits for
  // the verdict; a machine is still hung up), the next dial has none.
  r.rt->setDetectMachine(false);
  r.ev(K::kAnswered, a, 5000);
  EXPECT_TRUE(r.tel.bridges.empty());
  r.ev(K::kMachine, a, 6000);
  EXPECT_EQ(*r.rt->callState(a), CallState::kMachine);
  r.ev(K::kEnded, a, 6100);
  r.rt->tick(at(6200));
  ASSERT_EQ(r.tel.originated.size(), 2u);
  CallId b = r.tel.originated[1].call_id;
  EXPECT_FALSE(r.tel.originated[1].detect_machine);
  r.ev(K::kAnswered, b, 9000);  // no AMD: routed at the answer
  ASSERT_EQ(r.tel.bridges.size(), 1u);
  EXPECT_EQ(r.tel.bridges[0].first, b);
  // A late verdict for a call dialed without AMD changes nothing.
  r.ev(K::kMachine, b, 9500);
  EXPECT_NE(*r.rt->callState(b), CallState::kMachine);
}

TEST(CampaignRuntimeTest, PacerMayDialWithoutAmdAndIsToldWhomAmdJudged) {
  // Fixed ratio 1, with the pacer's say over AMD for the dials it asks for.
  struct Chooser : Pacer {
    FixedRatioPacer inner{1.0};
    bool screen = true;
    double verdict_share = -1;
    std::string_view name() const override { return "chooser"; }
    PacerDecision decide(const PacerInput& in) override {
      verdict_share = in.amd_verdict_share;
      PacerDecision d = inner.decide(in);
      d.screen = screen;
      return d;
    }
  };
  auto owned = std::make_unique<Chooser>();
  Chooser* pacer = owned.get();
  pacer->screen = false;
  Rig r(std::move(owned));
  for (int i = 0; i < 3; ++i) r.rt->addLead(lead("+1555000000" + std::to_string(i), i));
  r.loginReady("alice", 0);
  ASSERT_EQ(r.tel.originated.size(), 1u);
  const CallId a = r.tel.originated[0].call_id;
  EXPECT_FALSE(r.tel.originated[0].detect_machine);  // the campaign has AMD; the pacer said no
  r.ev(K::kAnswered, a, 5000);
  ASSERT_EQ(r.tel.bridges.size(), 1u);  // no screening: routed at the answer
  EXPECT_EQ(r.tel.bridges[0].first, a);
  // One paced dial, placed without AMD: half the people are taken to be
  // screened ((0 + 1) / (1 + 1)), so no false positive is counted for a.
  EXPECT_DOUBLE_EQ(pacer->verdict_share, 0.5);
  r.ev(K::kBridged, a, 5100);
  r.ev(K::kEnded, a, 20000);
  pacer->screen = true;
  // Alice heard an answering machine: the pacer's handle record says so (it
  // reads the ledger's live answers in people by that share).
  WrapUp heard_machine;
  heard_machine.disposition = "machine";
  ASSERT_TRUE(r.rt->wrapUp("alice", heard_machine, at(21000)).isOk());
  ASSERT_EQ(r.rt->history().handles.end(), 1);
  EXPECT_TRUE(r.rt->history().handles.at(0).machine);
  EXPECT_FALSE(r.rt->history().handles.at(0).screened);
  EXPECT_EQ(r.rt->history().handles.at(0).answer_age, Millis(5000));
  ASSERT_EQ(r.tel.originated.size(), 2u);
  const CallId b = r.tel.originated[1].call_id;
  EXPECT_TRUE(r.tel.originated[1].detect_machine);  // screened again from the next decision on
  r.ev(K::kAnswered, b, 25000);
  EXPECT_EQ(r.tel.bridges.size(), 1u);  // waits for AMD's verdict
  r.ev(K::kMachine, b, 27000);
  EXPECT_EQ(*r.rt->callState(b), CallState::kMachine);
  // The caller is free again and the third lead is dialed, with AMD. Three paced
  // dials, two with AMD, no late verdict: (0 + 1) / (0 + 1) · (2 + 1) / (3 + 1).
  ASSERT_EQ(r.tel.originated.size(), 3u);
  EXPECT_TRUE(r.tel.originated[2].detect_machine);
  r.rt->tick(at(27100));
  EXPECT_DOUBLE_EQ(pacer->verdict_share, 0.75);
}

// The runtime keeps the callers' counts by state as they change and hands them
// to every decision (PacerInput::counts); a pacer that does not read each
// caller and dial (Pacer::readsViews) gets no views, only the counts and the
// number of dials in flight (PacerInput::dials). Calls AMD is still judging are
// counted as they change too (PacerInput::screening).
TEST(CampaignRuntimeTest, PacerSeesCallerCountsAndScreeningAsTheyChange) {
  struct Spy : Pacer {
    ProgressivePacer inner;
    CallerCounts counts;
    size_t views = 99, dial_views = 99;
    int screening = -1, dials = -1;
    std::string_view name() const override { return "spy"; }
    bool readsViews() const override { return false; }
    PacerDecision decide(const PacerInput& in) override {
      EXPECT_TRUE(in.counts.has_value());
      if (in.counts) counts = *in.counts;
      views = in.callers.size();
      dial_views = in.in_flight.size();
      dials = dialsInFlight(in);
      screening = in.screening;
      return inner.decide(in);
    }
  };
  auto owned = std::make_unique<Spy>();
  Spy* spy = owned.get();
  Rig r(std::move(owned));
  for (int i = 0; i < 4; ++i) r.rt->addLead(lead("+1555000000" + std::to_string(i), i));
  auto expect = [&](int64_t t, int logged_in, int ready, int on_call, int wrap_up, int paused,
                    int screening, int dials) {
    r.rt->tick(at(t));
    EXPECT_EQ(spy->views, 0u) << "at " << t;
    EXPECT_EQ(spy->dial_views, 0u) << "at " << t;
    EXPECT_EQ(spy->dials, dials) << "at " << t;
    EXPECT_EQ(spy->counts.logged_in, logged_in) << "at " << t;
    EXPECT_EQ(spy->counts.ready, ready) << "at " << t;
    EXPECT_EQ(spy->counts.on_call, on_call) << "at " << t;
    EXPECT_EQ(spy->counts.wrap_up, wrap_up) << "at " << t;
    EXPECT_EQ(spy->counts.paused, paused) << "at " << t;
    EXPECT_EQ(spy->screening, screening) << "at " << t;
  };
  r.loginReady("alice", 0);
  expect(50, 1, 1, 0, 0, 0, 0, 1);
  r.loginReady("bob", 100);
  expect(150, 2, 2, 0, 0, 0, 0, 2);
  ASSERT_EQ(r.tel.originated.size(), 2u);  // progressive: one dial per ready caller
  const CallId a = r.tel.originated[0].call_id;
  const CallId b = r.tel.originated[1].call_id;
  ASSERT_TRUE(r.rt->pause("bob", "lunch", at(200)).isOk());
  expect(250, 2, 1, 0, 0, 1, 0, 2);
  r.ev(K::kAnswered, a, 5000);
  expect(5050, 2, 1, 0, 0, 1, 1, 1);  // a is in AMD screening, b rings
  r.ev(K::kGreetingEnded, a, 5600);
  r.ev(K::kHuman, a, 6000);
  r.ev(K::kBridged, a, 6000);
  expect(6050, 2, 0, 1, 0, 1, 0, 1);
  r.ev(K::kEnded, b, 7000, HangupCause::kNoAnswer);
  r.ev(K::kEnded, a, 30000);
  expect(30050, 2, 0, 0, 1, 1, 0, 0);
  ASSERT_TRUE(r.rt->logout("bob", at(31000)).isOk());
  expect(31050, 1, 0, 0, 1, 0, 0, 0);
  ASSERT_TRUE(r.rt->wrapUp("alice", WrapUp{}, at(40000)).isOk());
  expect(40050, 1, 1, 0, 0, 0, 0, 1);  // alice's next dial
}

// A pacer may ring its dials shorter than the campaign (PacerDecision::
// ring_timeout), never below the legal 15 s nor above the campaign's 25 s. The
// dial carries the timeout it was placed with to the edge, to the pacer's view
// of it in flight and to its record when it resolves (with its answer age).
TEST(CampaignRuntimeTest, APacersRingTimeoutStaysWithinTheMinimumAndTheCampaigns) {
  struct Ringer : Pacer {
    int dial = 0;
    Millis ring{0};
    Millis campaign{0};
    std::vector<DialView> flight;
    std::string_view name() const override { return "ringer"; }
    PacerDecision decide(const PacerInput& in) override {
      campaign = in.ring_timeout;
      flight.assign(in.in_flight.begin(), in.in_flight.end());
      PacerDecision d;
      d.dial = std::exchange(dial, 0);
      d.ring_timeout = ring;
      return d;
    }
  };
  auto owned = std::make_unique<Ringer>();
  Ringer* pacer = owned.get();
  Rig r(std::move(owned));
  for (int i = 0; i < 6; ++i) r.rt->addLead(lead("+1555000000" + std::to_string(i), i));
  r.loginReady("alice", 0);
  const std::pair<int64_t, int64_t> asked_placed[] = {
      {18000, 18000}, {5000, 15000}, {60000, 25000}, {0, 25000}};
  int64_t t = 100;
  for (const auto& [asked, placed] : asked_placed) {
    pacer->dial = 1;
    pacer->ring = Millis(asked);
    r.rt->tick(at(t += 100));
    ASSERT_FALSE(r.tel.originated.empty());
    EXPECT_EQ(r.tel.originated.back().ring_timeout, Millis(placed)) << asked;
  }
  ASSERT_EQ(r.tel.originated.size(), 4u);
  EXPECT_EQ(pacer->campaign, Millis(25000));
  // The dashboard's figures: two dials rang shorter than the campaign's 25 s;
  // the last decision asked for the whole timeout.
  EXPECT_EQ(r.rt->counters().short_ring_dials, 2);
  Json m = r.rt->metrics(at(t));
  EXPECT_EQ(m["short_ring_dials"], 2);
  EXPECT_EQ(m["ring_timeout_s"], 25.0);
  EXPECT_EQ(m["ring_timeout_now_s"], 25.0);
  r.rt->tick(at(t += 100));
  ASSERT_EQ(pacer->flight.size(), 4u);
  std::vector<int64_t> rings;
  for (const DialView& v : pacer->flight) rings.push_back(v.ring_timeout.count());
  std::sort(rings.begin(), rings.end());
  EXPECT_EQ(rings, (std::vector<int64_t>{15000, 18000, 25000, 25000}));
  // The first dial ends unanswered at its 18 s; the second is answered at 9 s.
  r.ev(K::kEnded, r.tel.originated[0].call_id, 18000, HangupCause::kNoAnswer);
  r.ev(K::kAnswered, r.tel.originated[1].call_id, 9200);
  r.ev(K::kMachine, r.tel.originated[1].call_id, 12000);
  const auto& dials = r.rt->history().dials;
  ASSERT_EQ(dials.end() - dials.begin(), 2);
  EXPECT_EQ(dials.at(dials.begin()).ring_timeout, Millis(18000));
  EXPECT_EQ(dials.at(dials.begin()).answer_age, Millis(-1));
  EXPECT_EQ(dials.at(dials.begin() + 1).ring_timeout, Millis(15000));
  EXPECT_EQ(dials.at(dials.begin() + 1).outcome, DialOutcome::kMachine);
  EXPECT_EQ(dials.at(dials.begin() + 1).answer_age, Millis(9200 - 300));  // dialed at 300
}

TEST(CampaignRuntimeTest, ComplianceDecisionForEveryLeadAtDialTime) {
  Rig r(std::make_unique<FixedRatioPacer>(3.0));
  r.auth.verdicts["+15550000001"] = Verdict::kDeny;
  r.auth.verdicts["+15550000002"] = Verdict::kDefer;
  for (int i = 1; i <= 4; ++i) r.rt->addLead(lead("+1555000000" + std::to_string(i), i));
  r.loginReady("alice", 0);
  EXPECT_EQ(r.auth.asked, 4);
  ASSERT_EQ(r.tel.originated.size(), 2u);
  EXPECT_EQ(r.tel.originated[0].to_e164, "+15550000003");
  EXPECT_EQ(r.rt->counters().denied, 1);
  EXPECT_EQ(r.rt->counters().deferred, 1);
  EXPECT_EQ(*r.rt->nextWakeAt(), at(60000));  // the deferred lead comes back
}

// R11: a lead the policy will not let an autodialer call but would let a
// human-initiated dial call (now, or from `until`) is neither dialed nor
// dropped: it leaves the autodial queue for the routed queue, non-final.
TEST(CampaignRuntimeTest, RouteToModeDecisionRequeuesTheLeadForThatMode) {
  Rig r(std::make_unique<FixedRatioPacer>(3.0));
  r.auth.verdicts["+15550000001"] = Verdict::kDeny;
  r.auth.routes["+15550000001"] = DialMode::kHumanInitiated;
  r.auth.verdicts["+15550000002"] = Verdict::kDefer;
  r.auth.routes["+15550000002"] = DialMode::kHumanInitiated;
  for (int i = 1; i <= 3; ++i) r.rt->addLead(lead("+1555000000" + std::to_string(i), i));
  r.loginReady("alice", 0);
  ASSERT_EQ(r.tel.originated.size(), 1u);
  EXPECT_EQ(r.tel.originated[0].to_e164, "+15550000003");
  EXPECT_EQ(r.rt->counters().routed, 2);
  EXPECT_EQ(r.rt->counters().denied, 0);
  EXPECT_EQ(r.rt->leadsQueued(), 0u);  // the autodialer will not ask again
  ASSERT_EQ(r.rt->routedLeads().size(), 2u);
  EXPECT_EQ(r.rt->routedLeads()[0].lead.e164, "+15550000001");
  EXPECT_EQ(r.rt->routedLeads()[0].mode, DialMode::kHumanInitiated);
  EXPECT_FALSE(r.rt->routedLeads()[0].until.has_value());
  EXPECT_EQ(r.rt->routedLeads()[1].until, at(60000));
  EXPECT_EQ(r.rt->routedLeads()[1].lead.not_before, at(60000));
  EXPECT_EQ(r.rt->routedLeads()[1].authorization_id, "auth-+15550000002");
  ASSERT_EQ(r.records.leads.size(), 2u);
  for (const auto& u : r.records.leads) {
    EXPECT_FALSE(u.final);
    EXPECT_EQ(u.disposition, "route_to_human_initiated");
  }
  EXPECT_EQ(r.records.leads[1].next_attempt_at, at(60000));
  auto taken = r.rt->takeRoutedLeads();
  EXPECT_EQ(taken.size(), 2u);
  EXPECT_TRUE(r.rt->routedLeads().empty());
}

// R3: the abandonment budget is spent, so the policy denies predictive dials
// and routes them to progressive: the campaign dials 1:1 (authorized as
// progressive) for a while instead of dropping the leads.
TEST(CampaignRuntimeTest, ProgressiveFallbackWhenPolicyRoutesPredictiveToProgressive) {
  struct BudgetSpent : DialAuthorizer {
    std::vector<DialMode> modes;
    Decision authorize(const DialAttempt& a, TimePoint) override {
      modes.push_back(a.mode);
      Decision d;
      d.authorization_id = "auth-" + std::to_string(modes.size());
      if (a.mode == DialMode::kPredictive) {
        d.verdict = Verdict::kDeny;
        d.rules = {"R3"};
        d.route_to_mode = DialMode::kProgressive;
      } else {
        d.verdict = Verdict::kAllow;
      }
      return d;
    }
  } spent;
  Rig r(std::make_unique<FixedRatioPacer>(3.0));
  RuntimeOptions o = r.rt->options();
  RuntimePorts p;
  p.telephony = &r.tel;
  p.authorizer = &spent;
  p.ledger = &r.ledger;
  p.gate = &r.gate;
  p.ids = &r.ids;
  p.records = &r.records;
  r.rt = std::make_unique<CampaignRuntime>(o, p, std::make_unique<FixedRatioPacer>(3.0));
  for (int i = 1; i <= 5; ++i) r.rt->addLead(lead("+1555000000" + std::to_string(i), i));
  r.loginReady("alice", 0);
  r.rt->tick(at(100));
  // One ready caller: 1:1, not 3:1; the denied lead was not dropped.
  ASSERT_EQ(r.tel.originated.size(), 1u);
  EXPECT_EQ(r.tel.originated[0].to_e164, "+15550000001");
  ASSERT_GE(spent.modes.size(), 2u);
  EXPECT_EQ(spent.modes[0], DialMode::kPredictive);
  EXPECT_EQ(spent.modes[1], DialMode::kProgressive);
  EXPECT_EQ(r.rt->counters().mode_fallbacks, 1);
  EXPECT_EQ(r.rt->counters().denied, 0);
  EXPECT_EQ(r.rt->leadsQueued(), 4u);
  EXPECT_TRUE(r.rt->routedLeads().empty());
  // After the hold, predictive is asked for again.
  r.tel.up = true;
  size_t asked = spent.modes.size();
  CallId id = r.tel.originated[0].call_id;
  r.ev(K::kEnded, id, 20000, HangupCause::kNoAnswer);
  ASSERT_GT(spent.modes.size(), asked);
  EXPECT_EQ(spent.modes[asked], DialMode::kPredictive);
}

// Every finished attempt is told back to the authorizer (caps, repeat rules).
TEST(CampaignRuntimeTest, NoteDialAfterEveryFinishedAttempt) {
  Rig r;
  r.rt->addLead(lead("+15550000001", 1));
  r.loginReady("alice", 0);
  ASSERT_EQ(r.tel.originated.size(), 1u);
  CallId id = r.tel.originated[0].call_id;
  r.ev(K::kRinging, id, 1000);
  r.ev(K::kAnswered, id, 8000);
  r.ev(K::kGreetingEnded, id, 9000);
  r.ev(K::kHuman, id, 9800);
  r.ev(K::kBridged, id, 9800);
  r.ev(K::kEnded, id, 30000);
  EXPECT_TRUE(r.auth.noted.empty());  // not before the disposition
  WrapUp w;
  w.disposition = "contacted";
  w.final = true;
  ASSERT_TRUE(r.rt->wrapUp("alice", w, at(31000)).isOk());
  ASSERT_EQ(r.auth.noted.size(), 1u);
  const CompletedDial& o = r.auth.noted[0];
  EXPECT_EQ(o.e164, "+15550000001");
  EXPECT_EQ(o.campaign_id, CampaignId(1));
  EXPECT_EQ(o.at, at(0));
  EXPECT_TRUE(o.live_answered);
  EXPECT_FALSE(o.abandoned);
  EXPECT_FALSE(o.machine);
  EXPECT_EQ(o.disposition, "contacted");
}

TEST(CampaignRuntimeTest, NeverTwoAttemptsOnOneNumberAcrossCampaigns) {
  NumberLocks org_locks;
  Rig a(std::make_unique<ProgressivePacer>(), &org_locks, 1);
  Rig b(std::make_unique<ProgressivePacer>(), &org_locks, 2);
  a.rt->addLead(lead("+15550000001", 1));
  b.rt->addLead(lead("+15550000001", 1));
  b.rt->addLead(lead("+15550000002", 2));
  a.loginReady("alice", 0);
  b.loginReady("bob", 0);
  ASSERT_EQ(a.tel.originated.size(), 1u);
  ASSERT_EQ(b.tel.originated.size(), 1u);
  EXPECT_EQ(b.tel.originated[0].to_e164, "+15550000002");
  EXPECT_EQ(b.rt->counters().locked_skips, 1);
  // When campaign 1's attempt ends, the number is free again.
  a.ev(K::kEnded, a.tel.originated[0].call_id, 25000, HangupCause::kNoAnswer);
  EXPECT_FALSE(org_locks.held("+15550000001"));
}

TEST(CampaignRuntimeTest, GateRefusalAtRoutingPausesThatCallerAndTriesTheNext) {
  Rig r(std::make_unique<ProgressivePacer>());
  r.gate.deny = "alice";
  r.rt->addLead(lead("+15550000001", 1));
  r.rt->addLead(lead("+15550000002", 2));
  r.loginReady("alice", 0);
  r.loginReady("bob", 1);
  CallId id = r.tel.originated[0].call_id;
  r.ev(K::kAnswered, id, 5000);
  r.ev(K::kHuman, id, 6000);
  ASSERT_EQ(r.tel.bridges.size(), 1u);
  EXPECT_EQ(r.tel.bridges[0].second, "bob");
  EXPECT_EQ(*r.rt->callerState("alice"), CallerState::kPaused);
  EXPECT_EQ(r.events.count("gate.refused"), 1);
}

TEST(CampaignRuntimeTest, GatePausedCallerIsReadmittedWhenTheChainAllowsAgain) {
  Rig r(std::make_unique<ProgressivePacer>());
  r.gate.deny = "alice";
  r.rt->addLead(lead("+15550000001", 1));
  r.rt->addLead(lead("+15550000002", 2));
  r.rt->addLead(lead("+15550000003", 3));
  r.loginReady("alice", 0);
  r.loginReady("bob", 1);
  CallId first = r.tel.originated[0].call_id;
  r.ev(K::kAnswered, first, 5000);
  r.ev(K::kHuman, first, 6000);
  ASSERT_EQ(*r.rt->callerState("alice"), CallerState::kPaused);
  // Still refused: stays paused, with the gate's reason.
  EXPECT_EQ(r.rt->readmitGatePaused(at(7000)), 0);
  EXPECT_EQ(*r.rt->callerState("alice"), CallerState::kPaused);
  // A caller who paused themself is not the gate's to readmit.
  ASSERT_EQ(*r.rt->callerState("bob"), CallerState::kReserved);
  // The chain is put right: alice is ready again and takes the next answered call.
  r.gate.deny = "";
  EXPECT_EQ(r.rt->readmitGatePaused(at(8000)), 1);
  EXPECT_EQ(*r.rt->callerState("alice"), CallerState::kReady);
  EXPECT_EQ(r.events.count("gate.readmitted"), 1);
  EXPECT_EQ(r.rt->readmitGatePaused(at(8500)), 0);
  CallId next = r.tel.originated.back().call_id;
  ASSERT_NE(next.value, first.value);
  r.ev(K::kAnswered, next, 9000);
  r.ev(K::kHuman, next, 9500);
  ASSERT_EQ(r.tel.bridges.size(), 2u);
  EXPECT_EQ(r.tel.bridges[1].second, "alice");
}

TEST(CampaignRuntimeTest, SelfPausedCallerIsNotReadmittedByTheGate) {
  Rig r(std::make_unique<ProgressivePacer>());
  r.loginReady("alice", 0);
  ASSERT_TRUE(r.rt->pause("alice", "lunch", at(1000)).isOk());
  EXPECT_EQ(r.rt->readmitGatePaused(at(2000)), 0);
  EXPECT_EQ(*r.rt->callerState("alice"), CallerState::kPaused);
}

TEST(CampaignRuntimeTest, LogoutDuringCallWaitsForWrapUp) {
  Rig r;
  CallId id = r.callBridgedToAlice();
  ASSERT_TRUE(r.rt->logout("alice", at(7000)).isOk());
  EXPECT_EQ(*r.rt->callerState("alice"), CallerState::kOnCall);
  r.ev(K::kEnded, id, 30000);
  ASSERT_TRUE(r.rt->wrapUp("alice", WrapUp{}, at(40000)).isOk());
  EXPECT_EQ(*r.rt->callerState("alice"), CallerState::kLoggedOut);
  ASSERT_EQ(r.tel.closed.size(), 1u);
}

// The fakes a hand-built runtime needs, for a UK commercial predictive campaign (id 7).
struct UkRig {
  FakeTelephony tel;
  FakeAuthorizer auth;
  FakeLedger ledger;
  AllowAllCallerGate gate;
  CounterCallIdSource ids;
  Records records;
  RuntimePorts ports() { return RuntimePorts{&tel, &auth, &ledger, &gate, &ids, nullptr, &records, nullptr}; }
  static RuntimeOptions options(bool amd, Millis grace, GraceReference from) {
    RuntimeOptions o;
    o.campaign = newCampaign("uk", PurposeClass::kCommercial);
    o.campaign.id = CampaignId(7);
    o.campaign.dial_mode = DialMode::kPredictive;
    o.campaign.jurisdictions = {"UK"};
    o.detect_machine = amd;
    o.grace = grace;
    o.grace_from = from;
    return o;
  }
};

TEST(CampaignRuntimeTest, ZeroGraceAbandonsAtOnceAndUk72hHoldsTheLead) {
  UkRig rig;
  FakeTelephony& tel = rig.tel;
  Records& records = rig.records;
  CampaignRuntime rt(UkRig::options(false, Millis(0), GraceReference::kAnswer), rig.ports(),
                     std::make_unique<FixedRatioPacer>(2.0));
  rt.addLead(lead("+447700900001", 1));
  rt.addLead(lead("+447700900002", 2));
  ASSERT_TRUE(rt.login("a", at(0)).isOk());
  TelephonyEvent up{K::kCallerLegUp, CallId(), "a", HangupCause::kNormal, 0, at(0)};
  rt.onTelephonyEvent(up);
  ASSERT_EQ(tel.originated.size(), 2u);
  TelephonyEvent e1{K::kAnswered, tel.originated[0].call_id, "", HangupCause::kNormal, 0, at(1000)};
  rt.onTelephonyEvent(e1);
  TelephonyEvent b1{K::kBridged, tel.originated[0].call_id, "", HangupCause::kNormal, 0, at(1000)};
  rt.onTelephonyEvent(b1);
  TelephonyEvent e2{K::kAnswered, tel.originated[1].call_id, "", HangupCause::kNormal, 0, at(2000)};
  rt.onTelephonyEvent(e2);
  ASSERT_EQ(tel.safe_harbor.size(), 1u);  // nobody free, zero grace
  TelephonyEvent x{K::kEnded, tel.originated[1].call_id, "", HangupCause::kSafeHarborDone, 0, at(9000)};
  rt.onTelephonyEvent(x);
  ASSERT_FALSE(records.leads.empty());
  auto& u = records.leads.back();
  EXPECT_EQ(u.disposition, "abandoned");
  ASSERT_TRUE(u.next_attempt_at.has_value());
  EXPECT_GE(*u.next_attempt_at, at(9000) + Millis(72LL * 3600 * 1000));
}

// With the grace counted from the answer (UK: start of speech), AMD's verdict
// comes too late to use: the runtime routes a call still in screening 250 ms
// before its grace deadline, and a machine verdict that finds it still waiting
// for a caller hangs it up instead of abandoning it. A negative margin keeps
// the old behaviour (wait for the verdict).
TEST(CampaignRuntimeTest, AmdYieldsToAGraceCountedFromTheAnswer) {
  for (const bool yield : {true, false}) {
    SCOPED_TRACE(yield ? "yield" : "no yield");
    UkRig rig;
    FakeTelephony& tel = rig.tel;
    FakeLedger& ledger = rig.ledger;
    RuntimeOptions o = UkRig::options(true, Millis(2000), GraceReference::kGreetingStart);
    if (!yield) o.amd_yield_margin = Millis(-1);
    // Fixed ratio 2, and what the runtime tells a pacer about AMD's verdicts.
    struct Spy : Pacer {
      FixedRatioPacer inner{2.0};
      double verdict_share = -1;
      std::string_view name() const override { return "spy"; }
      PacerDecision decide(const PacerInput& in) override {
        verdict_share = in.amd_verdict_share;
        return inner.decide(in);
      }
    };
    auto spy_owned = std::make_unique<Spy>();
    Spy* spy = spy_owned.get();
    CampaignRuntime rt(o, rig.ports(), std::move(spy_owned));
    rt.addLead(lead("+447700900001", 1));
    rt.addLead(lead("+447700900002", 2));
    ASSERT_TRUE(rt.login("a", at(0)).isOk());
    rt.onTelephonyEvent(TelephonyEvent{K::kCallerLegUp, CallId(), "a", HangupCause::kNormal, 0, at(0)});
    ASSERT_EQ(tel.originated.size(), 2u);
    const CallId first = tel.originated[0].call_id, second = tel.originated[1].call_id;
    auto ev = [&](TelephonyEvent::Kind k, CallId c, int64_t t) {
      rt.onTelephonyEvent(TelephonyEvent{k, c, "", HangupCause::kNormal, 0, at(t)});
    };
    ev(K::kAnswered, first, 5000);
    rt.tick(at(6749));
    EXPECT_TRUE(tel.bridges.empty());
    if (!yield) {
      // Waits for the verdict, which comes after the grace: too late for a person.
      EXPECT_FALSE(rt.nextWakeAt().has_value() && *rt.nextWakeAt() <= at(6750));
      rt.tick(at(6750));
      EXPECT_TRUE(tel.bridges.empty());
      continue;
    }
    ASSERT_TRUE(rt.nextWakeAt().has_value());
    EXPECT_EQ(*rt.nextWakeAt(), at(6750));  // answer + 2 s − 250 ms
    rt.tick(at(6750));
    ASSERT_EQ(tel.bridges.size(), 1u);  // routed before the verdict, within the grace
    EXPECT_EQ(tel.bridges[0].first, first);
    ev(K::kBridged, first, 6750);
    EXPECT_EQ(spy->verdict_share, 1.0);  // no evidence yet: every person screened to a verdict
    ev(K::kHuman, first, 7000);  // the late verdict changes nothing
    EXPECT_EQ(*rt.callState(first), CallState::kBridged);
    // The second answers while the only caller talks: routed as a person at its
    // yield time, it waits; AMD then says machine, and it is hung up, not abandoned.
    ev(K::kAnswered, second, 8000);
    // One person reached AMD's verdict only after being routed: the pacer hears
    // that false positives are rarer than AMD's own rate ((0 + 1) / (0 + 1 + 1)).
    EXPECT_DOUBLE_EQ(spy->verdict_share, 0.5);
    rt.tick(at(9750));
    EXPECT_EQ(*rt.callState(second), CallState::kAnswered);
    EXPECT_TRUE(tel.safe_harbor.empty());
    ev(K::kMachine, second, 9900);
    EXPECT_EQ(*rt.callState(second), CallState::kMachine);
    ASSERT_FALSE(tel.hangups.empty());
    EXPECT_EQ(tel.hangups.back().first, second);
    rt.tick(at(10000));  // its grace deadline passes: nothing to abandon
    EXPECT_TRUE(tel.safe_harbor.empty());
    EXPECT_EQ(ledger.answered, 1);  // the person; the machine never entered the ledger
    EXPECT_EQ(ledger.abandoned, 0);
  }
}

// Regression: the callee hanging up while the bridge is in progress frees the
// caller, who may trigger new dials that grow the call table; the ended call
// must not be touched through a stale reference afterwards.
TEST(CampaignRuntimeTest, CalleeGoneDuringBridgeFreesTheCallerSafely) {
  Rig r;
  for (int i = 0; i < 40; ++i) r.rt->addLead(lead("+155500001" + std::to_string(10 + i), i));
  r.loginReady("alice", 0);
  CallId id = r.tel.originated[0].call_id;
  r.ev(K::kAnswered, id, 5000);
  r.ev(K::kHuman, id, 6000);
  ASSERT_EQ(*r.rt->callerState("alice"), CallerState::kReserved);
  r.ev(K::kEnded, id, 6100);
  EXPECT_EQ(*r.rt->callerState("alice"), CallerState::kReady);
  EXPECT_FALSE(r.rt->callState(id).has_value());
  EXPECT_EQ(r.tel.originated.size(), 2u);  // progressive dials again for the freed caller
  EXPECT_EQ(r.ledger.answered, 1);
  EXPECT_EQ(r.ledger.abandoned, 0);
}


// ---------------------------------------------------------------- caller-placed dials

TEST(CallStateTest, CallerPlacedCallsAreNeverAbandonedNorSentToAmd) {
  const CallOrigin k = CallOrigin::kCaller;
  EXPECT_EQ(*transition(CallState::kQueued, CallEvent::kOriginate, k), CallState::kDialing);
  EXPECT_EQ(*transition(CallState::kRinging, CallEvent::kAnswer, k), CallState::kAnswered);
  EXPECT_EQ(*transition(CallState::kAnswered, CallEvent::kBridge, k), CallState::kBridged);
  EXPECT_EQ(*transition(CallState::kRinging, CallEvent::kFail, k), CallState::kFailed);
  EXPECT_EQ(*transition(CallState::kAnswered, CallEvent::kEnd, k), CallState::kEnded);
  EXPECT_FALSE(transition(CallState::kAnswered, CallEvent::kAbandon, k).isOk());
  EXPECT_FALSE(transition(CallState::kAnswered, CallEvent::kMachineDetected, k).isOk());
  // The same events are legal for a paced call.
  EXPECT_TRUE(transition(CallState::kAnswered, CallEvent::kAbandon, CallOrigin::kPaced).isOk());
}

TEST(CallerStateTest, DialReservesFromReadyOrPausedAndReleasesBack) {
  EXPECT_EQ(*transition(CallerState::kReady, CallerEvent::kDial), CallerState::kReserved);
  EXPECT_EQ(*transition(CallerState::kPaused, CallerEvent::kDial), CallerState::kReserved);
  EXPECT_EQ(*transition(CallerState::kReserved, CallerEvent::kReleasePaused), CallerState::kPaused);
  EXPECT_EQ(*transition(CallerState::kReserved, CallerEvent::kRelease), CallerState::kReady);
  EXPECT_FALSE(transition(CallerState::kOnCall, CallerEvent::kDial).isOk());
  EXPECT_FALSE(transition(CallerState::kWrapUp, CallerEvent::kDial).isOk());
  EXPECT_FALSE(transition(CallerState::kLoggedOut, CallerEvent::kDial).isOk());
  EXPECT_FALSE(transition(CallerState::kReserved, CallerEvent::kDial).isOk());
  EXPECT_FALSE(transition(CallerState::kReady, CallerEvent::kReleasePaused).isOk());
}

Rig manualRig(DialMode mode = DialMode::kHumanInitiated, NumberLocks* locks = nullptr,
              int64_t campaign = 1) {
  return Rig(std::make_unique<FixedRatioPacer>(3.0), locks, campaign, false, mode);
}

TEST(CampaignRuntimeTest, PacerNeverDialsPreviewOrHumanInitiatedCampaigns) {
  for (DialMode mode : {DialMode::kHumanInitiated, DialMode::kPreview}) {
    Rig r = manualRig(mode);
    for (int i = 1; i <= 6; ++i) r.rt->addLead(lead("+1555000000" + std::to_string(i), i));
    r.loginReady("alice", 0);
    r.loginReady("bob", 0);
    for (int t = 100; t <= 60000; t += 100) r.rt->tick(at(t));
    r.rt->start(at(60000));
    EXPECT_TRUE(r.tel.originated.empty()) << toString(mode);
    EXPECT_EQ(r.auth.asked, 0) << toString(mode);
    EXPECT_EQ(r.rt->leadsQueued(), 6u);
    // The leads are there for the callers to press Call.
    auto next = r.rt->nextManualLead("alice", at(60000));
    ASSERT_TRUE(next.isOk());
    ASSERT_TRUE(next->has_value());
    EXPECT_EQ((*next)->lead.e164, "+15550000001");
    EXPECT_EQ((*next)->mode, mode);
  }
}

TEST(CampaignRuntimeTest, CallerIsReservedBeforeTheDialAndBridgedToThemOnAnswer) {
  Rig r = manualRig();
  r.rt->addLead(lead("+15550000001", 1));
  r.rt->addLead(lead("+15550000002", 2));
  r.loginReady("alice", 0);
  r.loginReady("bob", 0);
  auto a = r.rt->nextManualLead("alice", at(1000));
  ASSERT_TRUE(a.isOk() && a->has_value());
  EXPECT_EQ((*a)->lead.e164, "+15550000001");
  // Offered to alice: asked again, the same lead; bob gets the next one.
  EXPECT_EQ((*r.rt->nextManualLead("alice", at(1100)))->lead.e164, "+15550000001");
  EXPECT_EQ((*r.rt->nextManualLead("bob", at(1100)))->lead.e164, "+15550000002");
  std::optional<CallerState> at_originate;
  r.tel.on_originate = [&](const OriginateRequest&) { at_originate = r.rt->callerState("alice"); };
  auto id = r.rt->dialForCaller("alice", (*a)->lead.contact_id, at(2000));
  ASSERT_TRUE(id.isOk()) << id.status().toString();
  ASSERT_EQ(r.tel.originated.size(), 1u);
  EXPECT_EQ(at_originate, CallerState::kReserved);  // reserved BEFORE the INVITE
  EXPECT_EQ(r.tel.originated[0].to_e164, "+15550000001");
  EXPECT_FALSE(r.tel.originated[0].detect_machine);
  EXPECT_GE(r.tel.originated[0].ring_timeout, Millis(15000));
  ASSERT_EQ(r.auth.modes.size(), 1u);
  EXPECT_EQ(r.auth.modes[0], DialMode::kHumanInitiated);  // authorized at dial time, in that mode
  EXPECT_EQ(*r.rt->callerState("alice"), CallerState::kReserved);
  EXPECT_EQ(r.rt->callsInFlight(), 0);  // not a pacer's dial
  EXPECT_EQ(r.rt->linesInUse(), 1);
  r.ev(K::kRinging, *id, 3000);
  r.ev(K::kAnswered, *id, 9000);
  // Bridged at once to alice, and only to her; bob stays ready.
  ASSERT_EQ(r.tel.bridges.size(), 1u);
  EXPECT_EQ(r.tel.bridges[0].first, *id);
  EXPECT_EQ(r.tel.bridges[0].second, "alice");
  EXPECT_EQ(*r.rt->callerState("bob"), CallerState::kReady);
  // Neither AMD nor the grace deadline touch it.
  r.ev(K::kMachine, *id, 9100);
  r.rt->tick(at(20000));
  EXPECT_TRUE(r.tel.safe_harbor.empty());
  EXPECT_TRUE(r.tel.hangups.empty());
  EXPECT_EQ(*r.rt->callState(*id), CallState::kAnswered);
  r.ev(K::kBridged, *id, 20050);
  EXPECT_EQ(*r.rt->callState(*id), CallState::kBridged);
  EXPECT_EQ(*r.rt->callerState("alice"), CallerState::kOnCall);
  r.ev(K::kEnded, *id, 60000);
  EXPECT_EQ(*r.rt->callerState("alice"), CallerState::kWrapUp);
  WrapUp w;
  w.disposition = "contacted";
  w.final = true;
  ASSERT_TRUE(r.rt->wrapUp("alice", w, at(65000)).isOk());
  EXPECT_EQ(*r.rt->callerState("alice"), CallerState::kReady);
  // Never an abandonment; not in the ledger nor in the pacer's history.
  EXPECT_EQ(r.ledger.answered, 0);
  EXPECT_EQ(r.ledger.abandoned, 0);
  EXPECT_EQ(r.rt->history().total_live, 0);
  EXPECT_EQ(r.rt->history().total_dials, 0);
  EXPECT_EQ(r.rt->counters().abandoned, 0);
  EXPECT_EQ(r.rt->counters().manual_dials, 1);
  EXPECT_EQ(r.rt->counters().manual_bridged, 1);
  EXPECT_EQ(r.rt->counters().dials, 0);
  for (const auto& rec : r.records.recs) {
    EXPECT_FALSE(rec.abandoned);
    EXPECT_FALSE(rec.safe_harbor_played);
    ASSERT_TRUE(rec.dial_mode.has_value());
    EXPECT_EQ(*rec.dial_mode, DialMode::kHumanInitiated);
    EXPECT_EQ(rec.caller_ref, "alice");
    EXPECT_EQ(rec.authorization_id, "auth-+15550000001");
  }
  EXPECT_EQ(r.records.recs.back().state, CallState::kEnded);
  EXPECT_EQ(r.records.recs.back().disposition, "contacted");
  ASSERT_EQ(r.auth.noted.size(), 1u);
  EXPECT_TRUE(r.auth.noted[0].live_answered);
  EXPECT_FALSE(r.auth.noted[0].abandoned);
  // The pacer still dials nothing.
  EXPECT_EQ(r.tel.originated.size(), 1u);
}

TEST(CampaignRuntimeTest, CallerPlacedDialDeniedOrDeferredIsRefusedNamingTheRule) {
  Rig r = manualRig();
  r.auth.verdicts["+15550000001"] = Verdict::kDeny;
  r.auth.verdicts["+15550000002"] = Verdict::kDefer;
  r.rt->addLead(lead("+15550000001", 1));
  r.rt->addLead(lead("+15550000002", 2));
  r.loginReady("alice", 0);
  auto n1 = r.rt->nextManualLead("alice", at(1000));
  ASSERT_TRUE(n1.isOk() && n1->has_value());
  auto d1 = r.rt->dialForCaller("alice", (*n1)->lead.contact_id, at(1000));
  ASSERT_FALSE(d1.isOk());
  EXPECT_EQ(d1.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(d1.status().message().find("R10"), std::string::npos) << d1.status().message();
  EXPECT_NE(d1.status().message().find("do-not-call"), std::string::npos);
  EXPECT_TRUE(r.tel.originated.empty());
  EXPECT_EQ(*r.rt->callerState("alice"), CallerState::kReady);  // never reserved
  EXPECT_EQ(r.records.leads.back().disposition, "denied");
  EXPECT_TRUE(r.records.leads.back().final);

  auto n2 = r.rt->nextManualLead("alice", at(2000));
  ASSERT_TRUE(n2.isOk() && n2->has_value());
  EXPECT_EQ((*n2)->lead.e164, "+15550000002");  // the denied lead is gone
  auto d2 = r.rt->dialForCaller("alice", (*n2)->lead.contact_id, at(2000));
  ASSERT_FALSE(d2.isOk());
  EXPECT_EQ(d2.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(d2.status().message().find("R1"), std::string::npos) << d2.status().message();
  EXPECT_NE(d2.status().message().find("calling window"), std::string::npos);
  EXPECT_TRUE(r.tel.originated.empty());
  EXPECT_EQ(*r.rt->callerState("alice"), CallerState::kReady);
  EXPECT_EQ(r.records.leads.back().disposition, "deferred");
  EXPECT_EQ(r.records.leads.back().next_attempt_at, at(62000));
  // The deferred lead comes back at `until`, not before.
  EXPECT_FALSE(r.rt->nextManualLead("alice", at(61999))->has_value());
  auto n3 = r.rt->nextManualLead("alice", at(62000));
  ASSERT_TRUE(n3->has_value());
  EXPECT_EQ((*n3)->lead.e164, "+15550000002");
  EXPECT_EQ(r.rt->counters().manual_refused, 2);
  EXPECT_EQ(r.rt->counters().manual_dials, 0);
}

TEST(CampaignRuntimeTest, UnansweredCallerPlacedDialReturnsTheCallerAndRecyclesTheLead) {
  Rig r = manualRig();
  r.rt->addLead(lead("+15550000001", 1));
  r.rt->addLead(lead("+15550000002", 2));
  r.loginReady("alice", 0);
  r.loginReady("bob", 0);
  ASSERT_TRUE(r.rt->pause("bob", "manual", at(100)).isOk());
  // alice (ready): no answer → ready, the lead recycled by the campaign's rules.
  auto a = r.rt->nextManualLead("alice", at(1000));
  auto ida = r.rt->dialForCaller("alice", (*a)->lead.contact_id, at(1000));
  ASSERT_TRUE(ida.isOk());
  // bob (paused): busy → paused again.
  auto b = r.rt->nextManualLead("bob", at(1000));
  ASSERT_TRUE(b.isOk() && b->has_value());
  auto idb = r.rt->dialForCaller("bob", (*b)->lead.contact_id, at(1000));
  ASSERT_TRUE(idb.isOk());
  EXPECT_EQ(*r.rt->callerState("bob"), CallerState::kReserved);
  r.ev(K::kRinging, *ida, 2000);
  r.ev(K::kEnded, *ida, 26000, HangupCause::kNoAnswer);
  EXPECT_EQ(*r.rt->callerState("alice"), CallerState::kReady);
  EXPECT_EQ(r.records.leads.back().disposition, "no_answer");
  EXPECT_FALSE(r.records.leads.back().final);
  EXPECT_EQ(r.records.leads.back().next_attempt_at, at(26000) + Millis(4LL * 3600 * 1000));
  r.ev(K::kEnded, *idb, 3000, HangupCause::kBusy);
  EXPECT_EQ(*r.rt->callerState("bob"), CallerState::kPaused);
  EXPECT_EQ(r.records.leads.back().disposition, "busy");
  EXPECT_TRUE(r.tel.bridges.empty());
  EXPECT_EQ(r.rt->linesInUse(), 0);
  EXPECT_EQ(r.rt->counters().manual_failed, 2);
  EXPECT_EQ(r.ledger.answered, 0);
  // Recycled, not lost: offered again once the recycle delay has passed.
  EXPECT_FALSE(r.rt->nextManualLead("alice", at(30000))->has_value());
  auto again = r.rt->nextManualLead("alice", at(26000) + Millis(4LL * 3600 * 1000));
  ASSERT_TRUE(again->has_value());
  EXPECT_EQ((*again)->lead.e164, "+15550000001");
  EXPECT_EQ((*again)->lead.attempts, 1);
  // The pacer never dialed.
  EXPECT_EQ(r.tel.originated.size(), 2u);
}

TEST(CampaignRuntimeTest, CallerPlacedDialNeverDoublesANumber) {
  NumberLocks org_locks;
  // Campaign 1 (predictive) has +15550000001 in flight.
  Rig auto_rig(std::make_unique<ProgressivePacer>(), &org_locks, 1);
  auto_rig.rt->addLead(lead("+15550000001", 1));
  auto_rig.loginReady("carol", 0);
  ASSERT_EQ(auto_rig.tel.originated.size(), 1u);
  // Campaign 2 (human-initiated) holds the same number.
  Rig r = manualRig(DialMode::kHumanInitiated, &org_locks, 2);
  r.rt->addLead(lead("+15550000001", 1));
  r.loginReady("alice", 0);
  r.loginReady("bob", 0);
  auto a = r.rt->nextManualLead("alice", at(1000));
  ASSERT_TRUE(a->has_value());
  auto refused = r.rt->dialForCaller("alice", (*a)->lead.contact_id, at(1000));
  ASSERT_FALSE(refused.isOk());
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(r.tel.originated.empty());
  EXPECT_EQ(*r.rt->callerState("alice"), CallerState::kReady);
  // Nobody else gets the number offered to alice.
  EXPECT_FALSE(r.rt->nextManualLead("bob", at(1000))->has_value());
  EXPECT_FALSE(r.rt->dialForCaller("bob", (*a)->lead.contact_id, at(1000)).isOk());
  // Campaign 1's attempt ends: alice may dial it now, once.
  auto_rig.ev(K::kEnded, auto_rig.tel.originated[0].call_id, 25000, HangupCause::kNoAnswer);
  auto id = r.rt->dialForCaller("alice", (*a)->lead.contact_id, at(26000));
  ASSERT_TRUE(id.isOk()) << id.status().toString();
  EXPECT_TRUE(org_locks.held("+15550000001"));
  EXPECT_FALSE(r.rt->dialForCaller("alice", (*a)->lead.contact_id, at(26001)).isOk());  // reserved now
  EXPECT_FALSE(r.rt->dialForCaller("bob", (*a)->lead.contact_id, at(26001)).isOk());
  EXPECT_EQ(r.tel.originated.size(), 1u);
  r.ev(K::kEnded, *id, 50000, HangupCause::kNoAnswer);
  EXPECT_FALSE(org_locks.held("+15550000001"));
}

// R11: a lead the policy will not let the predictive campaign autodial is
// routed out of its queue; a caller takes it as a human-initiated dial.
TEST(CampaignRuntimeTest, RoutedLeadOfAPredictiveCampaignIsDialedOnlyByACaller) {
  Rig r(std::make_unique<ProgressivePacer>(), nullptr, 1, false);
  r.auth.verdicts["+15550000001"] = Verdict::kDeny;
  r.auth.routes["+15550000001"] = DialMode::kHumanInitiated;
  r.rt->addLead(lead("+15550000001", 1));
  r.rt->addLead(lead("+15550000002", 2));
  // bob logs in paused ("manual"): the pacer never counts him as ready.
  ASSERT_TRUE(r.rt->login("bob", at(0), "manual").isOk());
  r.legUp("bob", 0);
  EXPECT_EQ(*r.rt->callerState("bob"), CallerState::kPaused);
  r.rt->tick(at(60));
  EXPECT_TRUE(r.tel.originated.empty());
  r.loginReady("alice", 100);
  r.rt->tick(at(200));
  // The pacer dialed the landline for alice (one ready caller: one dial); the
  // mobile was routed, not dialed.
  ASSERT_EQ(r.tel.originated.size(), 1u);
  EXPECT_EQ(r.tel.originated[0].to_e164, "+15550000002");
  ASSERT_EQ(r.rt->routedLeads().size(), 1u);
  CallId paced = r.tel.originated[0].call_id;
  // bob (paused: the pacer routes him nothing) presses Call for the routed lead.
  auto m = r.rt->nextManualLead("bob", at(1000));
  ASSERT_TRUE(m.isOk() && m->has_value());
  EXPECT_EQ((*m)->lead.e164, "+15550000001");
  EXPECT_TRUE((*m)->routed);
  EXPECT_EQ((*m)->mode, DialMode::kHumanInitiated);
  EXPECT_TRUE(r.rt->routedLeads().empty());
  auto id = r.rt->dialForCaller("bob", (*m)->lead.contact_id, at(1000));
  ASSERT_TRUE(id.isOk()) << id.status().toString();
  EXPECT_EQ(r.auth.modes.back(), DialMode::kHumanInitiated);
  ASSERT_EQ(r.tel.originated.size(), 2u);
  // Both answer: the paced call goes to alice, the routed one to bob only.
  r.ev(K::kAnswered, *id, 5000);
  r.ev(K::kAnswered, paced, 5000);
  ASSERT_EQ(r.tel.bridges.size(), 2u);
  EXPECT_EQ(r.tel.bridges[0], std::make_pair(*id, std::string("bob")));
  EXPECT_EQ(r.tel.bridges[1], std::make_pair(paced, std::string("alice")));
  r.ev(K::kBridged, *id, 5000);
  r.ev(K::kBridged, paced, 5000);
  EXPECT_EQ(r.ledger.answered, 1);  // alice's autodialed call only
  r.ev(K::kEnded, *id, 20000);
  ASSERT_TRUE(r.rt->wrapUp("bob", WrapUp{}, at(21000)).isOk());
  EXPECT_EQ(*r.rt->callerState("bob"), CallerState::kPaused);  // back where he pressed Call
  bool saw = false;
  for (const auto& rec : r.records.recs) {
    if (rec.call_id != *id) continue;
    saw = true;
    ASSERT_TRUE(rec.dial_mode.has_value());
    EXPECT_EQ(*rec.dial_mode, DialMode::kHumanInitiated);
    EXPECT_EQ(rec.caller_ref, "bob");
  }
  EXPECT_TRUE(saw);
  for (const auto& rec : r.records.recs)
    if (rec.call_id == paced) {
      EXPECT_FALSE(rec.dial_mode.has_value());
    }
}

TEST(CampaignRuntimeTest, CallerLegLostWhileTheirDialRingsEndsThatCall) {
  Rig r = manualRig();
  r.rt->addLead(lead("+15550000001", 1));
  r.loginReady("alice", 0);
  r.loginReady("bob", 0);
  auto a = r.rt->nextManualLead("alice", at(1000));
  auto id = r.rt->dialForCaller("alice", (*a)->lead.contact_id, at(1000));
  ASSERT_TRUE(id.isOk());
  TelephonyEvent down{K::kCallerLegDown, CallId(), "alice", HangupCause::kCallerGone, 0, at(3000)};
  r.rt->onTelephonyEvent(down);
  EXPECT_EQ(*r.rt->callerState("alice"), CallerState::kLoggedOut);
  ASSERT_EQ(r.tel.hangups.size(), 1u);
  EXPECT_EQ(r.tel.hangups[0].first, *id);
  r.ev(K::kEnded, *id, 3100, HangupCause::kCallerGone);
  EXPECT_TRUE(r.tel.bridges.empty());  // never handed to bob
  EXPECT_EQ(*r.rt->callerState("bob"), CallerState::kReady);
  EXPECT_EQ(r.rt->linesInUse(), 0);
  EXPECT_EQ(r.records.leads.back().disposition, "network_error");
  EXPECT_FALSE(r.records.leads.back().final);
}

// A bridged call whose caller never gave a disposition because their phone's
// leg went is dispositioned kNoDisposition (not "contacted", which is a
// caller's answer), during the call and during the wrap-up alike; final (no
// recycle rule names it) and no wrap-up time on the record.
TEST(CampaignRuntimeTest, ACallerWhosePhoneWentGaveNoDisposition) {
  for (const bool in_wrap_up : {false, true}) {
    SCOPED_TRACE(in_wrap_up ? "leg lost in wrap-up" : "leg lost during the call");
    Rig r;
    CallId id = r.callBridgedToAlice();
    if (in_wrap_up) {
      r.ev(K::kEnded, id, 30000);  // the customer hung up
      ASSERT_EQ(*r.rt->callerState("alice"), CallerState::kWrapUp);
      EXPECT_TRUE(r.records.leads.empty());  // the lead waits for the caller's disposition
    }
    TelephonyEvent down{K::kCallerLegDown,        CallId(), "alice",
                        HangupCause::kCallerGone, 0,        at(40000)};
    r.rt->onTelephonyEvent(down);
    EXPECT_EQ(*r.rt->callerState("alice"), CallerState::kLoggedOut);
    if (!in_wrap_up) {
      ASSERT_EQ(r.tel.hangups.size(), 1u);  // the customer is hung up
      r.ev(K::kEnded, id, 40100, HangupCause::kCallerGone);
    }
    ASSERT_EQ(r.records.leads.size(), 1u);
    EXPECT_EQ(r.records.leads.back().disposition, kNoDisposition);
    EXPECT_TRUE(r.records.leads.back().final);
    ASSERT_FALSE(r.records.recs.empty());
    EXPECT_EQ(r.records.recs.back().disposition, kNoDisposition);
    EXPECT_FALSE(r.records.recs.back().wrapped_at.has_value());
    EXPECT_EQ(r.rt->callsInFlight(), 0);
  }
}

// A caller's phone that vanished (the edge saw no RTP on the open leg for
// [sip] media_timeout_s): the caller is logged out with the reason, the
// customer they were talking to is hung up, and the call ends cleanly.
TEST(CampaignRuntimeTest, MediaTimeoutOnTheCallersLegLogsThemOutWithTheReason) {
  Rig r;
  CallId id = r.callBridgedToAlice();
  ASSERT_EQ(*r.rt->callerState("alice"), CallerState::kOnCall);
  TelephonyEvent down{K::kCallerLegDown, CallId(), "alice", HangupCause::kMediaTimeout, 0, at(20000)};
  r.rt->onTelephonyEvent(down);
  EXPECT_EQ(*r.rt->callerState("alice"), CallerState::kLoggedOut);
  ASSERT_EQ(r.tel.hangups.size(), 1u);
  EXPECT_EQ(r.tel.hangups[0].first, id);
  const DomainEvent* last = nullptr;
  for (const auto& e : r.events.evs)
    if (e.type == "caller.state" && e.caller_ref == "alice") last = &e;
  ASSERT_NE(last, nullptr);
  EXPECT_EQ(last->data["state"], "logged_out");
  EXPECT_EQ(last->data["reason"], "leg_lost: media_timeout");
  r.ev(K::kEnded, id, 20100, HangupCause::kMediaTimeout);
  EXPECT_EQ(r.rt->linesInUse(), 0);
  EXPECT_EQ(r.rt->callsInFlight(), 0);
  ASSERT_FALSE(r.records.recs.empty());
  ASSERT_TRUE(r.records.recs.back().hangup_cause.has_value());
  EXPECT_EQ(*r.records.recs.back().hangup_cause, HangupCause::kMediaTimeout);
  EXPECT_EQ(r.records.recs.back().state, CallState::kEnded);
  EXPECT_TRUE(r.tel.originated.size() == 1u);  // nobody left to dial for
}

TEST(CampaignRuntimeTest, LogoutAskedWhileTheirDialRingsTakesEffectWhenItEnds) {
  Rig r = manualRig();
  r.rt->addLead(lead("+15550000001", 1));
  r.loginReady("alice", 0);
  auto a = r.rt->nextManualLead("alice", at(1000));
  auto id = r.rt->dialForCaller("alice", (*a)->lead.contact_id, at(1000));
  ASSERT_TRUE(id.isOk());
  ASSERT_TRUE(r.rt->logout("alice", at(2000)).isOk());
  EXPECT_EQ(*r.rt->callerState("alice"), CallerState::kReserved);
  EXPECT_TRUE(r.tel.closed.empty());
  r.ev(K::kEnded, *id, 5000, HangupCause::kBusy);
  EXPECT_EQ(*r.rt->callerState("alice"), CallerState::kLoggedOut);
  ASSERT_EQ(r.tel.closed.size(), 1u);
  EXPECT_EQ(r.tel.closed[0], "alice");
}

TEST(CampaignRuntimeTest, OnlyAReadyOrPausedCallerCanPressCall) {
  Rig r = manualRig();
  r.rt->addLead(lead("+15550000001", 1));
  r.rt->addLead(lead("+15550000002", 2));
  EXPECT_EQ(r.rt->nextManualLead("nobody", at(0)).status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(r.rt->login("alice", at(0)).isOk());  // leg not up yet
  EXPECT_EQ(r.rt->nextManualLead("alice", at(0)).status().code(), StatusCode::kFailedPrecondition);
  r.legUp("alice", 0);
  auto a = r.rt->nextManualLead("alice", at(1000));
  ASSERT_TRUE(r.rt->dialForCaller("alice", (*a)->lead.contact_id, at(1000)).isOk());
  EXPECT_EQ(r.rt->nextManualLead("alice", at(1001)).status().code(), StatusCode::kFailedPrecondition);
  // A lead offered and then left at logout goes back to the queue.
  r.loginReady("bob", 0);
  auto b = r.rt->nextManualLead("bob", at(1000));
  ASSERT_TRUE(b->has_value());
  EXPECT_EQ(r.rt->leadsQueued(), 0u);
  ASSERT_TRUE(r.rt->logout("bob", at(1500)).isOk());
  EXPECT_EQ(r.rt->leadsQueued(), 1u);
  // Skipped: offered again only after the hold.
  r.loginReady("carol", 2000);
  auto c = r.rt->nextManualLead("carol", at(2000));
  ASSERT_TRUE(c->has_value());
  ASSERT_TRUE(r.rt->skipManualLead("carol", at(2000)).isOk());
  EXPECT_FALSE(r.rt->nextManualLead("carol", at(2001))->has_value());
  // A stopped campaign dials nothing, not even for a caller.
  r.rt->stop(at(3000));
  EXPECT_FALSE(r.rt->nextManualLead("carol", at(1000000))->has_value());
}

}  // namespace
}  // namespace clearline::core
