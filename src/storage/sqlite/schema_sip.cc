// SIP module schema (owner: sip): where callers' phones are registered, so
// that a restarted dialer can call them without waiting for a re-REGISTER.
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
  };
  return m;
}

}  // namespace clearline::storage
