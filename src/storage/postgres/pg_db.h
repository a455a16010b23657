// A thin layer over libpq: connection, parameterised queries (never string
// concatenation of values), transactions with savepoints, and libpq errors
// mapped to Status codes. The PostgreSQL twin of sqlite/sqlite_db.h.
// Thread-safety: one PgDb per thread.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

struct pg_conn;
struct pg_result;

namespace clearline::storage {

using PgParam = std::optional<std::string>;  // nullopt = SQL NULL

class PgResult {
 public:
  explicit PgResult(pg_result* r) : r_(r) {}
  ~PgResult();
  PgResult(PgResult&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  PgResult& operator=(PgResult&& o) noexcept;
  PgResult(const PgResult&) = delete;

  int rows() const;
  std::string text(int row, int col) const;
  int64_t int64(int row, int col) const;
  bool isNull(int row, int col) const;

 private:
  pg_result* r_;
};

class PgDb {
 public:
  static Result<std::unique_ptr<PgDb>> connect(const std::string& conninfo);
  ~PgDb();
  PgDb(const PgDb&) = delete;
  PgDb& operator=(const PgDb&) = delete;

  // $1, $2 … placeholders; values passed as text.
  Result<PgResult> query(const std::string& sql, const std::vector<PgParam>& params = {});
  Status exec(const std::string& sql, const std::vector<PgParam>& params = {});
  Status transaction(const std::function<Status()>& fn);
  bool inTransaction() const { return depth_ > 0; }

 private:
  explicit PgDb(pg_conn* c) : conn_(c) {}
  pg_conn* conn_;
  int depth_ = 0;
};

}  // namespace clearline::storage
