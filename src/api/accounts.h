// Accounts: users with Argon2id password hashes, browser sessions (random
// cookie value, stored as SHA-256), API tokens, login failure counting and
// lock-out. Tables: storage/sqlite/schema_api.cc.
//
// Thread-safety: an AccountStore uses one SqliteDb and is used by one thread
// at a time (the API's store thread; the CLI).
#pragma once

#include <optional>
#include <string>

#include "api/authz.h"
#include "common/clock.h"
#include "common/status.h"
#include "core/audit/audit_chain.h"
#include "storage/sqlite/sqlite_db.h"

namespace clearline::api {

struct Argon2Params {
  uint32_t t_cost = 3;        // iterations
  uint32_t m_cost_kib = 65536; // memory (64 MiB)
  uint32_t parallelism = 1;
};

// Argon2id: "$argon2id$v=19$m=…,t=…,p=…$salt$hash".
Result<std::string> hashPassword(const std::string& password, const Argon2Params& params);
bool verifyPassword(const std::string& password, const std::string& encoded);

// 32 random bytes as 64 hex characters (OpenSSL RAND_bytes).
std::string randomToken();

struct LockoutPolicy {
  int max_failures = 5;          // consecutive failures before lock-out
  int64_t lockout_ms = 15 * 60 * 1000;
};

struct Session {
  std::string token;   // the cookie value (only known at creation)
  std::string csrf;
  TimePoint expires_at;
};

class AccountStore {
 public:
  AccountStore(storage::SqliteDb& db, const Clock& clock) : db_(db), clock_(clock) {}

  Result<Principal> createUser(const std::string& name, Role role, const std::string& entity_id,
                               const std::string& password, const Argon2Params& params,
                               const core::Actor& actor);
  Result<Principal> getUser(UserId id);
  Result<std::vector<Principal>> listUsers();

  // Checks name + password. Unauthenticated for a wrong name or password (same
  // message, so names cannot be probed); ResourceExhausted while locked out.
  Result<Principal> login(const std::string& name, const std::string& password,
                          const LockoutPolicy& policy);

  Result<Session> createSession(UserId user, Millis ttl);
  // The principal and CSRF token for a cookie value; Unauthenticated if unknown/expired.
  Result<std::pair<Principal, std::string>> lookupSession(const std::string& token);
  Status deleteSession(const std::string& token);

  // Returns the token's secret (shown once).
  Result<std::string> createApiToken(UserId user, const std::string& name, const core::Actor& actor);
  Result<Principal> lookupApiToken(const std::string& token);

 private:
  Result<Principal> readUser(storage::Stmt& s);
  storage::SqliteDb& db_;
  const Clock& clock_;
};

}  // namespace clearline::api
