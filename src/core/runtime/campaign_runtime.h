// CampaignRuntime: the live dialing engine of one active campaign, shared by
// the daemon (src/daemon, driven by src/sip) and the simulator (src/sim).
//
// It owns the campaign's lead queue, callers and calls, runs the call and
// caller state machines (call_state.h, caller_state.h), asks the pacer how
// many to dial, asks the DialAuthorizer about every lead at the moment it
// would be dialed (deny: the lead is done; defer: back in the queue until the
// decision's `until`; route_to_mode progressive on a predictive campaign: the
// campaign dials 1:1 for kModeFallbackHold and the lead goes back; route to a
// mode the runtime does not dial, e.g. human_initiated: routedLeads()), locks the number organisation-wide while the attempt is in
// progress, routes answered callees to the longest-idle ready caller after
// CallerGate::checkRouting, plays the safe-harbor prompt when no caller is free
// within the grace, records every live answer in the AbandonmentLedger,
// publishes DomainEvents and emits call records through CallRecordSink.
//
// How the host drives it (everything on ONE thread, the signalling loop):
//   1. construct with options, ports and a pacer; addLeads(...) (any time);
//   2. forward every TelephonyEvent for this campaign's calls and callers to
//      onTelephonyEvent(ev) (route by call id via ownsCall(), or by caller_ref);
//   3. call tick(now) every options.tick (100 ms–1 s) AND at nextWakeAt() when
//      that is earlier (grace deadlines, pacer wake-ups, recycled leads);
//   4. caller actions from the API: login / logout / pause / unpause / wrapUp /
//      hangupCaller; pressing Call: nextManualLead / dialForCaller /
//      skipManualLead (preview and human-initiated campaigns, routed leads:
//      the pacer never dials those; see "Caller-placed calls" in
//      docs/state-machines.md);
//   5. stop(now) when the campaign is paused or finished: no new dials; calls
//      in progress run to their end.
// Every entry point takes `now` (core code reads no clock). Nothing here blocks
// or does I/O; ports must queue their work.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/ids.h"
#include "common/json.h"
#include "common/status.h"
#include "core/campaign/campaign.h"
#include "core/pacing/pacer.h"
#include "core/ports/call_record_sink.h"
#include "core/ports/caller_gate.h"
#include "core/ports/dial_authorizer.h"
#include "core/ports/event_sink.h"
#include "core/ports/telephony.h"
#include "core/runtime/call_state.h"
#include "core/runtime/caller_state.h"
#include "core/runtime/lead_queue.h"

namespace clearline::core {

// Where the 2-second grace is measured from (pacing.md §1).
enum class GraceReference { kAnswer, kGreetingStart, kGreetingEnd };
std::string_view toString(GraceReference r);
Result<GraceReference> parseGraceReference(std::string_view s);

// A campaign under UK rules (a jurisdiction UK, GB, UK-… or GB-…): Ofcom's
// 72-hour rule, and a grace counted from the answer.
bool isUkCampaign(const Campaign& c);

struct RuntimeOptions {
  Campaign campaign;                // id, org, purpose, dial mode, caller id, jurisdictions,
                                    // recycle rules, abandon_target_pct
  Millis ring_timeout{25000};       // raised to 15 s if lower (R5)
  bool detect_machine = true;       // ask the edge for AMD; route only on kHuman
  Millis grace{2000};               // connect within this or play safe-harbor
  GraceReference grace_from = GraceReference::kGreetingEnd;
  // AMD yields to a grace that starts at the answer (the UK's "start of speech"):
  // a call AMD has not classified this long before its grace deadline is routed
  // as a person would be, since a verdict after the deadline could only
  // abandon a person (the 0.8 s of silence AMD waits for after a greeting uses
  // up a 2 s grace counted from its start). A machine verdict that arrives
  // while such a call still waits for a caller hangs it up instead. Negative:
  // never yield (wait for AMD whatever the grace). With the grace counted from
  // the end of the greeting (US) AMD's verdict fits inside it, so this does
  // not apply.
  Millis amd_yield_margin{250};
  int line_cap = 0;                 // calls holding a line at once; 0 = unlimited
  double cap_pct = 3.0;             // legal abandonment cap handed to the pacer
  bool pace_on_events = true;       // also ask the pacer right after state changes,
  Millis min_pace_interval{50};     // but at most once per this interval (then at nextWakeAt)
  Millis budget_refresh{1000};      // how often to re-read the ledger budget
  Millis metrics_every{5000};       // campaign.metrics period (0 = never)
  bool publish_call_events = true;  // call.state per transition (the simulator turns it off)
  bool uk_72h_rule = false;         // abandoned numbers wait 72 h (set when jurisdictions has UK)
  // A caller in wrap-up this long without a disposition (a SIP phone whose
  // customer hung up unnoticed, a caller who walked away) has the call
  // dispositioned kWrapUpTimeout (final unless the campaign's recycle rules
  // name it) and is paused with that reason, to be made ready again
  // (VICIdial's "dispo max"). Not counted in the pacer's wrap-up times. 0 = never.
  Millis wrap_up_max{0};
};

// The disposition and pause reason of a wrap-up that reached RuntimeOptions::wrap_up_max.
inline constexpr const char* kWrapUpTimeout = "wrap_up_timeout";
// The disposition of a bridged call whose caller never gave one because their
// phone's leg went (during the call or the wrap-up). Final unless the
// campaign's recycle rules name it; a disposition the caller submits later
// from the console replaces it (api/records.cc), as it does kWrapUpTimeout.
inline constexpr const char* kNoDisposition = "no_disposition";

// Hands out call ids (the daemon seeds it above the store's largest id).
class CallIdSource {
 public:
  virtual ~CallIdSource() = default;
  virtual CallId next() = 0;
};
class CounterCallIdSource final : public CallIdSource {
 public:
  explicit CounterCallIdSource(int64_t first = 1) : next_(first) {}
  CallId next() override { return CallId(next_++); }

 private:
  int64_t next_;
};

struct RuntimePorts {
  Telephony* telephony = nullptr;         // required
  DialAuthorizer* authorizer = nullptr;   // required
  AbandonmentLedger* ledger = nullptr;    // required
  CallerGate* gate = nullptr;             // required (AllowAllCallerGate when no chain)
  CallIdSource* ids = nullptr;            // required
  EventSink* events = nullptr;            // optional
  CallRecordSink* records = nullptr;      // optional
  NumberLocks* locks = nullptr;           // optional: the organisation's shared locks
};

// What the caller does at the end of wrap-up.
struct WrapUp {
  std::string disposition = "contacted";
  bool final = false;                     // the disposition ends the contact
  std::optional<TimePoint> callback_due;  // schedule a callback (disposition "callback")
  std::optional<std::string> pause_reason;  // go to paused instead of ready
};

// Counters since the runtime started (the simulator and campaign.metrics use them).
struct RuntimeCounters {
  int64_t dials = 0, denied = 0, deferred = 0, locked_skips = 0;
  int64_t answered = 0, live = 0, bridged = 0, abandoned = 0, machine = 0, failed = 0;
  int64_t early_cancel_attempts = 0;
  int64_t short_ring_dials =
      0;  // placed with a ring timeout shorter than the campaign's (a ring cut)
  int64_t routed = 0;          // leads the policy routed to a mode this runtime does not dial (R11)
  int64_t mode_fallbacks = 0;  // predictive → progressive fallbacks the policy asked for (R3/U2)
  // Caller-placed dials (dialForCaller); never counted in the autodial figures
  // above, the pacer's history or the abandonment ledger.
  int64_t manual_dials = 0, manual_refused = 0, manual_answered = 0, manual_bridged = 0,
          manual_failed = 0;
};

// A lead the policy would not let this campaign autodial but would allow in
// another mode (DialAuthorizer Decision::route_to_mode), from `until` if set.
struct RoutedLead {
  Lead lead;
  DialMode mode = DialMode::kHumanInitiated;
  std::optional<TimePoint> until;
  std::string authorization_id;  // the decision that routed it
};

// A lead offered to one caller to press Call for (nextManualLead): held for
// that caller until they dial it, skip it, or leave.
struct ManualLead {
  Lead lead;
  DialMode mode = DialMode::kHumanInitiated;  // the mode the dial is authorized in
  bool routed = false;                        // came from routedLeads() (an autodial campaign)
};

struct CallerSnapshot {
  std::string caller_ref;
  CallerState state;
  TimePoint since;
  std::string pause_reason;
  CallId call;  // the call it is reserved for / on / wrapping
};

class CampaignRuntime final : public TelephonyListener {
 public:
  CampaignRuntime(RuntimeOptions options, RuntimePorts ports, std::unique_ptr<Pacer> pacer);
  ~CampaignRuntime() override;
  CampaignRuntime(const CampaignRuntime&) = delete;
  CampaignRuntime& operator=(const CampaignRuntime&) = delete;

  // ---- leads ----
  void addLead(Lead lead);
  size_t leadsQueued() const { return queue_.size(); }
  // Leads routed out of the autodial queue to a human-initiated (or other)
  // mode, oldest first; a console that dials in that mode takes them.
  const std::vector<RoutedLead>& routedLeads() const { return routed_; }
  std::vector<RoutedLead> takeRoutedLeads() { return std::exchange(routed_, {}); }

  // ---- callers (from the API) ----
  // Checks the gate, then opens the caller's phone leg; the caller becomes
  // ready when kCallerLegUp arrives. PermissionDenied names the failed gate.
  // `paused_reason` non-empty: the caller arrives paused with that reason (at
  // kCallerLegUp: ready → paused before any pacing), e.g. a caller who only
  // presses Call on an autodial campaign.
  Status login(const std::string& caller_ref, TimePoint now, const std::string& paused_reason = {});
  // Ready/paused/wrap-up: logs out now. Reserved/on call: after the call's wrap-up.
  Status logout(const std::string& caller_ref, TimePoint now);
  Status pause(const std::string& caller_ref, const std::string& reason, TimePoint now);
  Status unpause(const std::string& caller_ref, TimePoint now);
  // Callers the routing gate paused are asked again (CallerGate::checkRouting);
  // those the chain now allows become ready ("gate.readmitted"). The driver
  // calls this when the vendor chain changed, so that a chain put right takes
  // effect without a restart, as a chain gone wrong does. Returns how many.
  int readmitGatePaused(TimePoint now);
  // Ends wrap-up with a disposition (the caller must be in wrap_up).
  Status wrapUp(const std::string& caller_ref, const WrapUp& w, TimePoint now);
  // The caller hangs up the customer (bridged calls only).
  Status hangupCaller(const std::string& caller_ref, TimePoint now);

  // ---- caller-placed dials (human-initiated / preview; routed leads) ----
  // A caller who is ready or paused presses Call: the console first asks for
  // the next lead this caller may dial (nextManualLead), shows it, then dials
  // it (dialForCaller). Leads come from routedLeads() (whose time has come:
  // R11 routed them out of an autodial campaign) and, on a preview or
  // human-initiated campaign, from the lead queue (the pacer never dials
  // those campaigns). The offered lead is held for this caller (the same one
  // is returned until it is dialed or skipped; it goes back when the caller
  // logs out or their leg drops). nullopt: nothing to dial now.
  // FailedPrecondition when the caller is not ready/paused.
  Result<std::optional<ManualLead>> nextManualLead(const std::string& caller_ref, TimePoint now);
  // Dials `contact` (the lead offered to this caller, or a routed lead) for
  // this caller, in that order: the caller's routing gate (PermissionDenied,
  // "gate: …"); the number lock (Unavailable while another attempt holds the
  // number; the lead stays offered); the DialAuthorizer in the lead's manual
  // mode at `now` (fail-closed: deny → PermissionDenied "denied by R…: reason"
  // and the lead is done; defer → Unavailable "deferred by R… until …" and the
  // lead waits for `until`); then the caller is reserved (ready|paused →
  // reserved) BEFORE the call is originated. On answer the call is bridged to
  // that caller at once (no grace, no safe-harbor, never in the abandonment
  // ledger or the pacer's history); no answer/busy/failure returns the caller
  // to ready (or paused) and recycles the lead by the campaign's rules.
  Result<CallId> dialForCaller(const std::string& caller_ref, ContactId contact, TimePoint now);
  // Gives the lead offered to this caller back (it is offered again later).
  Status skipManualLead(const std::string& caller_ref, TimePoint now);

  // ---- telephony (from src/sip or src/sim) ----
  void onTelephonyEvent(const TelephonyEvent& ev) override;
  bool ownsCall(CallId id) const { return index_.count(id.value) != 0; }

  // ---- time ----
  void tick(TimePoint now);
  // The earliest instant tick() must run (grace deadline, pacer wake-up,
  // recycled lead); nullopt when only the regular tick is needed.
  std::optional<TimePoint> nextWakeAt() const;
  // No new dials from now on (campaign paused/finished); calls in progress finish.
  void stop(TimePoint now);
  void start(TimePoint now);
  bool stopped() const { return stopped_; }
  // Answering-machine detection for the calls dialed from now on (the
  // campaign's amd setting changed while it runs); calls already placed keep
  // the choice they were dialed with.
  void setDetectMachine(bool on) { opts_.detect_machine = on; }

  // ---- inspection ----
  const RuntimeCounters& counters() const { return counters_; }
  const PacingHistory& history() const { return history_; }
  std::vector<CallerSnapshot> callers() const;
  std::optional<CallerState> callerState(const std::string& caller_ref) const;
  std::optional<CallState> callState(CallId id) const;
  int callsInFlight() const { return static_cast<int>(in_flight_.size()); }
  int linesInUse() const { return lines_in_use_; }
  Pacer& pacer() { return *pacer_; }
  const RuntimeOptions& options() const { return opts_; }
  Json metrics(TimePoint now) const;

 private:
  struct Call {
    CallId id;
    CallState state = CallState::kQueued;
    Lead lead;
    std::string authorization_id;
    TimePoint queued_at{}, dialed_at{}, answered_at{}, greeting_end_at{}, bridged_at{}, ended_at{};
    TimePoint wrapped_at{};  // the caller finished wrap-up (wrapUp)
    bool has_answer = false, has_greeting_end = false, has_bridge = false, has_wrap = false;
    bool routable = false;  // human (AMD) or answered without AMD: needs a caller
    bool waiting = false;   // in waiting_ (routable, no caller yet)
    TimePoint deadline{};   // grace deadline while waiting
    int caller = -1;        // caller slot when reserved/bridged
    int in_flight_pos = -1; // index in in_flight_ while in flight
    std::string answered_by;
    bool abandoned = false, safe_harbor = false, ledger_recorded = false;
    std::optional<HangupCause> cause;
    int sip_status = 0;
    std::string disposition;
    CallOrigin origin = CallOrigin::kPaced;
    DialMode mode = DialMode::kPredictive;  // the mode it was authorized in (manual calls)
    bool from_routed = false;               // a routed lead: recycled back to routed_
    bool amd = false;                       // dialed with answering-machine detection
    Millis ring_timeout{0};                 // the ring timeout it was dialed with
    bool amd_yielded = false;               // routed before AMD's verdict (amd_yield_margin)
  };
  struct Caller {
    std::string ref;
    CallerState state = CallerState::kLoggedOut;
    TimePoint since{};
    std::string pause_reason;
    bool gate_paused = false;  // paused by a routing refusal (readmitGatePaused)
    bool leg_pending = false;
    bool logout_pending = false;
    int call = -1;  // call slot
    TimePoint talk_started{}, talk_ended{};
    int logged_in_pos = -1;
    GateDecisionPtr gate;  // the routing decision of the current call (shared, immutable; null before the first)
    std::optional<ManualLead> offer;  // the lead offered to press Call for (nextManualLead)
    std::string login_pause;          // arrive paused with this reason (login)
  };

  Status finishWrapUp(int slot, const WrapUp& w, bool timed_out, TimePoint now);
  void expireWrapUps(TimePoint now);

  // state changes (all go through the transition functions)
  bool moveCall(int slot, CallEvent ev, TimePoint now);
  bool moveCaller(int slot, CallerEvent ev, TimePoint now);

  // A paced call AMD is still judging (PacerInput::screening counts them).
  static bool inScreening(const Call& c) {
    return c.amd && c.state == CallState::kAnswered && !c.routable &&
           c.origin == CallOrigin::kPaced;
  }
  void pace(TimePoint now);
  void requestPace(TimePoint now);
  bool dialOne(TimePoint now);
  // The campaign's dial mode, or progressive while a policy fallback holds.
  DialMode dialMode(TimePoint now) const;
  void onAnswered(int slot, const TelephonyEvent& ev);
  void onRoutable(int slot, TimePoint now);
  void onEnded(int slot, const TelephonyEvent& ev);
  void onManualAnswered(int slot, TimePoint now);
  void onManualEnded(int slot, const TelephonyEvent& ev);
  void returnOffer(int caller_slot);
  // A call the network failed: record it, put its lead back (queue or routed list) for another
  // try after a fixed delay, free the slot.
  void retryAfterNetworkError(int slot, TimePoint now);
  void requeue(int slot, Lead lead);
  void routeWaiting(TimePoint now);
  bool tryRoute(int slot, TimePoint now);
  void abandon(int slot, TimePoint now);
  void expireDeadlines(TimePoint now);
  // Routes the calls in AMD screening whose yield time (amd_yield_margin) has come.
  void yieldScreening(TimePoint now);
  bool amdYieldsToGrace() const;
  void callerReady(int caller_slot, TimePoint now);
  void finishLead(int slot, const std::string& disposition, const WrapUp* w, TimePoint now);
  void releaseCall(int slot);
  void recordLive(int slot, bool abandoned, TimePoint now);
  // Originate → answer of an answered call (-1 ms when it has none).
  static Millis answerAge(const Call& c);
  void resolveDial(int slot, DialOutcome outcome, TimePoint now);
  void removeInFlight(int slot);
  void emitRecord(int slot);
  void publishCall(int slot, TimePoint now);
  void publishCaller(int caller_slot, TimePoint now);
  void maybeMetrics(TimePoint now);
  void refreshBudget(TimePoint now, bool force);
  TimePoint deadlineFor(const Call& c) const;
  int callerSlot(const std::string& ref) const;
  int callSlot(CallId id) const;
  void removeReady(int caller_slot);
  void setLoggedIn(int caller_slot, bool in);

  RuntimeOptions opts_;
  RuntimePorts ports_;
  std::unique_ptr<Pacer> pacer_;
  std::unique_ptr<NumberLocks> own_locks_;
  NumberLocks* locks_;
  RecyclePolicy recycle_;
  LeadQueue queue_;
  std::vector<RoutedLead> routed_;
  DialAttempt attempt_;  // template reused for every authorization
  Decision decision_;    // reused for every authorization (authorizeInto keeps its buffers)

  std::vector<Call> calls_;
  std::vector<int> free_calls_;
  std::unordered_map<int64_t, int> index_;  // call id → slot
  std::vector<Caller> callers_;
  std::unordered_map<std::string, int> caller_index_;
  std::vector<int> logged_in_;  // caller slots
  CallerCounts caller_counts_;  // logged_in_ by state (kept by moveCaller and setLoggedIn)
  std::deque<int> ready_;       // ready caller slots, longest idle first
  // Routable answered call slots, in arrival order (routed earliest deadline first).
  std::deque<int> waiting_;
  // Calls in AMD screening that yield to the grace at `at` (amd_yield_margin);
  // entries whose call has since been classified, ended or reused are dropped lazily.
  struct Screening {
    int slot;
    CallId id;
    TimePoint at;
  };
  std::vector<Screening> screening_;
  // People AMD classified in time (a human verdict while screening) and people
  // whose human verdict came only after AMD yielded; paced dials, and those placed
  // with AMD: PacerInput::amd_verdict_share.
  int64_t amd_in_time_ = 0, amd_late_ = 0;
  int64_t paced_dials_ = 0, amd_dials_ = 0;
  // The pacer's last PacerDecision::screen: whether new paced dials ask for AMD.
  bool pace_screen_ = true;
  Millis pace_ring_{0};  // the ring timeout of the dials placed now (PacerDecision::ring_timeout)
  std::vector<int> in_flight_;  // call slots in queued/dialing/ringing
  // Beside each in_flight_ entry, its call's dial time and AMD choice (read on
  // every decision: a compact copy spares a walk over the large Call records).
  struct DialMark {
    TimePoint dialed_at;
    bool amd;
    Millis ring_timeout;
  };
  std::vector<DialMark> flight_marks_;
  // Calls for which inScreening() holds (kept by moveCall, onRoutable, releaseCall).
  int screening_calls_ = 0;
  int lines_in_use_ = 0;

  PacingHistory history_;
  RuntimeCounters counters_;
  AbandonmentBudget budget_;
  TimePoint budget_at_{};
  bool budget_valid_ = false;
  std::optional<TimePoint> progressive_until_;  // predictive falls back to 1:1 until then
  std::optional<TimePoint> pacer_wake_;
  std::optional<TimePoint> pace_due_;
  TimePoint last_pace_{};
  bool has_paced_ = false;
  TimePoint last_metrics_{};
  bool stopped_ = false;
  bool in_pace_ = false;
  std::vector<CallerView> caller_views_;
  std::vector<DialView> dial_views_;
};

}  // namespace clearline::core
