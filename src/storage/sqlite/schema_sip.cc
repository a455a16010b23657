// SIP module schema (owner: sip): where callers' phones are registered, so
// that a restarted dialer can call them without waiting for a re-REGISTER;
// whether a call's recording announcement was played (calls column).
#include "storage/sqlite/migrations.h"

namespace clearline::storage {

const std::vector<Migration>& sipMigrations() {
  static const std::vector<Migration> m = {
      {"sip", 1, "caller phone registrations",
       R"sql(
CREATE TABLE sip_registrations (
  caller_ref TEXT PRIMARY KEY,       -- the SIP user name (= caller_ref)
  contact TEXT NOT NULL,             -- the phone's Contact URI
  expires_at INTEGER NOT NULL,       -- epoch ms
  updated_at INTEGER NOT NULL
);
)sql"},
      // 1 = the recording announcement (all-party consent to record, or the
      // campaign's "always") was played in full at the start of the call's
      // recorded conversation (issue 6 §5; docs/sip.md "Recording announcement").
      {"sip", 2, "calls.recording_announcement",
       R"sql(
ALTER TABLE calls ADD COLUMN recording_announcement INTEGER NOT NULL DEFAULT 0;
)sql"},
  };
  return m;
}

}  // namespace clearline::storage
