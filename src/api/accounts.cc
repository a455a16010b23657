#include "api/accounts.h"

#include <argon2.h>
#include <openssl/rand.h>

#include "common/sha256.h"
#include "storage/sqlite/sqlite_store.h"

namespace clearline::api {

std::string randomToken() {
  unsigned char buf[32];
  if (RAND_bytes(buf, sizeof buf) != 1) std::abort();  // no entropy: nothing is safe
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : buf) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

Result<std::string> hashPassword(const std::string& password, const Argon2Params& p) {
  if (password.size() < 8) return Status::invalidArgument("password must have at least 8 characters", "password");
  if (password.size() > 1024) return Status::invalidArgument("password is too long", "password");
  unsigned char salt[16];
  if (RAND_bytes(salt, sizeof salt) != 1) return Status::internal("no randomness for the salt");
  size_t len = argon2_encodedlen(p.t_cost, p.m_cost_kib, p.parallelism, sizeof salt, 32, Argon2_id);
  std::string out(len, '\0');
  int rc = argon2id_hash_encoded(p.t_cost, p.m_cost_kib, p.parallelism, password.data(),
                                 password.size(), salt, sizeof salt, 32, out.data(), out.size());
  if (rc != ARGON2_OK) return Status::internal(std::string("argon2id: ") + argon2_error_message(rc));
  out.resize(std::strlen(out.c_str()));
  return out;
}

bool verifyPassword(const std::string& password, const std::string& encoded) {
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

namespace {
constexpr const char* kUserCols =
    "SELECT id, name, role, COALESCE(entity_id,''), password_hash, failed_logins, locked_until, disabled "
    "FROM users ";
// A syntactically valid hash to verify against when the name is unknown, so that
// an unknown name costs the same time as a wrong password.
const std::string& dummyHash() {
  static const std::string h = [] {
    auto r = hashPassword("not-a-real-password", Argon2Params{1, 1024, 1});
    return r.isOk() ? *r : std::string();
  }();
  return h;
}
}  // namespace

Result<Principal> AccountStore::readUser(storage::Stmt& s) {
  Principal p;
  p.user_id = UserId(s.int64(0));
  p.name = s.text(1);
  ASSIGN_OR_RETURN(p.role, parseRole(s.text(2)));
  p.entity_id = s.text(3);
  return p;
}

Result<Principal> AccountStore::createUser(const std::string& name, Role role,
                                           const std::string& entity_id, const std::string& password,
                                           const Argon2Params& params, const core::Actor& actor) {
  if (name.empty() || name.size() > 64) return Status::invalidArgument("name must have 1 to 64 characters", "name");
  for (char c : name) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == '@';
    if (!ok) return Status::invalidArgument("name may use letters, digits and . _ - @", "name");
  }
  if (role == Role::kVendorSupervisor && entity_id.empty())
    return Status::invalidArgument(
        "a vendor supervisor needs the entity it supervises (--entity, API entity_id)",
        "entity_id");
  ASSIGN_OR_RETURN(std::string hash, hashPassword(password, params));
  Principal p;
  RETURN_IF_ERROR(db_.transaction([&]() -> Status {
    ASSIGN_OR_RETURN(storage::Stmt ins, db_.prepare(
        "INSERT INTO users(name, role, entity_id, password_hash, created_at) VALUES (?,?,?,?,?)"));
    ins.bind(1, name).bind(2, std::string(toString(role)));
    if (entity_id.empty()) ins.bindNull(3); else ins.bind(3, entity_id);
    ins.bind(4, hash).bind(5, toEpochMillis(clock_.now()));
    Status st = ins.run();
    if (!st.isOk()) {
      if (st.message().find("UNIQUE") != std::string::npos)
        return Status::alreadyExists("a user named '" + name + "' exists", "name");
      return st;
    }
    p.user_id = UserId(db_.lastInsertId());
    p.name = name;
    p.role = role;
    p.entity_id = entity_id;
    // The audit payload names the account, never the password or its hash.
    return storage::audit(db_, clock_, actor, "user.create", "user", p.user_id.str(),
                          Json{{"name", name}, {"role", toString(role)}, {"entity_id", entity_id}});
  }));
  return p;
}

Result<Principal> AccountStore::getUser(UserId id) {
  ASSIGN_OR_RETURN(storage::Stmt s, db_.prepare(std::string(kUserCols) + "WHERE id=?"));
  s.bind(1, id.value);
  ASSIGN_OR_RETURN(bool row, s.step());
  if (!row) return Status::notFound("no user " + id.str());
  return readUser(s);
}

Result<std::vector<Principal>> AccountStore::listUsers() {
  ASSIGN_OR_RETURN(storage::Stmt s, db_.prepare(std::string(kUserCols) + "ORDER BY id"));
  std::vector<Principal> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) break;
    ASSIGN_OR_RETURN(Principal p, readUser(s));
    out.push_back(std::move(p));
  }
  return out;
}

Result<Principal> AccountStore::login(const std::string& name, const std::string& password,
                                      const LockoutPolicy& policy) {
  const Status wrong = Status::unauthenticated("wrong name or password");
  ASSIGN_OR_RETURN(storage::Stmt s, db_.prepare(std::string(kUserCols) + "WHERE name=?"));
  s.bind(1, name);
  ASSIGN_OR_RETURN(bool row, s.step());
  if (!row) {
    (void)verifyPassword(password, dummyHash());
    return wrong;
  }
  ASSIGN_OR_RETURN(Principal p, readUser(s));
  std::string hash = s.text(4);
  int64_t failures = s.int64(5);
  std::optional<int64_t> locked_until = s.optInt64(6);
  bool disabled = s.int64(7) != 0;
  int64_t now = toEpochMillis(clock_.now());
  if (locked_until && *locked_until > now) {
    return Status::resourceExhausted("too many failed logins: this account is locked for " +
                                     std::to_string((*locked_until - now) / 60000 + 1) + " more minutes");
  }
  if (disabled) return wrong;
  if (!verifyPassword(password, hash)) {
    ++failures;
    ASSIGN_OR_RETURN(storage::Stmt u, db_.prepare("UPDATE users SET failed_logins=?, locked_until=? WHERE id=?"));
    u.bind(1, failures >= policy.max_failures ? int64_t{0} : failures);
    if (failures >= policy.max_failures) u.bind(2, now + policy.lockout_ms); else u.bindNull(2);
    u.bind(3, p.user_id.value);
    RETURN_IF_ERROR(db_.transaction([&]() -> Status {
      RETURN_IF_ERROR(u.run());
      if (failures >= policy.max_failures) {
        return storage::audit(db_, clock_, core::Actor{"system"}, "user.lockout", "user",
                              p.user_id.str(), Json{{"failures", failures}});
      }
      return Status::ok();
    }));
    return wrong;
  }
  if (failures != 0 || locked_until) {
    ASSIGN_OR_RETURN(storage::Stmt u, db_.prepare("UPDATE users SET failed_logins=0, locked_until=NULL WHERE id=?"));
    u.bind(1, p.user_id.value);
    RETURN_IF_ERROR(u.run());
  }
  return p;
}

Result<Session> AccountStore::createSession(UserId user, Millis ttl) {
  Session s;
  s.token = randomToken();
  s.csrf = randomToken();
  s.expires_at = clock_.now() + ttl;
  ASSIGN_OR_RETURN(storage::Stmt ins, db_.prepare(
      "INSERT INTO sessions(token_hash, user_id, csrf_token, created_at, expires_at) VALUES (?,?,?,?,?)"));
  ins.bind(1, sha256Hex(s.token)).bind(2, user.value).bind(3, s.csrf)
      .bind(4, toEpochMillis(clock_.now())).bind(5, toEpochMillis(s.expires_at));
  RETURN_IF_ERROR(ins.run());
  return s;
}

Result<std::pair<Principal, std::string>> AccountStore::lookupSession(const std::string& token) {
  if (token.size() != 64) return Status::unauthenticated("log in first");
  ASSIGN_OR_RETURN(storage::Stmt* s, db_.cached(
      "SELECT u.id, u.name, u.role, COALESCE(u.entity_id,''), s.csrf_token, s.expires_at, u.disabled"
      " FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash=?"));
  s->bind(1, sha256Hex(token));
  ASSIGN_OR_RETURN(bool row, s->step());
  if (!row || s->int64(5) <= toEpochMillis(clock_.now()) || s->int64(6) != 0) {
    s->reset();
    return Status::unauthenticated("your session has ended: log in again");
  }
  auto p = readUser(*s);
  std::string csrf = s->text(4);
  s->reset();
  if (!p.isOk()) return p.status();
  return std::make_pair(*p, csrf);
}

Status AccountStore::deleteSession(const std::string& token) {
  ASSIGN_OR_RETURN(storage::Stmt d, db_.prepare("DELETE FROM sessions WHERE token_hash=?"));
  d.bind(1, sha256Hex(token));
  return d.run();
}

Result<std::string> AccountStore::createApiToken(UserId user, const std::string& name,
                                                 const core::Actor& actor) {
  std::string token = "cl_" + randomToken();
  RETURN_IF_ERROR(db_.transaction([&]() -> Status {
    ASSIGN_OR_RETURN(storage::Stmt ins, db_.prepare(
        "INSERT INTO api_tokens(user_id, name, token_hash, created_at) VALUES (?,?,?,?)"));
    ins.bind(1, user.value).bind(2, name).bind(3, sha256Hex(token)).bind(4, toEpochMillis(clock_.now()));
    RETURN_IF_ERROR(ins.run());
    return storage::audit(db_, clock_, actor, "token.create", "api_token",
                          std::to_string(db_.lastInsertId()), Json{{"user_id", user.value}, {"name", name}});
  }));
  return token;
}

Result<Principal> AccountStore::lookupApiToken(const std::string& token) {
  if (token.size() != 67 || token.rfind("cl_", 0) != 0) return Status::unauthenticated("unknown API token");
  ASSIGN_OR_RETURN(storage::Stmt* s, db_.cached(
      "SELECT u.id, u.name, u.role, COALESCE(u.entity_id,''), u.disabled FROM api_tokens t"
      " JOIN users u ON u.id = t.user_id WHERE t.token_hash=? AND t.revoked_at IS NULL"));
  s->bind(1, sha256Hex(token));
  ASSIGN_OR_RETURN(bool row, s->step());
  if (!row || s->int64(4) != 0) {
    s->reset();
    return Status::unauthenticated("unknown API token");
  }
  auto p = readUser(*s);
  s->reset();
  if (!p.isOk()) return p.status();
  p->via_token = true;
  return p;
}

}  // namespace clearline::api
