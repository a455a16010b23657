#include "core/runtime/campaign_runtime.h"

#include <algorithm>
#include <cassert>

#include "common/time_util.h"

namespace clearline::core {

namespace {
// A call slot: a freed one if any, else a new one at the end.
template <typename Calls>
int takeSlot(std::vector<int>& free_slots, Calls& calls) {
  if (!free_slots.empty()) {
    int slot = free_slots.back();
    free_slots.pop_back();
    return slot;
  }
  calls.emplace_back();
  return static_cast<int>(calls.size()) - 1;
}
}  // namespace

namespace {
constexpr Millis kMinRing{15000};     // R5: never cancel a ringing call before 15 s
constexpr Millis kLockRetry{30000};   // number busy in another attempt: try again later
constexpr Millis kNetworkRetry{60000};
constexpr const char* kNetworkError = "network_error";
constexpr Millis kModeFallbackHold{10000};  // predictive → progressive fallback (R3/U2) lasts this long
constexpr int kMaxPopsPerDial = 64;
constexpr Millis kSkipHold{300000};  // a lead a caller skipped is offered again after this

// The disposition of a call that ended before it was answered, by its cause. Anything the
// callee did not decide (trunk down, 5xx, timeout) is the network's fault: a network_error,
// retried after kNetworkRetry without spending the lead's recycle rules.
const char* unansweredDisposition(HangupCause cause) {
  switch (cause) {
    case HangupCause::kNoAnswer: return "no_answer";
    case HangupCause::kBusy:
    case HangupCause::kRejected: return "busy";
    case HangupCause::kInvalidNumber: return "failed";
    default: return kNetworkError;
  }
}

bool isCallerPlacedMode(DialMode m) { return m == DialMode::kPreview || m == DialMode::kHumanInitiated; }

std::string joinRules(const std::vector<std::string>& rules) {
  std::string out;
  for (const auto& r : rules) {
    if (!out.empty()) out += ",";
    out += r;
  }
  return out.empty() ? std::string("the policy") : out;
}

int64_t ms(TimePoint t) { return toEpochMillis(t); }
}  // namespace

std::string_view toString(GraceReference r) {
  switch (r) {
    case GraceReference::kAnswer: return "answer";
    case GraceReference::kGreetingStart: return "greeting_start";
    case GraceReference::kGreetingEnd: return "greeting_end";
  }
  return "greeting_end";
}

Result<GraceReference> parseGraceReference(std::string_view s) {
  if (s == "answer") return GraceReference::kAnswer;
  if (s == "greeting_start" || s == "speech_start") return GraceReference::kGreetingStart;
  if (s == "greeting_end") return GraceReference::kGreetingEnd;
  return Status::invalidArgument("grace reference must be answer, greeting_start or greeting_end",
                                 "grace_from");
}

bool isUkCampaign(const Campaign& c) {
  for (const auto& j : c.jurisdictions)
    if (j == "UK" || j == "GB" || j.rfind("UK-", 0) == 0 || j.rfind("GB-", 0) == 0) return true;
  return false;
}

CampaignRuntime::CampaignRuntime(RuntimeOptions options, RuntimePorts ports,
                                 std::unique_ptr<Pacer> pacer)
    : opts_(std::move(options)), ports_(ports), pacer_(std::move(pacer)) {
  assert(ports_.telephony && ports_.authorizer && ports_.ledger && ports_.gate && ports_.ids);
  assert(pacer_);
  if (opts_.ring_timeout < kMinRing) opts_.ring_timeout = kMinRing;
  pace_ring_ = opts_.ring_timeout;
  if (isUkCampaign(opts_.campaign)) opts_.uk_72h_rule = true;
  if (ports_.locks) {
    locks_ = ports_.locks;
  } else {
    own_locks_ = std::make_unique<NumberLocks>();
    locks_ = own_locks_.get();
  }
  recycle_ = RecyclePolicy(opts_.campaign.recycle_rules, opts_.campaign.max_attempts_per_contact);
  const Campaign& c = opts_.campaign;
  attempt_.campaign_id = c.id;
  attempt_.org_id = c.org_id;
  attempt_.purpose = c.purpose;
  attempt_.mode = c.dial_mode;
  attempt_.jurisdictions = c.jurisdictions;
  attempt_.subject_key = c.subject_key;
}

CampaignRuntime::~CampaignRuntime() {
  // Release this runtime's number locks so other campaigns of the org can dial.
  for (const auto& c : calls_)
    if (c.id.valid() && c.state != CallState::kEnded && !c.lead.e164.empty())
      locks_->unlock(c.lead.e164);
}

// ---------------------------------------------------------------- helpers

int CampaignRuntime::callerSlot(const std::string& ref) const {
  auto it = caller_index_.find(ref);
  return it == caller_index_.end() ? -1 : it->second;
}

int CampaignRuntime::callSlot(CallId id) const {
  auto it = index_.find(id.value);
  return it == index_.end() ? -1 : it->second;
}

bool CampaignRuntime::moveCall(int slot, CallEvent ev, TimePoint now) {
  Call& c = calls_[slot];
  auto next = transition(c.state, ev, c.origin);
  if (!next.isOk()) return false;
  const bool was_screening = inScreening(c);
  c.state = *next;
  screening_calls_ += static_cast<int>(inScreening(c)) - static_cast<int>(was_screening);
  if (ports_.records) emitRecord(slot);
  if (ports_.events && opts_.publish_call_events) publishCall(slot, now);
  return true;
}

bool CampaignRuntime::moveCaller(int slot, CallerEvent ev, TimePoint now) {
  Caller& k = callers_[slot];
  auto next = transition(k.state, ev);
  if (!next.isOk()) return false;
  if (k.logged_in_pos >= 0) {
    tally(caller_counts_, k.state, -1);
    tally(caller_counts_, *next);
  }
  k.state = *next;
  k.since = now;
  if (ports_.events) publishCaller(slot, now);
  return true;
}

void CampaignRuntime::setLoggedIn(int slot, bool in) {
  Caller& k = callers_[slot];
  if (in && k.logged_in_pos < 0) {
    k.logged_in_pos = static_cast<int>(logged_in_.size());
    logged_in_.push_back(slot);
    tally(caller_counts_, k.state);
  } else if (!in && k.logged_in_pos >= 0) {
    tally(caller_counts_, k.state, -1);
    int pos = k.logged_in_pos;
    int last = logged_in_.back();
    logged_in_[pos] = last;
    callers_[last].logged_in_pos = pos;
    logged_in_.pop_back();
    k.logged_in_pos = -1;
  }
}

void CampaignRuntime::removeReady(int slot) {
  auto it = std::find(ready_.begin(), ready_.end(), slot);
  if (it != ready_.end()) ready_.erase(it);
}

void CampaignRuntime::removeInFlight(int slot) {
  Call& c = calls_[slot];
  if (c.in_flight_pos < 0) return;
  int pos = c.in_flight_pos;
  int last = in_flight_.back();
  in_flight_[pos] = last;
  flight_marks_[pos] = flight_marks_.back();
  calls_[last].in_flight_pos = pos;
  in_flight_.pop_back();
  flight_marks_.pop_back();
  c.in_flight_pos = -1;
}

TimePoint CampaignRuntime::deadlineFor(const Call& c) const {
  switch (opts_.grace_from) {
    case GraceReference::kAnswer:
    case GraceReference::kGreetingStart:
      return c.answered_at + opts_.grace;
    case GraceReference::kGreetingEnd:
      // The greeting's end once the edge heard it (its detector listens on
      // every answered call, AMD or not; the event is dated at the end itself,
      // whenever it arrives). Until then, or if none is heard (silence, a long
      // greeting), count from the answer, the earliest the greeting can have
      // ended, so that no late connection is recorded as in time (fail-closed;
      // sessions 14 and 15).
      if (c.has_greeting_end) return c.greeting_end_at + opts_.grace;
      return c.answered_at + opts_.grace;
  }
  return c.answered_at + opts_.grace;
}

// ---------------------------------------------------------------- leads

void CampaignRuntime::addLead(Lead lead) { queue_.add(std::move(lead)); }

// ---------------------------------------------------------------- callers

Status CampaignRuntime::login(const std::string& ref, TimePoint now, const std::string& paused_reason) {
  int slot = callerSlot(ref);
  if (slot >= 0 && (callers_[slot].state != CallerState::kLoggedOut || callers_[slot].leg_pending))
    return Status::failedPrecondition("caller " + ref + " is already logged in", "caller_ref");
  GateDecisionPtr g = ports_.gate->checkLogin(opts_.campaign.id, ref, now);
  assert(g && "CallerGate returned no decision");
  if (!g->allowed) {
    if (ports_.events) {
      DomainEvent ev{"gate.refused", opts_.campaign.id.str(), ref, Json::object(), now};
      ev.data["stage"] = "login";
      ev.data["reason"] = g->reason;
      ports_.events->publish(ev);
    }
    return Status::permissionDenied(g->reason.empty() ? "caller gate refused" : g->reason);
  }
  if (slot < 0) {
    slot = static_cast<int>(callers_.size());
    callers_.push_back(Caller{});
    callers_[slot].ref = ref;
    caller_index_[ref] = slot;
  }
  Caller& k = callers_[slot];
  k.leg_pending = true;
  k.logout_pending = false;
  k.pause_reason.clear();
  k.gate_paused = false;
  k.login_pause = paused_reason;
  k.since = now;
  ports_.telephony->openCallerLeg(ref);
  return Status::ok();
}

Status CampaignRuntime::logout(const std::string& ref, TimePoint now) {
  int slot = callerSlot(ref);
  if (slot < 0) return Status::notFound("no caller " + ref, "caller_ref");
  Caller& k = callers_[slot];
  if (k.leg_pending && k.state == CallerState::kLoggedOut) {
    k.leg_pending = false;
    ports_.telephony->closeCallerLeg(ref);
    return Status::ok();
  }
  switch (k.state) {
    case CallerState::kLoggedOut:
      return Status::failedPrecondition("caller " + ref + " is not logged in", "caller_ref");
    case CallerState::kReserved:
    case CallerState::kOnCall:
    case CallerState::kWrapUp:
      k.logout_pending = true;  // completes at wrap-up
      return Status::ok();
    case CallerState::kReady:
    case CallerState::kPaused:
      removeReady(slot);
      returnOffer(slot);
      moveCaller(slot, CallerEvent::kLogout, now);
      setLoggedIn(slot, false);
      ports_.telephony->closeCallerLeg(ref);
      requestPace(now);
      return Status::ok();
  }
  return Status::ok();
}

Status CampaignRuntime::pause(const std::string& ref, const std::string& reason, TimePoint now) {
  int slot = callerSlot(ref);
  if (slot < 0) return Status::notFound("no caller " + ref, "caller_ref");
  Caller& k = callers_[slot];
  if (k.state == CallerState::kReady) {
    removeReady(slot);
    k.pause_reason = reason;
    moveCaller(slot, CallerEvent::kPause, now);
    requestPace(now);
    return Status::ok();
  }
  if (k.state == CallerState::kReserved || k.state == CallerState::kOnCall ||
      k.state == CallerState::kWrapUp) {
    k.pause_reason = reason.empty() ? "pause" : reason;  // applied after wrap-up
    return Status::ok();
  }
  return Status::failedPrecondition("caller " + ref + " is " + std::string(toString(k.state)),
                                    "caller_ref");
}

Status CampaignRuntime::unpause(const std::string& ref, TimePoint now) {
  int slot = callerSlot(ref);
  if (slot < 0) return Status::notFound("no caller " + ref, "caller_ref");
  Caller& k = callers_[slot];
  if (k.state != CallerState::kPaused) {
    if (isBusy(k.state)) {
      k.pause_reason.clear();  // cancel a pending pause
      return Status::ok();
    }
    return Status::failedPrecondition("caller " + ref + " is not paused", "caller_ref");
  }
  k.pause_reason.clear();
  k.gate_paused = false;
  moveCaller(slot, CallerEvent::kUnpause, now);
  callerReady(slot, now);
  return Status::ok();
}

int CampaignRuntime::readmitGatePaused(TimePoint now) {
  int readmitted = 0;
  for (size_t slot = 0; slot < callers_.size(); ++slot) {
    Caller& k = callers_[slot];
    if (k.state != CallerState::kPaused || !k.gate_paused) continue;
    GateDecisionPtr g = ports_.gate->checkRouting(opts_.campaign.id, k.ref, now);
    assert(g && "CallerGate returned no decision");
    if (!g->allowed) {
      k.pause_reason = "gate: " + g->reason;
      continue;
    }
    if (ports_.events) {
      DomainEvent ev{"gate.readmitted", opts_.campaign.id.str(), k.ref, Json::object(), now};
      ev.data["previous_reason"] = k.pause_reason;
      ports_.events->publish(ev);
    }
    k.pause_reason.clear();
    k.gate_paused = false;
    moveCaller(static_cast<int>(slot), CallerEvent::kUnpause, now);
    callerReady(static_cast<int>(slot), now);
    readmitted++;
  }
  return readmitted;
}

Status CampaignRuntime::wrapUp(const std::string& ref, const WrapUp& w, TimePoint now) {
  int slot = callerSlot(ref);
  if (slot < 0) return Status::notFound("no caller " + ref, "caller_ref");
  if (callers_[slot].state != CallerState::kWrapUp)
    return Status::failedPrecondition("caller " + ref + " is not in wrap-up", "caller_ref");
  return finishWrapUp(slot, w, false, now);
}

Status CampaignRuntime::finishWrapUp(int slot, const WrapUp& w, bool timed_out, TimePoint now) {
  Caller& k = callers_[slot];
  const std::string ref = k.ref;
  if (k.call >= 0) {
    int cs = k.call;
    HandleRecord h{now,
                   k.talk_ended - k.talk_started,
                   now - k.talk_ended,
                   w.disposition == "machine",
                   answerAge(calls_[cs]),
                   calls_[cs].amd};
    // The pacer's handle times are those of the calls it dialed (a wrap-up
    // that timed out says how long nobody answered for it, not how long one takes).
    if (calls_[cs].origin == CallOrigin::kPaced && !timed_out) history_.handles.push(h);
    calls_[cs].wrapped_at = now;
    calls_[cs].has_wrap = true;
    finishLead(cs, w.disposition, &w, now);
    k.call = -1;
  }
  if (k.logout_pending) {
    k.logout_pending = false;
    moveCaller(slot, CallerEvent::kLogout, now);
    setLoggedIn(slot, false);
    ports_.telephony->closeCallerLeg(ref);
    requestPace(now);
    return Status::ok();
  }
  std::string reason = w.pause_reason ? *w.pause_reason : k.pause_reason;
  if (!reason.empty()) {
    k.pause_reason = reason;
    moveCaller(slot, CallerEvent::kPause, now);
    requestPace(now);
    return Status::ok();
  }
  moveCaller(slot, CallerEvent::kWrapDone, now);
  callerReady(slot, now);
  return Status::ok();
}

Status CampaignRuntime::hangupCaller(const std::string& ref, TimePoint) {
  int slot = callerSlot(ref);
  if (slot < 0) return Status::notFound("no caller " + ref, "caller_ref");
  Caller& k = callers_[slot];
  if (k.state != CallerState::kOnCall || k.call < 0)
    return Status::failedPrecondition("caller " + ref + " is not on a call", "caller_ref");
  ports_.telephony->hangup(calls_[k.call].id, HangupCause::kNormal);
  return Status::ok();
}

void CampaignRuntime::callerReady(int slot, TimePoint now) {
  ready_.push_back(slot);
  routeWaiting(now);
  requestPace(now);
}

// ---------------------------------------------------------------- telephony

void CampaignRuntime::onTelephonyEvent(const TelephonyEvent& ev) {
  const TimePoint now = ev.at;
  using K = TelephonyEvent::Kind;
  switch (ev.kind) {
    case K::kCallerLegUp: {
      int slot = callerSlot(ev.caller_ref);
      if (slot < 0 || !callers_[slot].leg_pending) return;
      callers_[slot].leg_pending = false;
      if (!moveCaller(slot, CallerEvent::kLogin, now)) return;
      setLoggedIn(slot, true);
      if (!callers_[slot].login_pause.empty()) {
        Caller& k = callers_[slot];
        k.pause_reason = std::exchange(k.login_pause, std::string());
        moveCaller(slot, CallerEvent::kPause, now);
        return;
      }
      callerReady(slot, now);
      return;
    }
    case K::kCallerLegDown: {
      int slot = callerSlot(ev.caller_ref);
      if (slot < 0) return;
      Caller& k = callers_[slot];
      k.leg_pending = false;
      if (k.state == CallerState::kLoggedOut) return;
      removeReady(slot);
      returnOffer(slot);
      int cs = k.call;
      CallerState was = k.state;
      // Why the caller was logged out, for the console and caller.state:
      // "leg_lost: caller_gone" (the phone hung up) or "leg_lost: media_timeout"
      // (no audio from the phone: it vanished without a BYE). Cleared at login.
      // (kNormal: Clearline closed the leg itself, e.g. at shutdown: no reason.)
      k.pause_reason = ev.cause == HangupCause::kNormal ? std::string()
                                                        : "leg_lost: " + std::string(toString(ev.cause));
      moveCaller(slot, CallerEvent::kLegLost, now);
      setLoggedIn(slot, false);
      k.call = -1;
      k.logout_pending = false;
      if (cs >= 0) {
        Call& c = calls_[cs];
        c.caller = -1;
        if (was == CallerState::kOnCall) {
          ports_.telephony->hangup(c.id, HangupCause::kCallerGone);
        } else if (was == CallerState::kReserved && c.origin == CallOrigin::kCaller) {
          // The caller who pressed Call is gone: their call is never handed to
          // anyone else (nor to the safe-harbor path); it is ended.
          ports_.telephony->hangup(c.id, HangupCause::kCallerGone);
        } else if (was == CallerState::kReserved && c.state == CallState::kAnswered) {
          // Re-route the callee within what is left of its grace.
          c.waiting = true;
          waiting_.push_front(cs);
          routeWaiting(now);
        } else if (was == CallerState::kWrapUp) {
          finishLead(cs, kNoDisposition, nullptr, now);
        }
      }
      requestPace(now);
      return;
    }
    case K::kTrunkUp:
      requestPace(now);
      return;
    case K::kTrunkDown:
      return;
    default:
      break;
  }
  int slot = callSlot(ev.call_id);
  if (slot < 0) return;
  Call& c = calls_[slot];
  switch (ev.kind) {
    case K::kRinging:
      if (c.state == CallState::kDialing) moveCall(slot, CallEvent::kRinging, now);
      return;
    case K::kAnswered:
      if (c.origin == CallOrigin::kCaller) {
        onManualAnswered(slot, now);
      } else {
        onAnswered(slot, ev);
      }
      return;
    case K::kGreetingEnded:
      c.greeting_end_at = now;
      c.has_greeting_end = true;
      if (c.waiting) c.deadline = deadlineFor(c);
      return;
    case K::kHuman:
      if (c.state == CallState::kAnswered && !c.routable) {
        c.answered_by = "human";
        amd_in_time_++;
        onRoutable(slot, now);
      } else if (c.amd_yielded) {
        amd_late_++;  // routed before this verdict; AMD could not have misjudged them
      }
      return;
    case K::kMachine:
      if (c.state == CallState::kAnswered && !c.routable) {
        c.answered_by = "machine";
        counters_.machine++;
        resolveDial(slot, DialOutcome::kMachine, now);
        moveCall(slot, CallEvent::kMachineDetected, now);
        ports_.telephony->hangup(c.id, HangupCause::kNormal);
        requestPace(now);
      } else if (c.state == CallState::kAnswered && c.amd_yielded && c.waiting) {
        // Routed before the verdict (amd_yield_margin) and still without a
        // caller: a machine is hung up on, not abandoned.
        auto it = std::find(waiting_.begin(), waiting_.end(), slot);
        if (it != waiting_.end()) waiting_.erase(it);
        c.waiting = false;
        c.answered_by = "machine";
        counters_.machine++;
        moveCall(slot, CallEvent::kMachineDetected, now);
        ports_.telephony->hangup(c.id, HangupCause::kNormal);
        requestPace(now);
      }
      return;
    case K::kBridged: {
      if (c.state != CallState::kAnswered || c.caller < 0) return;
      c.bridged_at = now;
      c.has_bridge = true;
      if (c.origin == CallOrigin::kCaller) {
        // Not an autodialed live answer: not in the abandonment ledger (its
        // rate is the autodialer's) nor in the pacer's history.
        counters_.manual_bridged++;
      } else {
        counters_.bridged++;
        recordLive(slot, false, now);
      }
      moveCall(slot, CallEvent::kBridge, now);
      Caller& k = callers_[c.caller];
      k.talk_started = now;
      moveCaller(c.caller, CallerEvent::kConnect, now);
      return;
    }
    case K::kSafeHarborPlayed:
      c.safe_harbor = true;
      return;
    case K::kEnded:
      c.cause = ev.cause;
      c.sip_status = ev.sip_status;
      if (c.origin == CallOrigin::kCaller) {
        onManualEnded(slot, ev);
      } else {
        onEnded(slot, ev);
      }
      return;
    default:
      return;
  }
}

void CampaignRuntime::onAnswered(int slot, const TelephonyEvent& ev) {
  Call& c = calls_[slot];
  if (!isInFlight(c.state)) return;
  c.answered_at = ev.at;
  c.has_answer = true;
  counters_.answered++;
  removeInFlight(slot);
  moveCall(slot, CallEvent::kAnswer, ev.at);
  if (!c.amd) {
    c.answered_by = "unknown";
    onRoutable(slot, ev.at);
    return;
  }
  if (amdYieldsToGrace()) screening_.push_back(Screening{slot, c.id, deadlineFor(c) - opts_.amd_yield_margin});
  if (opts_.pace_on_events) pace(ev.at);
}

bool CampaignRuntime::amdYieldsToGrace() const {
  return opts_.amd_yield_margin >= Millis{0} && opts_.grace_from != GraceReference::kGreetingEnd;
}

void CampaignRuntime::yieldScreening(TimePoint now) {
  for (size_t i = 0; i < screening_.size();) {
    const Screening s = screening_[i];
    const Call& c = calls_[s.slot];
    const bool screening = c.id == s.id && c.state == CallState::kAnswered && !c.routable;
    if (screening && now < s.at) {
      ++i;
      continue;
    }
    screening_[i] = screening_.back();
    screening_.pop_back();
    if (!screening) continue;
    // AMD's verdict would come too late to use: route it as a person.
    calls_[s.slot].answered_by = "unknown";
    calls_[s.slot].amd_yielded = true;
    onRoutable(s.slot, now);  // may dial (calls_ may grow); screening_ is not touched
  }
}

void CampaignRuntime::onRoutable(int slot, TimePoint now) {
  Call& c = calls_[slot];
  screening_calls_ -= static_cast<int>(inScreening(c));
  c.routable = true;
  counters_.live++;
  resolveDial(slot, DialOutcome::kLive, now);
  c.deadline = deadlineFor(c);
  if (!tryRoute(slot, now)) {
    if (now >= c.deadline) {
      abandon(slot, now);
    } else {
      c.waiting = true;
      waiting_.push_back(slot);
    }
  }
  requestPace(now);
}

bool CampaignRuntime::tryRoute(int slot, TimePoint now) {
  Call& c = calls_[slot];
  while (!ready_.empty()) {
    int ks = ready_.front();
    ready_.pop_front();
    Caller& k = callers_[ks];
    GateDecisionPtr g = ports_.gate->checkRouting(opts_.campaign.id, k.ref, now);
    assert(g && "CallerGate returned no decision");
    if (!g->allowed) {
      if (ports_.events) {
        DomainEvent ev{"gate.refused", opts_.campaign.id.str(), k.ref, Json::object(), now};
        ev.data["stage"] = "routing";
        ev.data["reason"] = g->reason;
        ports_.events->publish(ev);
      }
      k.pause_reason = "gate: " + g->reason;
      k.gate_paused = true;
      moveCaller(ks, CallerEvent::kPause, now);
      continue;
    }
    k.gate = std::move(g);
    k.call = slot;
    c.caller = ks;
    moveCaller(ks, CallerEvent::kReserve, now);
    if (ports_.events) {
      DomainEvent ev{"screen_pop", opts_.campaign.id.str(), k.ref, Json::object(), now};
      ev.data["call_id"] = c.id.value;
      ev.data["contact_id"] = c.lead.contact_id.value;
      ev.data["phone_id"] = c.lead.phone_id.value;
      ev.data["number"] = c.lead.e164;
      ev.data["script_version"] = opts_.campaign.script.version;
      ports_.events->publish(ev);
    }
    ports_.telephony->bridge(c.id, k.ref);
    return true;
  }
  return false;
}

void CampaignRuntime::routeWaiting(TimePoint now) {
  while (!waiting_.empty() && !ready_.empty()) {
    // Earliest grace deadline first (FIFO among equal deadlines): a callee whose
    // greeting has ended is on the clock the law counts, one still greeting
    // (a long greeting is usually a machine) is not yet.
    auto first = std::min_element(waiting_.begin(), waiting_.end(), [&](int a, int b) {
      return calls_[a].deadline < calls_[b].deadline;
    });
    int slot = *first;
    waiting_.erase(first);
    Call& c = calls_[slot];
    c.waiting = false;
    if (now >= c.deadline) {
      abandon(slot, now);
      continue;
    }
    if (!tryRoute(slot, now)) {
      c.waiting = true;
      waiting_.push_front(slot);
      return;
    }
  }
}

void CampaignRuntime::expireDeadlines(TimePoint now) {
  if (waiting_.empty()) return;
  for (size_t i = 0; i < waiting_.size();) {
    int slot = waiting_[i];
    if (now >= calls_[slot].deadline) {
      waiting_.erase(waiting_.begin() + static_cast<std::ptrdiff_t>(i));
      calls_[slot].waiting = false;
      abandon(slot, now);
    } else {
      ++i;
    }
  }
}

void CampaignRuntime::abandon(int slot, TimePoint now) {
  Call& c = calls_[slot];
  if (!moveCall(slot, CallEvent::kAbandon, now)) return;
  c.abandoned = true;
  counters_.abandoned++;
  recordLive(slot, true, now);
  ports_.telephony->playSafeHarbor(c.id);
}

Millis CampaignRuntime::answerAge(const Call& c) {
  if (!c.has_answer || c.answered_at < c.dialed_at) return Millis(-1);
  return std::chrono::duration_cast<Millis>(c.answered_at - c.dialed_at);
}

void CampaignRuntime::recordLive(int slot, bool abandoned, TimePoint now) {
  Call& c = calls_[slot];
  if (c.ledger_recorded) return;
  c.ledger_recorded = true;
  ports_.ledger->recordLiveAnswer(opts_.campaign.id, c.id, c.answered_at, abandoned, false);
  history_.live.push(LiveRecord{now, abandoned, answerAge(c), c.amd});
  history_.total_live++;
  if (abandoned) history_.total_abandoned++;
  budget_valid_ = false;
}

void CampaignRuntime::resolveDial(int slot, DialOutcome outcome, TimePoint now) {
  Call& c = calls_[slot];
  history_.dials.push(
      DialRecord{c.dialed_at, now - c.dialed_at, outcome, c.amd, answerAge(c), c.ring_timeout});
  history_.total_dials++;
}

void CampaignRuntime::onEnded(int slot, const TelephonyEvent& ev) {
  const TimePoint now = ev.at;
  Call& c = calls_[slot];
  c.ended_at = now;
  std::string disposition;
  bool keep_for_wrap = false;
  bool network_retry = false;
  int ready_after = -1;
  if (isInFlight(c.state)) {
    removeInFlight(slot);
    counters_.failed++;
    resolveDial(slot, ev.cause == HangupCause::kNoAnswer ? DialOutcome::kNoAnswer : DialOutcome::kFailed,
                now);
    disposition = unansweredDisposition(ev.cause);
    network_retry = disposition == kNetworkError;
    moveCall(slot, CallEvent::kFail, now);
  } else if (c.state == CallState::kAnswered) {
    // The callee left before routing (or before the AMD verdict), or the edge's
    // safety net prompted a callee this runtime still had waiting for a caller
    // (its deadline was missed, e.g. a stalled loop): a person who heard the
    // prompt was not connected, so that call is abandoned (fail-closed).
    const bool prompted = c.routable && (c.safe_harbor || ev.cause == HangupCause::kSafeHarborDone);
    if (c.waiting) {
      auto it = std::find(waiting_.begin(), waiting_.end(), slot);
      if (it != waiting_.end()) waiting_.erase(it);
      c.waiting = false;
    }
    if (prompted) {
      c.abandoned = true;
      counters_.abandoned++;
    }
    if (c.routable) recordLive(slot, prompted, now);
    if (!c.routable) resolveDial(slot, DialOutcome::kNoAnswer, now);
    if (c.caller >= 0) {  // bridge was in progress
      int ks = c.caller;
      c.caller = -1;
      callers_[ks].call = -1;
      // callerReady() may dial and grow calls_: run it after this call is finished.
      if (moveCaller(ks, CallerEvent::kRelease, now)) ready_after = ks;
    }
    disposition = prompted ? "abandoned" : "no_answer";
  } else if (c.state == CallState::kBridged) {
    if (c.caller >= 0) {
      Caller& k = callers_[c.caller];
      k.talk_ended = now;
      moveCaller(c.caller, CallerEvent::kCallEnded, now);
      keep_for_wrap = true;
    } else {
      disposition = kNoDisposition;  // its caller's leg went during the call
    }
  } else if (c.state == CallState::kAbandoned) {
    disposition = "abandoned";
  } else if (c.state == CallState::kMachine) {
    disposition = "machine";
  } else if (c.state == CallState::kFailed) {
    disposition = "failed";
  }
  moveCall(slot, CallEvent::kEnd, now);
  lines_in_use_--;
  locks_->unlock(c.lead.e164);
  if (keep_for_wrap) {
    requestPace(now);
    return;  // finishLead runs at wrap-up
  }
  if (network_retry) {
    retryAfterNetworkError(slot, now);
  } else {
    finishLead(slot, disposition, nullptr, now);
  }
  if (ready_after >= 0) callerReady(ready_after, now);
  requestPace(now);
}

void CampaignRuntime::finishLead(int slot, const std::string& disposition, const WrapUp* w,
                                 TimePoint now) {
  Call& c = calls_[slot];
  c.disposition = disposition;
  Lead lead = std::move(c.lead);
  LeadUpdate u;
  u.campaign_id = opts_.campaign.id;
  u.contact_id = lead.contact_id;
  u.phone_id = lead.phone_id;
  u.last_call_id = c.id;
  u.disposition = disposition;
  u.attempts = lead.attempts;
  std::optional<TimePoint> next;
  if (w && w->final) {
    next.reset();
  } else if (w && w->callback_due) {
    u.callback_due = w->callback_due;
    next = *w->callback_due;
  } else {
    next = recycle_.nextAttemptAt(disposition, lead.attempts, now);
    if (!next && disposition == "abandoned" &&
        lead.attempts < opts_.campaign.max_attempts_per_contact)
      next = now + Millis(24LL * 3600 * 1000);  // an abandoned live callee deserves a retry
  }
  if (next && disposition == "abandoned" && opts_.uk_72h_rule) {
    TimePoint min_next = now + Millis(72LL * 3600 * 1000);
    if (*next < min_next) next = min_next;
  }
  u.final = !next.has_value();
  u.next_attempt_at = next;
  {
    // Feedback for the policy's caps and repeat rules (S9, R12, U5).
    CompletedDial o;
    o.campaign_id = opts_.campaign.id;
    o.org_id = opts_.campaign.org_id;
    o.subject_key = opts_.campaign.subject_key;
    o.e164 = lead.e164;
    o.at = c.dialed_at;
    o.prerecorded = attempt_.prerecorded;
    o.live_answered = c.routable;
    o.abandoned = c.abandoned;
    o.machine = c.answered_by == "machine";
    o.disposition = disposition;
    ports_.authorizer->noteDial(o);
  }
  if (ports_.records) {
    emitRecord(slot);
    ports_.records->onLeadUpdate(u);
  }
  if (next) {
    lead.not_before = *next;
    if (u.callback_due) {
      lead.callback_due = u.callback_due;
      if (w && c.caller >= 0) lead.callback_caller = callers_[c.caller].ref;
    } else {
      lead.callback_due.reset();
    }
    requeue(slot, std::move(lead));
  }
  releaseCall(slot);
}

void CampaignRuntime::releaseCall(int slot) {
  Call& c = calls_[slot];
  index_.erase(c.id.value);
  screening_calls_ -= static_cast<int>(inScreening(c));
  c = Call{};
  free_calls_.push_back(slot);
}

// ---------------------------------------------------------------- dialing

void CampaignRuntime::refreshBudget(TimePoint now, bool force) {
  if (!force && budget_valid_ && now - budget_at_ < opts_.budget_refresh) return;
  budget_ = ports_.ledger->budget(opts_.campaign.id, now, opts_.cap_pct);
  budget_at_ = now;
  budget_valid_ = true;
}

void CampaignRuntime::requestPace(TimePoint now) {
  if (!opts_.pace_on_events || stopped_) return;
  if (!has_paced_ || now - last_pace_ >= opts_.min_pace_interval) {
    pace(now);
  } else if (!pace_due_) {
    pace_due_ = last_pace_ + opts_.min_pace_interval;
  }
}

void CampaignRuntime::pace(TimePoint now) {
  if (stopped_ || in_pace_) return;
  last_pace_ = now;
  has_paced_ = true;
  pace_due_.reset();
  DialMode mode = dialMode(now);
  if (mode == DialMode::kPreview || mode == DialMode::kHumanInitiated) return;
  if (!ports_.telephony->trunkUp()) return;
  in_pace_ = true;
  caller_views_.clear();
  if (pacer_->readsViews()) {
    for (int ks : logged_in_) {
      const Caller& k = callers_[ks];
      CallerView v;
      v.state = k.state;
      v.in_state = now - k.since;
      if (k.state == CallerState::kOnCall)
        v.talk_elapsed = now - k.talk_started;
      else if (k.state == CallerState::kWrapUp)
        v.talk_elapsed = k.talk_ended - k.talk_started;
      caller_views_.push_back(v);
    }
  }
#ifndef NDEBUG
  {
    CallerCounts scanned;
    for (int ks : logged_in_) tally(scanned, callers_[ks].state);
    assert(scanned.logged_in == caller_counts_.logged_in && scanned.ready == caller_counts_.ready &&
           scanned.reserved == caller_counts_.reserved &&
           scanned.on_call == caller_counts_.on_call && scanned.wrap_up == caller_counts_.wrap_up &&
           scanned.paused == caller_counts_.paused);
  }
#endif
  if (pacer_->readsViews()) {
    dial_views_.resize(flight_marks_.size());
    for (size_t i = 0; i < flight_marks_.size(); ++i)
      dial_views_[i] = DialView{now - flight_marks_[i].dialed_at, flight_marks_[i].amd,
                                flight_marks_[i].ring_timeout};
  } else {
    dial_views_.clear();
  }
  refreshBudget(now, false);
  PacerInput in;
  in.now = now;
  in.callers = caller_views_;
  in.counts = caller_counts_;
  in.in_flight = dial_views_;
  in.dials = static_cast<int>(flight_marks_.size());
  in.answered_waiting = static_cast<int>(waiting_.size());
  if (opts_.detect_machine) {
    in.screening = screening_calls_;
#ifndef NDEBUG
    int scanned = 0;
    for (const Call& c : calls_) scanned += inScreening(c);
    assert(scanned == screening_calls_);
#endif
  }
  in.lines_in_use = lines_in_use_;
  in.line_cap = opts_.line_cap;
  in.ring_timeout = opts_.ring_timeout;
  in.leads_ready = static_cast<int64_t>(queue_.readyCount(now));
  in.target_pct = opts_.campaign.abandon_target_pct;
  in.cap_pct = opts_.cap_pct;
  in.budget = budget_;
  in.grace = opts_.grace;
  {
    // Typical greeting 1.2 s and AMD's 0.8 s of silence after it.
    Millis used{0};
    if (opts_.detect_machine)
      used = opts_.grace_from == GraceReference::kGreetingEnd ? Millis(800) : Millis(2000);
    in.routable_grace = std::max(Millis(0), opts_.grace - used);
  }
  in.amd = opts_.detect_machine;
  // (+1: with no evidence, every person is taken to be screened to a verdict.)
  in.amd_verdict_share = (static_cast<double>(amd_in_time_) + 1.0) /
                         (static_cast<double>(amd_in_time_ + amd_late_) + 1.0) *
                         (static_cast<double>(amd_dials_) + 1.0) /
                         (static_cast<double>(paced_dials_) + 1.0);
  in.history = &history_;
  PacerDecision d = pacer_->decide(in);
  pacer_wake_ = d.wake_at;
  pace_screen_ = d.screen;
  // A pacer may ring shorter than the campaign, never below the legal minimum.
  pace_ring_ = d.ring_timeout.count() > 0 ? std::clamp(d.ring_timeout, kMinRing, opts_.ring_timeout)
                                          : opts_.ring_timeout;
  int n = std::max(0, d.dial);
  if (opts_.line_cap > 0) n = std::min(n, opts_.line_cap - lines_in_use_);
  if (mode == DialMode::kProgressive) {
    // Progressive never has more dials out than ready callers.
    int ready = static_cast<int>(ready_.size());
    n = std::min(n, ready - static_cast<int>(in_flight_.size()) - static_cast<int>(waiting_.size()));
  }
  for (int i = 0; i < n; ++i)
    if (!dialOne(now)) break;
  in_pace_ = false;
}

DialMode CampaignRuntime::dialMode(TimePoint now) const {
  if (opts_.campaign.dial_mode == DialMode::kPredictive && progressive_until_ && now < *progressive_until_)
    return DialMode::kProgressive;
  return opts_.campaign.dial_mode;
}

bool CampaignRuntime::dialOne(TimePoint now) {
  for (int tries = 0; tries < kMaxPopsPerDial; ++tries) {
    auto lead = queue_.popReady(now);
    if (!lead) return false;
    if (!lead->callback_caller.empty()) {
      // A callback promised to one caller waits until that caller is ready.
      int ks = callerSlot(lead->callback_caller);
      if (ks >= 0 && callers_[ks].logged_in_pos >= 0 &&
          callers_[ks].state != CallerState::kReady) {
        lead->not_before = now + Millis(10000);
        queue_.add(std::move(*lead));
        continue;
      }
    }
    if (!locks_->tryLock(lead->e164)) {
      counters_.locked_skips++;
      lead->not_before = now + kLockRetry;
      queue_.add(std::move(*lead));
      continue;
    }
    attempt_.contact_id = lead->contact_id;
    attempt_.e164 = lead->e164;
    attempt_.line_type = lead->line_type;
    attempt_.consent = lead->consent;
    attempt_.consent_revoked_at = lead->consent_revoked_at;
    attempt_.state = lead->state;
    attempt_.zip = lead->zip;
    attempt_.timezone = lead->timezone;
    attempt_.mode = dialMode(now);
    Decision& d = decision_;
    ports_.authorizer->authorizeInto(attempt_, now, d);
    bool can_fall_back = d.route_to_mode && *d.route_to_mode == DialMode::kProgressive &&
                         attempt_.mode == DialMode::kPredictive;
    if (d.verdict == Verdict::kDeny && can_fall_back) {
      // R3/U2: the abandonment budget is spent, a 1:1 dial would be allowed.
      // The campaign dials progressive for a while (pace() and the next
      // authorizations use that mode); the lead goes back, ready now. This
      // round of dials ends: its count was computed for predictive.
      locks_->unlock(lead->e164);
      counters_.mode_fallbacks++;
      progressive_until_ = now + kModeFallbackHold;
      pace_due_ = now + opts_.min_pace_interval;  // pace again soon, in progressive mode
      queue_.add(std::move(*lead));
      return false;
    }
    if (d.verdict != Verdict::kAllow && d.route_to_mode && !can_fall_back) {
      // The policy forbids this campaign's (autodialed) mode for this lead but
      // would allow a dial in another mode (R11: wireless/unknown line without
      // consent → human-initiated), now or at `until`. This runtime never dials
      // in that mode, so the lead leaves the autodial queue for the routed
      // queue (a human-initiated console takes it from there); it is not a
      // final outcome for the contact.
      locks_->unlock(lead->e164);
      counters_.routed++;
      lead->not_before = d.until ? *d.until : now;
      LeadUpdate u{opts_.campaign.id, lead->contact_id, lead->phone_id, CallId(),
                   "route_to_" + std::string(toString(*d.route_to_mode)), lead->attempts,
                   false, lead->not_before, std::nullopt};
      if (ports_.records) ports_.records->onLeadUpdate(u);
      routed_.push_back(RoutedLead{std::move(*lead), *d.route_to_mode, d.until, d.authorization_id});
      continue;
    }
    if (d.verdict != Verdict::kAllow) {
      locks_->unlock(lead->e164);
      LeadUpdate u{opts_.campaign.id, lead->contact_id, lead->phone_id, CallId(),
                   d.verdict == Verdict::kDefer ? "deferred" : "denied", lead->attempts,
                   d.verdict == Verdict::kDeny, std::nullopt, std::nullopt};
      if (d.verdict == Verdict::kDefer) {
        counters_.deferred++;
        lead->not_before = d.until ? *d.until : now + Millis(3600000);
        u.next_attempt_at = lead->not_before;
        if (ports_.records) ports_.records->onLeadUpdate(u);
        queue_.add(std::move(*lead));
      } else {
        counters_.denied++;
        if (ports_.records) ports_.records->onLeadUpdate(u);
      }
      continue;
    }
    int slot = takeSlot(free_calls_, calls_);
    Call& c = calls_[slot];
    c.id = ports_.ids->next();
    c.state = CallState::kQueued;
    c.lead = std::move(*lead);
    c.lead.attempts++;
    c.authorization_id = std::move(d.authorization_id);
    c.queued_at = now;
    c.dialed_at = now;
    index_[c.id.value] = slot;
    lines_in_use_++;
    counters_.dials++;
    OriginateRequest req;
    req.call_id = c.id;
    req.campaign_id = opts_.campaign.id;
    req.to_e164 = c.lead.e164;
    req.caller_id = opts_.campaign.caller_id;
    req.caller_id_name = opts_.campaign.name;
    req.ring_timeout = pace_ring_;
    c.ring_timeout = pace_ring_;
    if (pace_ring_ < opts_.ring_timeout) counters_.short_ring_dials++;
    req.detect_machine = opts_.detect_machine && pace_screen_;
    c.amd = req.detect_machine;
    c.in_flight_pos = static_cast<int>(in_flight_.size());
    in_flight_.push_back(slot);
    flight_marks_.push_back(DialMark{c.dialed_at, c.amd, c.ring_timeout});
    paced_dials_++;
    amd_dials_ += req.detect_machine ? 1 : 0;
    moveCall(slot, CallEvent::kOriginate, now);
    ports_.telephony->originate(req);
    return true;
  }
  return false;
}

// ---------------------------------------------------------------- caller-placed dials

void CampaignRuntime::retryAfterNetworkError(int slot, TimePoint now) {
  Call& c = calls_[slot];
  Lead l = c.lead;
  l.not_before = now + kNetworkRetry;
  c.disposition = kNetworkError;
  if (ports_.records) {
    emitRecord(slot);
    ports_.records->onLeadUpdate(LeadUpdate{opts_.campaign.id, l.contact_id, l.phone_id, c.id,
                                            c.disposition, l.attempts, false, l.not_before,
                                            std::nullopt});
  }
  requeue(slot, std::move(l));
  releaseCall(slot);
}

void CampaignRuntime::requeue(int slot, Lead lead) {
  const Call& c = calls_[slot];
  if (c.from_routed) {
    // A lead routed out of the autodial queue stays a caller-placed lead.
    routed_.push_back(RoutedLead{std::move(lead), c.mode, std::nullopt, c.authorization_id});
  } else {
    queue_.add(std::move(lead));
  }
}

void CampaignRuntime::returnOffer(int caller_slot) {
  Caller& k = callers_[caller_slot];
  if (!k.offer) return;
  ManualLead m = std::move(*k.offer);
  k.offer.reset();
  if (m.routed) {
    routed_.insert(routed_.begin(), RoutedLead{std::move(m.lead), m.mode, std::nullopt, ""});
  } else {
    queue_.add(std::move(m.lead));
  }
}

Result<std::optional<ManualLead>> CampaignRuntime::nextManualLead(const std::string& ref,
                                                                  TimePoint now) {
  int ks = callerSlot(ref);
  if (ks < 0) return Status::notFound("no caller " + ref, "caller_ref");
  Caller& k = callers_[ks];
  if (k.leg_pending || k.logged_in_pos < 0 ||
      (k.state != CallerState::kReady && k.state != CallerState::kPaused))
    return Status::failedPrecondition("caller " + ref + " is " + std::string(toString(k.state)) +
                                          ": only a ready or paused caller can press Call",
                                      "caller_ref");
  if (k.offer) return std::optional<ManualLead>(*k.offer);
  if (stopped_) return std::optional<ManualLead>();
  // A callback promised to another logged-in caller is theirs.
  auto promisedElsewhere = [&](const Lead& l) {
    if (l.callback_caller.empty() || l.callback_caller == ref) return false;
    int other = callerSlot(l.callback_caller);
    return other >= 0 && callers_[other].logged_in_pos >= 0;
  };
  // Routed leads (R11 took them out of the autodial queue), oldest first,
  // once their time has come.
  for (size_t i = 0; i < routed_.size(); ++i) {
    const RoutedLead& rl = routed_[i];
    if (!isCallerPlacedMode(rl.mode) || rl.lead.not_before > now || promisedElsewhere(rl.lead))
      continue;
    ManualLead m{rl.lead, rl.mode, true};
    routed_.erase(routed_.begin() + static_cast<std::ptrdiff_t>(i));
    k.offer = std::move(m);
    return std::optional<ManualLead>(*k.offer);
  }
  // A preview / human-initiated campaign: its own queue (the pacer never dials it).
  if (isCallerPlacedMode(opts_.campaign.dial_mode)) {
    std::vector<Lead> aside;
    std::optional<Lead> got;
    for (int tries = 0; tries < kMaxPopsPerDial; ++tries) {
      auto l = queue_.popReady(now);
      if (!l) break;
      if (promisedElsewhere(*l)) {
        aside.push_back(std::move(*l));
        continue;
      }
      got = std::move(l);
      break;
    }
    for (auto& l : aside) queue_.add(std::move(l));
    if (got) {
      k.offer = ManualLead{std::move(*got), opts_.campaign.dial_mode, false};
      return std::optional<ManualLead>(*k.offer);
    }
  }
  return std::optional<ManualLead>();
}

Status CampaignRuntime::skipManualLead(const std::string& ref, TimePoint now) {
  int ks = callerSlot(ref);
  if (ks < 0) return Status::notFound("no caller " + ref, "caller_ref");
  Caller& k = callers_[ks];
  if (!k.offer) return Status::failedPrecondition("no lead is offered to caller " + ref, "caller_ref");
  ManualLead m = std::move(*k.offer);
  k.offer.reset();
  m.lead.not_before = std::max(m.lead.not_before, now + kSkipHold);
  if (m.routed) {
    routed_.push_back(RoutedLead{std::move(m.lead), m.mode, std::nullopt, ""});
  } else {
    queue_.add(std::move(m.lead));
  }
  return Status::ok();
}

Result<CallId> CampaignRuntime::dialForCaller(const std::string& ref, ContactId contact,
                                              TimePoint now) {
  int ks = callerSlot(ref);
  if (ks < 0) return Status::notFound("no caller " + ref, "caller_ref");
  {
    Caller& k = callers_[ks];
    if (k.leg_pending || k.logged_in_pos < 0 ||
        (k.state != CallerState::kReady && k.state != CallerState::kPaused))
      return Status::failedPrecondition("caller " + ref + " is " +
                                            std::string(toString(k.state)) +
                                            ": only a ready or paused caller can press Call",
                                        "caller_ref");
    if (stopped_)
      return Status::failedPrecondition(
          "campaign " + opts_.campaign.id.str() + " is not dialing (paused or finished)");
    if (!k.offer || k.offer->lead.contact_id != contact) {
      // Not the lead offered to this caller: a routed lead may be taken directly.
      auto it = std::find_if(routed_.begin(), routed_.end(), [&](const RoutedLead& rl) {
        return rl.lead.contact_id == contact && isCallerPlacedMode(rl.mode) &&
               rl.lead.not_before <= now;
      });
      if (it == routed_.end())
        return Status::notFound("contact " + contact.str() + " is not offered to caller " + ref +
                                    " (ask for the next lead first)",
                                "contact_id");
      ManualLead m{std::move(it->lead), it->mode, true};
      routed_.erase(it);
      returnOffer(ks);
      callers_[ks].offer = std::move(m);
    }
  }
  if (!ports_.telephony->trunkUp()) {
    counters_.manual_refused++;
    return Status::unavailable("the trunk is down: not dialed (the lead stays offered)");
  }
  // The caller takes this call: the routing gate, as for every call routed to a caller.
  GateDecisionPtr g = ports_.gate->checkRouting(opts_.campaign.id, ref, now);
  assert(g && "CallerGate returned no decision");
  if (!g->allowed) {
    if (ports_.events) {
      DomainEvent ev{"gate.refused", opts_.campaign.id.str(), ref, Json::object(), now};
      ev.data["stage"] = "dial";
      ev.data["reason"] = g->reason;
      ports_.events->publish(ev);
    }
    counters_.manual_refused++;
    return Status::permissionDenied("gate: " + g->reason, "caller_ref");
  }
  Caller& k = callers_[ks];
  const std::string e164 = k.offer->lead.e164;
  if (!locks_->tryLock(e164)) {
    counters_.manual_refused++;
    return Status(StatusCode::kUnavailable,
                  "number " + e164 + " is in another attempt now; try again later", "contact_id");
  }
  // Compliance at this moment, in the mode the caller dials in (fail-closed:
  // anything but allow is returned as an error naming the rule and reason).
  const Lead& l = k.offer->lead;
  attempt_.contact_id = l.contact_id;
  attempt_.e164 = l.e164;
  attempt_.line_type = l.line_type;
  attempt_.consent = l.consent;
  attempt_.consent_revoked_at = l.consent_revoked_at;
  attempt_.state = l.state;
  attempt_.zip = l.zip;
  attempt_.timezone = l.timezone;
  attempt_.mode = k.offer->mode;
  Decision& d = decision_;
  ports_.authorizer->authorizeInto(attempt_, now, d);
  if (d.verdict != Verdict::kAllow) {
    locks_->unlock(e164);
    counters_.manual_refused++;
    ManualLead m = std::move(*k.offer);
    k.offer.reset();
    const std::string mode_name(toString(m.mode));
    std::string why = joinRules(d.rules) + (d.reason.empty() ? "" : ": " + d.reason);
    bool other_mode = d.route_to_mode && isCallerPlacedMode(*d.route_to_mode) && *d.route_to_mode != m.mode;
    if (d.verdict == Verdict::kDefer || other_mode) {
      m.lead.not_before = d.until ? *d.until : now + Millis(3600000);
      if (other_mode) m.mode = *d.route_to_mode;
      LeadUpdate u{opts_.campaign.id, m.lead.contact_id, m.lead.phone_id, CallId(),
                   other_mode ? "route_to_" + std::string(toString(m.mode)) : std::string("deferred"),
                   m.lead.attempts, false, m.lead.not_before, std::nullopt};
      if (ports_.records) ports_.records->onLeadUpdate(u);
      if (m.routed || other_mode) {
        routed_.push_back(RoutedLead{std::move(m.lead), m.mode, d.until, d.authorization_id});
      } else {
        queue_.add(std::move(m.lead));
      }
      if (d.verdict == Verdict::kDefer)
        return Status(StatusCode::kUnavailable,
                      "deferred by " + why + " (not dialed in " + mode_name +
                          " mode; the lead waits until " + formatIsoUtc(*u.next_attempt_at) + ")",
                      "contact_id");
      return Status::permissionDenied("denied by " + why + " (not dialed in " + mode_name +
                                          " mode; the policy would allow " +
                                          std::string(toString(m.mode)) + ")",
                                      "contact_id");
    }
    LeadUpdate u{opts_.campaign.id, m.lead.contact_id, m.lead.phone_id, CallId(), "denied",
                 m.lead.attempts, true, std::nullopt, std::nullopt};
    if (ports_.records) ports_.records->onLeadUpdate(u);
    return Status::permissionDenied("denied by " + why + " (not dialed in " + mode_name + " mode)",
                                    "contact_id");
  }
  // Allowed: the caller is reserved for this call, then it is dialed.
  ManualLead m = std::move(*k.offer);
  k.offer.reset();
  int slot = takeSlot(free_calls_, calls_);
  Call& c = calls_[slot];
  c.id = ports_.ids->next();
  c.state = CallState::kQueued;
  c.origin = CallOrigin::kCaller;
  c.mode = m.mode;
  c.from_routed = m.routed;
  c.lead = std::move(m.lead);
  c.lead.attempts++;
  c.authorization_id = std::move(d.authorization_id);
  c.queued_at = now;
  c.dialed_at = now;
  c.caller = ks;
  index_[c.id.value] = slot;
  lines_in_use_++;
  counters_.manual_dials++;
  const CallId id = c.id;
  Caller& kr = callers_[ks];
  removeReady(ks);
  kr.gate = std::move(g);
  kr.call = slot;
  // Pressed Call while paused: back to paused afterwards (as a pause asked during a call).
  if (kr.state == CallerState::kPaused && kr.pause_reason.empty()) kr.pause_reason = "pause";
  moveCaller(ks, CallerEvent::kDial, now);
  if (ports_.events) {
    DomainEvent ev{"screen_pop", opts_.campaign.id.str(), ref, Json::object(), now};
    ev.data["call_id"] = id.value;
    ev.data["contact_id"] = calls_[slot].lead.contact_id.value;
    ev.data["phone_id"] = calls_[slot].lead.phone_id.value;
    ev.data["number"] = calls_[slot].lead.e164;
    ev.data["script_version"] = opts_.campaign.script.version;
    ev.data["dial_mode"] = std::string(toString(calls_[slot].mode));
    ports_.events->publish(ev);
  }
  OriginateRequest req;
  req.call_id = id;
  req.campaign_id = opts_.campaign.id;
  req.to_e164 = calls_[slot].lead.e164;
  req.caller_id = opts_.campaign.caller_id;
  req.caller_id_name = opts_.campaign.name;
  req.ring_timeout = opts_.ring_timeout;
  calls_[slot].ring_timeout = opts_.ring_timeout;
  req.detect_machine = false;  // the caller is on the line and hears who answers
  moveCall(slot, CallEvent::kOriginate, now);
  ports_.telephony->originate(req);
  return id;
}

void CampaignRuntime::onManualAnswered(int slot, TimePoint now) {
  Call& c = calls_[slot];
  if (!isInFlight(c.state)) return;
  c.answered_at = now;
  c.has_answer = true;
  c.routable = true;  // a live answer (for the policy's caps), heard by the caller
  c.answered_by = "unknown";
  counters_.manual_answered++;
  moveCall(slot, CallEvent::kAnswer, now);
  if (c.caller >= 0) {
    // Straight to the caller who dialed: no grace, no other caller, no prompt.
    ports_.telephony->bridge(c.id, callers_[c.caller].ref);
  } else {
    ports_.telephony->hangup(c.id, HangupCause::kCallerGone);  // the caller left while it rang
  }
}

void CampaignRuntime::onManualEnded(int slot, const TelephonyEvent& ev) {
  const TimePoint now = ev.at;
  Call& c = calls_[slot];
  c.ended_at = now;
  std::string disposition;
  bool network_retry = false;
  if (isInFlight(c.state)) {
    counters_.manual_failed++;
    disposition = unansweredDisposition(ev.cause);
    network_retry = disposition == kNetworkError;
    moveCall(slot, CallEvent::kFail, now);
  } else if (c.state == CallState::kAnswered) {
    disposition = "no_answer";  // the callee left before the bridge was up
  } else if (c.state == CallState::kBridged) {
    if (c.caller >= 0) {
      Caller& k = callers_[c.caller];
      k.talk_ended = now;
      moveCaller(c.caller, CallerEvent::kCallEnded, now);
      moveCall(slot, CallEvent::kEnd, now);
      lines_in_use_--;
      locks_->unlock(c.lead.e164);
      return;  // finishLead runs at wrap-up
    }
    disposition = kNoDisposition;  // its caller's leg went during the call
  } else {
    disposition = "failed";
  }
  moveCall(slot, CallEvent::kEnd, now);
  lines_in_use_--;
  locks_->unlock(c.lead.e164);
  const int ks = c.caller;  // the caller who dialed (still reserved), if still here
  if (network_retry) {
    retryAfterNetworkError(slot, now);
  } else {
    finishLead(slot, disposition, nullptr, now);
  }
  if (ks >= 0) {
    // Back to the state they pressed Call from (or out, if they asked meanwhile).
    Caller& k = callers_[ks];
    k.call = -1;
    if (k.logout_pending) {
      k.logout_pending = false;
      moveCaller(ks, CallerEvent::kRelease, now);
      moveCaller(ks, CallerEvent::kLogout, now);
      setLoggedIn(ks, false);
      ports_.telephony->closeCallerLeg(k.ref);
      requestPace(now);
    } else if (!k.pause_reason.empty()) {
      moveCaller(ks, CallerEvent::kReleasePaused, now);
      requestPace(now);
    } else if (moveCaller(ks, CallerEvent::kRelease, now)) {
      callerReady(ks, now);
    }
  }
}

// ---------------------------------------------------------------- time

void CampaignRuntime::expireWrapUps(TimePoint now) {
  if (opts_.wrap_up_max <= Millis{0}) return;
  std::vector<int> due;  // (finishing a wrap-up may log its caller out, which reorders logged_in_)
  for (int slot : logged_in_)
    if (callers_[slot].state == CallerState::kWrapUp &&
        now - callers_[slot].since >= opts_.wrap_up_max)
      due.push_back(slot);
  for (int slot : due) {
    WrapUp w;
    w.disposition = kWrapUpTimeout;
    w.pause_reason = std::string(kWrapUpTimeout);
    // Paused, or logged out if a logout was asked during the call.
    (void)finishWrapUp(slot, w, true, now);
  }
}

void CampaignRuntime::tick(TimePoint now) {
  expireWrapUps(now);
  yieldScreening(now);
  expireDeadlines(now);
  routeWaiting(now);
  pace(now);
  maybeMetrics(now);
}

std::optional<TimePoint> CampaignRuntime::nextWakeAt() const {
  std::optional<TimePoint> t = pacer_wake_;
  if (pace_due_ && (!t || *pace_due_ < *t)) t = pace_due_;
  for (int slot : waiting_) {
    TimePoint d = calls_[slot].deadline;
    if (!t || d < *t) t = d;
  }
  for (const Screening& s : screening_) {
    if (!t || s.at < *t) t = s.at;  // (a stale entry costs one early tick, which drops it)
  }
  if (auto r = queue_.nextReadyAt(); r && !stopped_) {
    if (!t || *r < *t) t = *r;
  }
  if (opts_.wrap_up_max > Millis{0}) {
    for (int slot : logged_in_) {
      if (callers_[slot].state != CallerState::kWrapUp) continue;
      const TimePoint due = callers_[slot].since + opts_.wrap_up_max;
      if (!t || due < *t) t = due;
    }
  }
  return t;
}

void CampaignRuntime::stop(TimePoint now) {
  stopped_ = true;
  pacer_wake_.reset();
  maybeMetrics(now);
}

void CampaignRuntime::start(TimePoint now) {
  stopped_ = false;
  pace(now);
}

// ---------------------------------------------------------------- output

void CampaignRuntime::emitRecord(int slot) {
  const Call& c = calls_[slot];
  CallRecord r;
  r.call_id = c.id;
  r.campaign_id = opts_.campaign.id;
  r.contact_id = c.lead.contact_id;
  r.phone_id = c.lead.phone_id;
  r.called_number = c.lead.e164;
  r.caller_id_number = opts_.campaign.caller_id;
  r.state = c.state;
  r.authorization_id = c.authorization_id;
  if (c.origin == CallOrigin::kCaller) r.dial_mode = c.mode;
  if (c.caller >= 0) {
    const Caller& k = callers_[c.caller];
    r.caller_ref = k.ref;
    if (k.gate) {  // set whenever the caller was routed a call (tryRoute)
      r.engagement_path = k.gate->engagement_path;
      r.site_id = k.gate->site_id;
      r.worker_category = k.gate->worker_category;
      r.vetting_snapshot_hash = k.gate->vetting_snapshot_hash;
    }
  }
  r.queued_at = c.queued_at;
  if (c.state != CallState::kQueued) r.dialed_at = c.dialed_at;
  if (c.has_answer) r.answered_at = c.answered_at;
  if (c.has_greeting_end) r.greeting_end_at = c.greeting_end_at;
  if (c.has_bridge) r.bridged_at = c.bridged_at;
  if (c.state == CallState::kEnded) r.ended_at = c.ended_at;
  if (c.has_wrap) r.wrapped_at = c.wrapped_at;
  r.answered_by = c.answered_by;
  r.abandoned = c.abandoned;
  r.safe_harbor_played = c.safe_harbor || c.abandoned;
  r.hangup_cause = c.cause;
  r.sip_status = c.sip_status;
  r.disposition = c.disposition;
  ports_.records->onCallRecord(r);
}

void CampaignRuntime::publishCall(int slot, TimePoint now) {
  const Call& c = calls_[slot];
  DomainEvent ev{"call.state", opts_.campaign.id.str(), "", Json::object(), now};
  if (c.caller >= 0) ev.caller_ref = callers_[c.caller].ref;
  ev.data["call_id"] = c.id.value;
  ev.data["state"] = std::string(toString(c.state));
  ev.data["contact_id"] = c.lead.contact_id.value;
  if (c.abandoned) ev.data["abandoned"] = true;
  ports_.events->publish(ev);
}

void CampaignRuntime::publishCaller(int slot, TimePoint now) {
  const Caller& k = callers_[slot];
  DomainEvent ev{"caller.state", opts_.campaign.id.str(), k.ref, Json::object(), now};
  ev.data["state"] = std::string(toString(k.state));
  if (k.state == CallerState::kPaused || (k.state == CallerState::kLoggedOut && !k.pause_reason.empty()))
    ev.data["reason"] = k.pause_reason;
  if (k.call >= 0) ev.data["call_id"] = calls_[k.call].id.value;
  ports_.events->publish(ev);
}

void CampaignRuntime::maybeMetrics(TimePoint now) {
  if (!ports_.events || opts_.metrics_every.count() <= 0) return;
  if (now - last_metrics_ < opts_.metrics_every) return;
  last_metrics_ = now;
  DomainEvent ev{"campaign.metrics", opts_.campaign.id.str(), "", metrics(now), now};
  ports_.events->publish(ev);
}

Json CampaignRuntime::metrics(TimePoint now) const {
  Json j = Json::object();
  j["at"] = ms(now);
  j["pacer"] = std::string(pacer_->name());
  j["callers_logged_in"] = logged_in_.size();
  j["callers_ready"] = caller_counts_.ready;
  j["callers_busy"] = caller_counts_.busy();
  j["callers_paused"] = caller_counts_.paused;
  j["dials_in_flight"] = in_flight_.size();
  j["answered_waiting"] = waiting_.size();
  j["lines_in_use"] = lines_in_use_;
  j["leads_queued"] = queue_.size();
  j["dials"] = counters_.dials;
  j["manual_dials"] = counters_.manual_dials;
  j["routed_waiting"] = routed_.size();
  j["live"] = history_.total_live;
  j["abandoned"] = history_.total_abandoned;
  j["abandon_rate_pct"] =
      history_.total_live ? 100.0 * static_cast<double>(history_.total_abandoned) /
                                static_cast<double>(history_.total_live)
                          : 0.0;
  j["abandon_rate_24h_pct"] = budget_.rate_24h;
  j["abandon_rate_30d_pct"] = budget_.rate_30d;
  j["remaining_abandons"] = budget_.remaining_abandons;
  // The ring timeout: the campaign's, the one the pacer asked for at its last
  // decision (shorter while it cuts the ring), and the dials placed shorter.
  j["ring_timeout_s"] = static_cast<double>(opts_.ring_timeout.count()) / 1000.0;
  j["ring_timeout_now_s"] = static_cast<double>(pace_ring_.count()) / 1000.0;
  j["short_ring_dials"] = counters_.short_ring_dials;
  j["stopped"] = stopped_;
  return j;
}

std::vector<CallerSnapshot> CampaignRuntime::callers() const {
  std::vector<CallerSnapshot> out;
  for (const auto& k : callers_) {
    CallerSnapshot s{k.ref, k.state, k.since, k.pause_reason,
                     k.call >= 0 ? calls_[k.call].id : CallId()};
    out.push_back(std::move(s));
  }
  return out;
}

std::optional<CallerState> CampaignRuntime::callerState(const std::string& ref) const {
  int slot = callerSlot(ref);
  if (slot < 0) return std::nullopt;
  return callers_[slot].state;
}

std::optional<CallState> CampaignRuntime::callState(CallId id) const {
  int slot = callSlot(id);
  if (slot < 0) return std::nullopt;
  return calls_[slot].state;
}

}  // namespace clearline::core
