// The live console seam: what the API asks of the signalling loop on a
// caller's behalf. Implemented by the daemon (src/daemon/desk.h) on the loop;
// every method is thread-safe (it posts to the loop and waits, bounded, for
// the answer). Results are JSON snapshots; changes are also pushed as
// DomainEvents ("caller.state", "screen_pop") to the WebSocket hub.
#pragma once

#include <optional>
#include <string>

#include "api/authz.h"
#include "common/clock.h"
#include "common/ids.h"
#include "common/json.h"
#include "common/status.h"

namespace clearline::api {

class ConsolePort {
 public:
  virtual ~ConsolePort() = default;
  // Joins `campaign` at the caller's site: asks the vendor-chain gates; on
  // refusal returns {"allowed":false,"reason":"…","gates":[…]} (not an error).
  virtual Result<Json> join(const Principal& who, CampaignId campaign) = 0;
  // state: "ready" | "paused" | "logged_out"; reason for pauses.
  virtual Result<Json> setState(const Principal& who, const std::string& state, const std::string& reason) = 0;
  // The caller's state, campaign, current call and screen pop, if any.
  virtual Result<Json> snapshot(const Principal& who) = 0;
  // Human-initiated / preview dialing (and leads the policy routed out of an
  // autodial campaign): the next contact this caller may press Call for, held
  // for them until dialed or skipped — {"lead": {...} | null, ...}. Only a
  // live dialer has leads to offer (the default: Unavailable).
  virtual Result<Json> nextLead(const Principal& who) {
    (void)who;
    return Status::unavailable("human-initiated dialing needs the SIP dialer, which is not running");
  }
  // The caller pressed Call for `contact` (the lead nextLead offered). A
  // refusal by the compliance policy or the vendor gates is not an error:
  // {"placed":false,"verdict":"deny"|"defer"|"gate","rules":[…],"reason":…}.
  virtual Result<Json> dial(const Principal& who, ContactId contact) = 0;
  // The caller skips the offered lead (preview): it is offered again later.
  virtual Result<Json> skipLead(const Principal& who) {
    (void)who;
    return Status::unavailable("human-initiated dialing needs the SIP dialer, which is not running");
  }
  // On-demand recording (issue 6 §5): record the call bridged to this caller
  // now, both parties, to a WAV the call record references when it ends.
  // {"recording":true,"call_id","file","already"}; FailedPrecondition when no
  // call is bridged or the campaign's recording mode is not on_demand.
  virtual Result<Json> record(const Principal& who) {
    (void)who;
    return Status::unavailable("recording needs the SIP dialer, which is not running");
  }
  // The disposition of `call` is stored: the caller moves to wrap-up. A
  // callback the caller set is due at `callback_due` (the lead waits for it,
  // kept for that caller, instead of the campaign's recycle delay).
  virtual Status dispositioned(const std::string& caller_ref, CallId call,
                               std::optional<TimePoint> callback_due) = 0;
  // Dashboard snapshot of one campaign (callers by state, calls, ledger …).
  virtual Result<Json> live(CampaignId campaign) = 0;
};

}  // namespace clearline::api
