// API schema: accounts (users), browser sessions, API tokens and the
// idempotency keys of create requests. Owned by src/api (accounts.h).
// Secrets are stored only as hashes: Argon2id for passwords, SHA-256 for
// session and API tokens (they are long random values, so a fast hash is enough).
#include "storage/sqlite/migrations.h"

namespace clearline::storage {

const std::vector<Migration>& apiMigrations() {
  static const std::vector<Migration> m = {
      {"api", 1, "users, sessions, api tokens, idempotency keys",
       R"sql(
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('administrator','campaign_manager','vendor_supervisor','caller','auditor')),
  entity_id TEXT,                    -- vendor entity (vendor supervisors) or site (callers)
  password_hash TEXT NOT NULL,       -- Argon2id encoded string
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER,              -- epoch ms; NULL = not locked
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,       -- SHA-256 hex of the cookie value
  user_id INTEGER NOT NULL REFERENCES users(id),
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);

CREATE TABLE idempotency_keys (
  user_id INTEGER NOT NULL,
  key TEXT NOT NULL,
  route TEXT NOT NULL,
  status INTEGER NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, key)
);
)sql"},
      // Callers' console sessions (storage/sqlite/caller_sessions.h): one row
      // from the first state after logged_out to logged_out again, and the
      // pauses inside it. Written by the daemon's desks with the audit events
      // caller.login / caller.pause / caller.pause_end / caller.logout. Read
      // by the pacing report (callers logged in per bucket) and productivity.
      {"api", 2, "caller sessions and pauses",
       R"sql(
CREATE TABLE caller_sessions (
  id INTEGER PRIMARY KEY,
  caller_ref TEXT NOT NULL,
  campaign_id INTEGER NOT NULL,
  site_id TEXT NOT NULL DEFAULT '',
  started_at INTEGER NOT NULL,       -- epoch ms
  last_seen_at INTEGER NOT NULL,     -- last state change recorded (a crashed daemon's sessions end here)
  ended_at INTEGER,                  -- NULL while logged in
  end_reason TEXT
);
CREATE INDEX caller_sessions_campaign ON caller_sessions(campaign_id, started_at);
CREATE INDEX caller_sessions_open ON caller_sessions(caller_ref) WHERE ended_at IS NULL;

CREATE TABLE caller_pauses (
  id INTEGER PRIMARY KEY,
  session_id INTEGER NOT NULL REFERENCES caller_sessions(id),
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX caller_pauses_session ON caller_pauses(session_id);
)sql"},
  };
  return m;
}

}  // namespace clearline::storage
