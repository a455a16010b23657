// Callers' console sessions (issue 8 §1/§3 "callers logged in"): one
// caller_sessions row per login — from the first console state other than
// logged_out to logged_out — and caller_pauses rows for the pauses inside it
// (schema: schema_api.cc, api v2). Each change is written with its audit event
// in one transaction: caller.login {campaign_id, site_id, session_id},
// caller.pause {session_id, reason}, caller.pause_end {session_id, seconds},
// caller.logout {session_id, campaign_id, seconds, reason}.
//
// The daemon's desks feed it every console state they publish (daemon/desk.cc
// on its store worker, daemon/sip_desk.cc on the dialer's loop); states that do
// not open or close a session or a pause (ready ↔ on_call ↔ wrap_up) write
// nothing. Sessions a previous process left open (crash, SIGKILL) are closed
// at construction at their last recorded change (`last_seen_at`, end_reason
// "daemon_restart"): the figure under-counts such a session, never inflates it.
//
// Not thread-safe: one instance per connection, used on that connection's thread.
#pragma once

#include <map>
#include <string>

#include "common/clock.h"
#include "common/ids.h"
#include "common/status.h"
#include "storage/sqlite/sqlite_db.h"

namespace clearline::storage {

class CallerSessionLog {
 public:
  // Closes the sessions a previous process left open (see above).
  static Result<std::unique_ptr<CallerSessionLog>> open(SqliteDb& db, const Clock& clock);

  // The caller's console state at `at`: "logged_out" closes the open session
  // (and pause), any other state opens one for `campaign` if none is open
  // (another campaign: the old one is closed, "campaign_change"), "paused"
  // opens a pause, any other state closes it.
  Status onState(const std::string& caller_ref, CampaignId campaign, const std::string& site_id,
                 const std::string& state, const std::string& reason, TimePoint at);

  // Closes every open session at `at` (daemon shutdown: "daemon_stopped").
  Status closeAll(TimePoint at, const std::string& reason);

  size_t openSessions() const { return open_.size(); }

 private:
  CallerSessionLog(SqliteDb& db, const Clock& clock) : db_(db), clock_(clock) {}
  struct Open {
    int64_t session_id = 0;
    int64_t campaign_id = 0;
    int64_t started_at = 0;
    int64_t pause_id = 0;  // 0 = not paused
    int64_t pause_started_at = 0;
  };
  Status close(const std::string& ref, Open& o, int64_t at, const std::string& reason);
  Status endPause(const std::string& ref, Open& o, int64_t at);

  SqliteDb& db_;
  const Clock& clock_;
  std::map<std::string, Open> open_;  // caller_ref → its open session
};

}  // namespace clearline::storage
