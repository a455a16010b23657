// A thin RAII layer over SQLite: connection, prepared statements, transactions,
// and SQLite result codes mapped to Status codes (docs/error-handling.md).
//
// The connection opens in WAL mode with foreign keys on. Writers use
// BEGIN IMMEDIATE so that concurrent processes (the daemon and a CLI import)
// serialise cleanly; busy_timeout makes them wait instead of failing.
// Thread-safety: one SqliteDb per thread (SQLite's own locking serialises files).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace clearline::storage {

class SqliteDb;

// A prepared statement. Bind with 1-based indexes, step, read 0-based columns.
class Stmt {
 public:
  Stmt() = default;
  Stmt(SqliteDb* db, sqlite3_stmt* s) : db_(db), s_(s) {}
  ~Stmt();
  Stmt(Stmt&& o) noexcept : db_(o.db_), s_(o.s_) { o.s_ = nullptr; }
  Stmt& operator=(Stmt&& o) noexcept;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& bind(int idx, int64_t v);
  Stmt& bind(int idx, int v) { return bind(idx, static_cast<int64_t>(v)); }
  Stmt& bind(int idx, double v);
  Stmt& bind(int idx, std::string_view v);
  Stmt& bind(int idx, const std::string& v) { return bind(idx, std::string_view(v)); }
  Stmt& bind(int idx, const char* v) { return bind(idx, std::string_view(v)); }
  Stmt& bindNull(int idx);
  // Binds without copying (SQLITE_STATIC): the bytes must stay alive and
  // unchanged until the statement has been stepped and reset (hot paths).
  Stmt& bindStatic(int idx, std::string_view v);
  template <typename T>
  Stmt& bindOpt(int idx, const std::optional<T>& v) {
    return v ? bind(idx, *v) : bindNull(idx);
  }

  // true: a row is ready; false: done.
  Result<bool> step();
  // Steps to completion, for statements that return no rows.
  Status run();
  void reset();
  // Resets for the next step and keeps the bindings (sqlite3_reset only).
  void rewind();

  int64_t int64(int col) const;
  double dbl(int col) const;
  std::string text(int col) const;
  bool isNull(int col) const;
  std::optional<int64_t> optInt64(int col) const {
    return isNull(col) ? std::nullopt : std::optional<int64_t>(int64(col));
  }

 private:
  SqliteDb* db_ = nullptr;
  sqlite3_stmt* s_ = nullptr;
};

class SqliteDb {
 public:
  // Opens (creating if needed) the database file; ":memory:" for tests.
  static Result<std::unique_ptr<SqliteDb>> open(const std::string& path, int busy_timeout_ms = 5000);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  Status exec(std::string_view sql);
  Result<Stmt> prepare(std::string_view sql);
  // A statement kept prepared for the connection's lifetime (hot paths), reset before return.
  Result<Stmt*> cached(const std::string& sql);

  // Runs fn inside BEGIN IMMEDIATE … COMMIT (or a SAVEPOINT when nested);
  // rolls back when fn returns non-OK or the commit fails.
  Status transaction(const std::function<Status()>& fn);
  bool inTransaction() const { return depth_ > 0; }

  int64_t lastInsertId() const;
  int changes() const;
  const std::string& path() const { return path_; }
  sqlite3* raw() { return db_; }

  // Maps the connection's last error (rc) to a Status with context.
  Status error(int rc, std::string_view context) const;

 private:
  SqliteDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
  int depth_ = 0;
  std::unordered_map<std::string, std::unique_ptr<Stmt>> cache_;
};

}  // namespace clearline::storage
