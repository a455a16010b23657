#include "storage/postgres/pg_db.h"

#include <libpq-fe.h>

#include <cstdlib>

namespace clearline::storage {

PgResult::~PgResult() {
  if (r_) PQclear(r_);
}
PgResult& PgResult::operator=(PgResult&& o) noexcept {
  if (this != &o) {
    if (r_) PQclear(r_);
    r_ = o.r_;
    o.r_ = nullptr;
  }
  return *this;
}
int PgResult::rows() const { return PQntuples(r_); }
std::string PgResult::text(int row, int col) const {
  return std::string(PQgetvalue(r_, row, col), PQgetlength(r_, row, col));
}
int64_t PgResult::int64(int row, int col) const {
  return std::strtoll(PQgetvalue(r_, row, col), nullptr, 10);
}
bool PgResult::isNull(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }

Result<std::unique_ptr<PgDb>> PgDb::connect(const std::string& conninfo) {
  pg_conn* c = PQconnectdb(conninfo.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(c);
    PQfinish(c);
    return Status::unavailable("cannot connect to PostgreSQL: " + msg);
  }
  auto db = std::unique_ptr<PgDb>(new PgDb(c));
  RETURN_IF_ERROR(db->exec("SET client_min_messages = warning"));
  return db;
}

PgDb::~PgDb() { PQfinish(conn_); }

namespace {
Status mapError(pg_result* r, pg_conn* c, const std::string& sql) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string msg = r ? PQresultErrorMessage(r) : PQerrorMessage(c);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  msg += " [" + sql.substr(0, 120) + "]";
  std::string s = state ? state : "";
  if (s == "23505") return Status::alreadyExists(msg);
  if (s.rfind("23", 0) == 0) return Status::invalidArgument(msg);
  if (s == "53100") return Status::resourceExhausted("disk full: " + msg);
  if (s.rfind("08", 0) == 0 || s == "57P01") return Status::unavailable(msg);
  if (s == "XX001" || s == "XX002") return Status::dataLoss(msg);
  if (s == "40001" || s == "40P01") return Status::unavailable("serialization failure: " + msg);
  return Status::internal(msg);
}
}  // namespace

Result<PgResult> PgDb::query(const std::string& sql, const std::vector<PgParam>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  // Without parameters, the simple protocol (which also runs multi-statement scripts).
  pg_result* r = params.empty() ? PQexec(conn_, sql.c_str())
                                : PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()),
                                               nullptr, values.data(), nullptr, nullptr, 0);
  auto st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    Status err = mapError(r, conn_, sql);
    if (r) PQclear(r);
    return err;
  }
  return PgResult(r);
}

Status PgDb::exec(const std::string& sql, const std::vector<PgParam>& params) {
  return query(sql, params).status();
}

Status PgDb::transaction(const std::function<Status()>& fn) {
  const bool outer = depth_ == 0;
  const std::string sp = "sp" + std::to_string(depth_);
  RETURN_IF_ERROR(exec(outer ? "BEGIN" : "SAVEPOINT " + sp));
  ++depth_;
  Status st = fn();
  --depth_;
  if (st.isOk()) {
    Status c = exec(outer ? "COMMIT" : "RELEASE SAVEPOINT " + sp);
    if (c.isOk()) return c;
    st = c;
  }
  if (outer) {
    (void)exec("ROLLBACK");
  } else {
    (void)exec("ROLLBACK TO SAVEPOINT " + sp);
  }
  return st;
}

}  // namespace clearline::storage
