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
  };
  return m;
}

}  // namespace clearline::storage
