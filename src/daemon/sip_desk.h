// SipDesk: the console desk of `clearline serve` when it dials over SIP. The
// API's ConsolePort onto the Dialer's campaign runtimes (daemon/dialer.h), and
// the EventSink the runtimes publish to: it turns runtime events into what the
// console and the dashboard read (the same shapes as the simulated Desk,
// desk.h) and forwards them to the WebSocket hub and the metrics.
//
//   join      → the vendor gates (refusal in plain words, with the gates), then
//               Clearline calls the caller's registered SIP phone; the caller is
//               "connecting" until it answers, then ready (the leg stays open).
//   screen_pop→ the runtime's bare pop (call, contact ids) becomes the record,
//               the script, the survey and the dispositions, read from the
//               store on the loop the moment the callee is routed.
//   on call   → the console's disposition hangs up the customer if still there;
//               the caller is in wrap-up from the end of the call until the
//               disposition, then ready (or paused, if a pause was asked).
//   press Call→ human-initiated / preview campaigns (and leads the policy
//               routed out of an autodial campaign): nextLead shows the contact
//               the Dialer holds for this caller, dial places the call
//               (Dialer::dialForCaller: gates, number lock, the policy in the
//               lead's mode now). A refusal comes back as {"placed":false,
//               "verdict":"deny"|"defer"|"gate","rules":[…],"reason"}. While it
//               rings the console is "dialing"; the screen pop goes out when
//               the callee answers and is bridged (as for autodialed calls);
//               a dial that does not connect leaves the caller as before, with
//               `last_dial` (the call's disposition and hang-up cause).
//
// Threads: the ConsolePort methods are called from the API's store thread and
// post to the loop (bounded wait); publish() and everything else run on the
// loop thread. attach() is called on the loop once the Dialer exists; until
// then the ConsolePort answers Unavailable.
#pragma once

#include <atomic>
#include <map>
#include <optional>
#include <string>

#include "api/console_port.h"
#include "common/clock.h"
#include "common/event_loop.h"
#include "core/ports/event_sink.h"
#include "core/runtime/campaign_runtime.h"
#include "storage/sqlite/caller_sessions.h"

namespace clearline::daemon {

class Dialer;

class SipDesk final : public api::ConsolePort, public core::EventSink {
 public:
  SipDesk(core::EventSink& out, const Clock& clock, Millis metrics_interval = Millis(1000));

  // Loop thread: the loop and the dialer are ready; starts the dashboard metrics.
  void attach(EventLoop& loop, Dialer& dialer);
  // Loop thread: no more console work (the dialer is stopping).
  void detach();

  // api::ConsolePort
  Result<Json> join(const api::Principal& who, CampaignId campaign) override;
  Result<Json> setState(const api::Principal& who, const std::string& state, const std::string& reason) override;
  Result<Json> snapshot(const api::Principal& who) override;
  Result<Json> nextLead(const api::Principal& who) override;
  Result<Json> dial(const api::Principal& who, ContactId contact) override;
  Result<Json> skipLead(const api::Principal& who) override;
  Result<Json> record(const api::Principal& who) override;
  Status dispositioned(const std::string& caller_ref, CallId call,
                       std::optional<TimePoint> callback_due) override;
  Result<Json> live(CampaignId campaign) override;

  // core::EventSink (loop thread): runtime events in, console/dashboard events out.
  void publish(const core::DomainEvent& ev) override;

 private:
  struct Console {
    std::string site_id;      // from the login decision (or the account's site)
    Json pop = nullptr;       // the screen pop of the call in progress / being wrapped up
    int64_t call_id = 0;
    bool connecting = false;  // joined, Clearline is calling the phone
    std::optional<core::WrapUp> pending_wrap;  // disposition saved while the customer was still on
    bool placing = false;     // the caller pressed Call: their call is being placed
    bool pop_sent = false;    // the held screen pop of a placed call went out (bridged)
    Json last_dial = nullptr; // a placed call that did not connect: its outcome
  };

  Result<Json> onLoop(std::function<Result<Json>()> fn);
  Json callerJson(const std::string& ref) const;
  Json callerJson(const std::string& ref, CampaignId campaign, const core::CallerSnapshot* k) const;
  Result<Json> buildPop(const core::DomainEvent& ev);
  Json dialOutcome(int64_t call_id) const;
  void publishMetrics();
  Json dashboardFigures(CampaignId campaign) const;
  void emit(std::string type, const std::string& campaign, const std::string& ref, Json data, TimePoint at);

  core::EventSink& out_;
  const Clock& clock_;
  Millis metrics_interval_;
  std::atomic<EventLoop*> loop_{nullptr};
  Dialer* dialer_ = nullptr;               // loop only
  std::map<std::string, Console> consoles_;  // loop only; key: caller_ref
  uint64_t metrics_timer_ = 0;
  std::unique_ptr<storage::CallerSessionLog> sessions_;  // loop only; on the dialer's store
};

}  // namespace clearline::daemon
