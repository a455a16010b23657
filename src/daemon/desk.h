// The console desk: every logged-in caller's live state (logged_out → paused
// ⇄ ready → on_call → wrap_up → ready), owned by the signalling loop, and the
// API's ConsolePort onto it. Until the SIP/runtime pieces drive real calls,
// `simulate_calls` connects a ready caller to the campaign's next contact with
// a simulated telephony port (a call record is written, marked
// hangup_cause 'simulated'); the runtime replaces that source of connects.
//
// Threads: the live state is touched on the loop only. ConsolePort methods are
// called from the API's store thread: they post to the loop and wait (≤ 2 s).
// Store work (claiming a contact, writing the call row, the ledger figures)
// runs on a separate store worker loop with its own connection, never on the
// signalling loop. Events go to the EventSink (the WebSocket hub + metrics).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "api/console_port.h"
#include "storage/sqlite/caller_sessions.h"
#include "common/clock.h"
#include "common/event_loop.h"
#include "core/ports/caller_gate.h"
#include "core/ports/event_sink.h"
#include "storage/sqlite/sqlite_store.h"

namespace clearline::daemon {

struct DeskOptions {
  bool simulate_calls = false;
  Millis simulate_connect{1500};
  Millis wrap_up{15000};
  Millis metrics_interval{1000};
  std::string data_dir;  // the vendor store's folder (gate decisions are logged there)
};

class Desk final : public api::ConsolePort {
 public:
  // `store_worker` runs `store` work; `loop` owns the live state.
  Desk(DeskOptions opt, EventLoop& loop, EventLoop& store_worker, storage::SqliteStore& worker_store,
       core::CallerGate& gate, core::EventSink& sink, const Clock& clock);

  // Loop thread: starts the periodic campaign.metrics publication (and, on
  // the worker, the caller session log: storage/sqlite/caller_sessions.h).
  void start();
  // Any thread but the worker's, before the worker stops: closes the callers'
  // open sessions ("daemon_stopped"); waits for the worker (≤ 2 s).
  void closeSessions();

  Result<Json> join(const api::Principal& who, CampaignId campaign) override;
  Result<Json> setState(const api::Principal& who, const std::string& state, const std::string& reason) override;
  Result<Json> snapshot(const api::Principal& who) override;
  Result<Json> dial(const api::Principal& who, ContactId contact) override;
  Status dispositioned(const std::string& caller_ref, CallId call,
                       std::optional<TimePoint> callback_due) override;
  Result<Json> live(CampaignId campaign) override;

 private:
  struct Caller {
    api::Principal who;
    std::string state = "logged_out";
    CampaignId campaign;
    std::string reason;
    TimePoint since;
    std::optional<int64_t> call_id;
    Json screen_pop;  // null when not on a call
    TimePoint wrap_up_ends;
    uint64_t timer = 0;
    uint64_t generation = 0;  // bumps on every state change; stale timers compare it
  };

  // Runs fn on the loop and waits for its result.
  Result<Json> onLoop(std::function<Result<Json>()> fn);
  void changeState(Caller& c, const std::string& state, const std::string& reason);
  Json callerJson(const Caller& c) const;
  void scheduleConnect(Caller& c);
  void connectNext(const std::string& ref, uint64_t generation);
  void publishMetrics();
  void publish(std::string type, CampaignId campaign, const std::string& caller_ref, Json data);
  // Worker thread: appends a gate decision to the vendor store's log (disclosure report).
  void logGate(CampaignId campaign, const std::string& caller_ref, const std::string& kind,
               const core::GateDecisionPtr& d);

  DeskOptions opt_;
  EventLoop& loop_;
  EventLoop& worker_;
  storage::SqliteStore& worker_store_;
  core::CallerGate& gate_;
  core::EventSink& sink_;
  const Clock& clock_;
  std::map<std::string, Caller> callers_;  // loop only; key: caller_ref
  std::map<int64_t, Json> ledger_;         // loop only; campaign → ledger figures
  std::unique_ptr<storage::CallerSessionLog> sessions_;  // worker only
};

}  // namespace clearline::daemon
