#include "storage/sqlite/migrations.h"

namespace clearline::storage {

const std::vector<Migration>& allMigrations() {
  static const std::vector<Migration> all = [] {
    std::vector<Migration> v;
    // One line per module; keep core first (others reference its tables).
    for (auto* list : {&coreMigrations(), &vendorMigrations(), &apiMigrations(), &importMigrations(),
                       &sipMigrations(), &policyMigrations()}) {
      v.insert(v.end(), list->begin(), list->end());
    }
    return v;
  }();
  return all;
}

Status migrate(SqliteDb& db) {
  RETURN_IF_ERROR(db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " module TEXT NOT NULL, version INTEGER NOT NULL, description TEXT NOT NULL,"
      " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),"
      " PRIMARY KEY (module, version))"));
  for (const auto& m : allMigrations()) {
    ASSIGN_OR_RETURN(Stmt q, db.prepare("SELECT 1 FROM schema_migrations WHERE module=? AND version=?"));
    q.bind(1, m.module).bind(2, m.version);
    ASSIGN_OR_RETURN(bool applied, q.step());
    if (applied) continue;
    Status st = db.transaction([&]() -> Status {
      RETURN_IF_ERROR(db.exec(m.sql));
      ASSIGN_OR_RETURN(Stmt ins, db.prepare(
          "INSERT INTO schema_migrations(module, version, description) VALUES (?,?,?)"));
      ins.bind(1, m.module).bind(2, m.version).bind(3, m.description);
      return ins.run();
    });
    if (!st.isOk()) {
      return st.withContext("migration " + m.module + "/" + std::to_string(m.version) + " (" +
                            m.description + ")");
    }
  }
  return Status::ok();
}

}  // namespace clearline::storage
