#include "storage/sqlite/sqlite_db.h"

#include <sqlite3.h>

namespace clearline::storage {

Stmt::~Stmt() {
  if (s_) sqlite3_finalize(s_);
}

Stmt& Stmt::operator=(Stmt&& o) noexcept {
  if (this != &o) {
    if (s_) sqlite3_finalize(s_);
    db_ = o.db_;
    s_ = o.s_;
    o.s_ = nullptr;
  }
  return *this;
}

Stmt& Stmt::bind(int idx, int64_t v) {
  sqlite3_bind_int64(s_, idx, v);
  return *this;
}
Stmt& Stmt::bind(int idx, double v) {
  sqlite3_bind_double(s_, idx, v);
  return *this;
}
Stmt& Stmt::bind(int idx, std::string_view v) {
  sqlite3_bind_text(s_, idx, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Stmt& Stmt::bindStatic(int idx, std::string_view v) {
  // A zero-length view may have a null data(): SQLite would bind NULL for it.
  sqlite3_bind_text(s_, idx, v.empty() ? "" : v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  return *this;
}
Stmt& Stmt::bindNull(int idx) {
  sqlite3_bind_null(s_, idx);
  return *this;
}

Result<bool> Stmt::step() {
  int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->error(rc, sqlite3_sql(s_));
}

Status Stmt::run() {
  while (true) {
    auto r = step();
    if (!r.isOk()) {
      sqlite3_reset(s_);
      return r.status();
    }
    if (!*r) break;
  }
  sqlite3_reset(s_);
  return Status::ok();
}

void Stmt::reset() {
  sqlite3_reset(s_);
  sqlite3_clear_bindings(s_);
}

void Stmt::rewind() { sqlite3_reset(s_); }

int64_t Stmt::int64(int col) const { return sqlite3_column_int64(s_, col); }
double Stmt::dbl(int col) const { return sqlite3_column_double(s_, col); }
std::string Stmt::text(int col) const {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
  return p ? std::string(p, sqlite3_column_bytes(s_, col)) : std::string();
}
bool Stmt::isNull(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }

Result<std::unique_ptr<SqliteDb>> SqliteDb::open(const std::string& path, int busy_timeout_ms) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    if (raw) sqlite3_close(raw);
    return Status::unavailable("cannot open database " + path + ": " + msg);
  }
  std::unique_ptr<SqliteDb> db(new SqliteDb(raw, path));
  sqlite3_busy_timeout(raw, busy_timeout_ms);
  sqlite3_extended_result_codes(raw, 1);
  if (path != ":memory:") RETURN_IF_ERROR(db->exec("PRAGMA journal_mode=WAL"));
  RETURN_IF_ERROR(db->exec("PRAGMA foreign_keys=ON"));
  // FULL: an acknowledged commit survives power loss, not just a process crash.
  RETURN_IF_ERROR(db->exec("PRAGMA synchronous=FULL"));
  return db;
}

SqliteDb::~SqliteDb() {
  cache_.clear();
  sqlite3_close_v2(db_);
}

Status SqliteDb::error(int rc, std::string_view context) const {
  std::string msg = std::string(sqlite3_errmsg(db_)) + " [" + std::string(context.substr(0, 120)) + "]";
  switch (rc & 0xff) {
    case SQLITE_FULL: return Status::resourceExhausted("disk full: " + msg);
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return Status::unavailable("database busy: " + msg);
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return Status::alreadyExists(msg);
      }
      return Status::invalidArgument(msg);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return Status::dataLoss("database corrupt: " + msg);
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY: return Status::unavailable("database I/O error: " + msg);
    case SQLITE_INTERRUPT: return Status::cancelled(msg);
    default: return Status::internal(msg);
  }
}

Status SqliteDb::exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (err) sqlite3_free(err);
  if (rc != SQLITE_OK) return error(rc, sql);
  return Status::ok();
}

Result<Stmt> SqliteDb::prepare(std::string_view sql) {
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &s, nullptr);
  if (rc != SQLITE_OK) return error(rc, sql);
  return Stmt(this, s);
}

Result<Stmt*> SqliteDb::cached(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    ASSIGN_OR_RETURN(Stmt s, prepare(sql));
    it = cache_.emplace(sql, std::make_unique<Stmt>(std::move(s))).first;
  }
  it->second->reset();
  return it->second.get();
}

Status SqliteDb::transaction(const std::function<Status()>& fn) {
  const bool outer = depth_ == 0;
  const std::string sp = "sp" + std::to_string(depth_);
  RETURN_IF_ERROR(exec(outer ? "BEGIN IMMEDIATE" : "SAVEPOINT " + sp));
  ++depth_;
  Status st = fn();
  --depth_;
  if (st.isOk()) {
    Status c = exec(outer ? "COMMIT" : "RELEASE " + sp);
    if (c.isOk()) return c;
    st = c;
  }
  if (outer) {
    (void)exec("ROLLBACK");
  } else {
    (void)exec("ROLLBACK TO " + sp);
    (void)exec("RELEASE " + sp);
  }
  return st;
}

int64_t SqliteDb::lastInsertId() const { return sqlite3_last_insert_rowid(db_); }
int SqliteDb::changes() const { return sqlite3_changes(db_); }

}  // namespace clearline::storage
