// Dialer: the live dialing engine over real SIP. Composes, on the LibreLoop
// thread: LibreTelephony (src/sip), one CampaignRuntime per active campaign
// (core/runtime), and the SQLite store (its own connection), which it writes
// through the runtime's ports: CallRecordSink (calls + contacts rows),
// AbandonmentLedger (abandonment_ledger rows, budget in memory) and the
// CallIdSource (above the largest stored call id). Every write is one
// transaction with its audit event, done synchronously on the loop (a few
// hundred µs with WAL; see docs/sip.md), so an acknowledged disposition is on
// disk before the next event is handled.
//
// Compliance (issue 3): every lead is authorized at the moment it would be
// dialed by the PolicyEngine that policy_data::openPolicy assembles from the
// configuration (rule book, registry snapshots, internal DNC lists, call
// history, the area-code geocoder) on the dialer's SQLite connection; each
// decision's authorization record is stored (table authorizations) before the
// dial, and the calls row references its id. If the policy cannot be opened,
// create() fails: there is no allow-all fallback.
//
// Start-up recovery (after a crash or SIGKILL): calls left open are closed
// with hangup_cause system_restart (answered-but-unbridged ones enter the
// ledger as abandoned), and their contacts wait `recovery_recycle` before
// they may be dialed again.
//
// Vendor chain (issue 4): the CallerGate is daemon::ChainGate (the same as
// `clearline serve`) over the store's vendor registry, reloaded within a
// second when the store's generation moves. Login: a refused caller is not
// logged in (no leg is opened) and is asked again only after the chain
// changed; every login decision for a campaign with a chain is recorded
// (vendor_gate_log + audit). Routing: the runtime asks at every routing; a
// refusal is recorded and pauses that caller; an allowed decision stores its
// provenance snapshot and its site, worker category, engagement path and
// snapshot hash go on the call row.
//
// Callers: the SIP accounts in `caller_passwords` (user name = caller_ref);
// callers named in `auto_login` are logged in to the first active campaign as
// soon as their phone registers. A caller keys '#' to hang up the customer
// and a digit 1-9 to finish wrap-up (1 contacted, 2 not_interested,
// 3 callback, 9 dnc: the number goes on the organisation's do-not-call list).
//
// Threads: create(), start(), stop() and every callback run on the loop thread.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/config.h"
#include "common/json.h"
#include "common/status.h"
#include "core/audit/audit_chain.h"
#include "core/ports/caller_gate.h"
#include "core/ports/event_sink.h"
#include "core/runtime/campaign_runtime.h"
#include "sip/libre_loop.h"
#include "sip/libre_telephony.h"

namespace clearline::storage {
class SqliteStore;
}

namespace clearline::daemon {

struct DialerOptions {
  // [policy] (rules dir, registry dir, geocoder) is read from here: the
  // Dialer opens the compliance policy on its own connection and refuses to
  // start when it cannot (fail-closed).
  Config config = Config::defaults();
  std::string data_dir;
  std::string db_path;                     // "" = data_dir/<store.sqlite_file>
  sip::LibreTelephonyConfig sip;           // see dialerOptionsFromConfig
  std::map<std::string, std::string> caller_passwords;
  std::vector<std::string> auto_login;
  std::string pacer = "progressive";
  double pacer_knob = 0;                   // 0 = the pacer's default
  Millis tick{100};
  Millis grace{2000};
  Millis wrap_up_max{0};  // [sip] wrap_up_max_s (RuntimeOptions::wrap_up_max); 0 = no limit
  // What the 2-second grace counts from ([sip] grace_from, `dialer run
  // --grace-from`): "answer" (default; the strictest reading, the UK's
  // included) or "greeting_end" (the US TSR's: the callee's completed
  // greeting, as the edge's detector hears it on every answered call; until
  // it is heard, or if it never is, the answer). UK campaigns always count
  // from the answer. Checked by Dialer::create.
  std::string grace_from = "answer";
  Millis ring_timeout{25000};
  Millis recovery_recycle{10LL * 60 * 1000};
  Millis metrics_every{5000};              // runtime campaign.metrics period
  Millis campaign_sync{2000};              // how often campaigns activated/paused and new leads are picked up
  core::EventSink* events = nullptr;       // optional (the API's hub)
  // Callers who only press Call (caller-placed dials, below): on an autodial
  // campaign they are paused ("manual") as soon as their leg is up, so the
  // pacer never routes them an autodialed call; they dial routed leads.
  std::vector<std::string> manual_callers;
  // Answering-machine detection on autodialed calls ([sip] amd, `dialer run
  // --amd`): routed only on a "human" verdict, machines are hung up. The
  // verdict is due by grace - 300 ms after the answer, whatever grace_from.
  bool amd = false;
};

// Reads [sip] and [pacing] from the configuration.
DialerOptions dialerOptionsFromConfig(const Config& cfg, const std::string& data_dir);
// "user:password" lines (# comments) into a map.
Result<std::map<std::string, std::string>> readCallerCredentials(const std::string& path);

class Dialer {
 public:
  static Result<std::unique_ptr<Dialer>> create(sip::LibreLoop& loop, const Clock& clock,
                                                DialerOptions opt);
  ~Dialer();
  // Recovers, loads active campaigns and their leads, starts ticking.
  Status start();
  // No new dials; ends calls in progress (BYE/CANCEL) and closes caller legs.
  void stop();
  // Nothing in flight, no caller on a call or in wrap-up, no lead due within 1 s.
  bool idle() const;
  Json summary() const;
  sip::LibreTelephony& telephony();

  // ---- The console (loop thread). daemon/sip_desk.h drives these for
  // `clearline serve`; the caller's SIP phone must be registered.
  // Logs the caller in to `campaign` (an active campaign): the vendor gates
  // decide (a refusal is PermissionDenied; lastLoginDecision has the gates),
  // then Clearline calls the phone and the caller is ready once it answers.
  // A caller logged in to another campaign is logged out of it first.
  Status consoleLogin(const std::string& caller_ref, CampaignId campaign);
  core::GateDecisionPtr lastLoginDecision(const std::string& caller_ref) const;  // null if none
  Status consoleLogout(const std::string& caller_ref);
  Status consolePause(const std::string& caller_ref, const std::string& reason);
  Status consoleReady(const std::string& caller_ref);
  // Ends the customer leg of the caller's call (the caller goes to wrap-up).
  Status consoleHangup(const std::string& caller_ref);
  // The caller's disposition: wrap-up ends, the lead is finished or recycled.
  Status consoleWrapUp(const std::string& caller_ref, const core::WrapUp& w);
  // On-demand recording of the call bridged to the caller now (the campaign's
  // recording mode, read from the store, must be on_demand): the telephony
  // records both parties from this instant; when the call ends the WAV is
  // written and the call row references it (recording_ref, audited
  // call.recording). Audited call.recording.start by `actor`.
  // {"recording":true,"call_id","file","already"}.
  Result<Json> consoleRecord(const std::string& caller_ref, const core::Actor& actor);
  // Whether the call is being recorded (all, or on demand once started).
  bool callRecording(CallId call) const;
  struct CallerView {
    CampaignId campaign;
    core::CallerSnapshot snap;
  };
  // Where the caller is (the campaign it last logged in to), if anywhere.
  std::optional<CallerView> caller(const std::string& caller_ref) const;
  bool callerRegistered(const std::string& caller_ref) const;
  // Every caller of the campaign's runtime, and its live figures (metrics()).
  std::vector<core::CallerSnapshot> campaignCallers(CampaignId campaign) const;
  std::optional<Json> campaignFigures(CampaignId campaign) const;
  // The abandonment budget from the dialer's ledger (24 h and 30 days).
  core::AbandonmentBudget ledgerBudget(CampaignId campaign) const;
  // The campaigns with a runtime that is dialing (active, not stopped).
  std::vector<CampaignId> campaignsRunning() const;
  // The campaign as the runtime runs it (null if not loaded).
  const core::Campaign* campaign(CampaignId campaign) const;
  bool trunkUp() const;
  // The dialer's own store connection (loop thread only).
  storage::SqliteStore& store();

  // ---- caller-placed dials (human-initiated / preview; routed leads) ----
  // Loop thread only (the console desk posts to the loop). The caller must be
  // logged in (their campaign is the one they were logged in to) and ready or
  // paused.
  // The next contact this caller may press Call for, held for them until
  // dialed or skipped: {campaign_id, contact_id, phone_id, phone, first_name,
  // last_name, name, line_type, mode, routed, attempts}, or null when there
  // is nothing to dial now. FailedPrecondition: not logged in / busy.
  Result<Json> nextManualLead(const std::string& caller_ref);
  // Dials `contact` (the lead offered to this caller, or a routed lead) for
  // this caller: routing gate, number lock, the compliance policy in the
  // lead's mode at this instant (authorization record stored; deny →
  // PermissionDenied "denied by R…: reason", defer → Unavailable "deferred by
  // R…: … until …"), then the caller is reserved and the INVITE is sent. On
  // answer the call is bridged to this caller; the calls row has dial_mode
  // human_initiated/preview and the authorization id; never a ledger row.
  Result<CallId> dialForCaller(const std::string& caller_ref, ContactId contact);
  // Gives the offered lead back (offered again after 5 minutes).
  Status skipManualLead(const std::string& caller_ref);

  struct Impl;

 private:
  explicit Dialer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace clearline::daemon
