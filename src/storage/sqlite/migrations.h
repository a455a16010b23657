// Versioned schema migrations, per module. Each module (core, policy, vendor,
// calls, api …) numbers its own migrations 1, 2, 3 …; schema_migrations records
// what was applied. Migrations are append-only: never edit a released one, add
// the next. Each runs in one transaction with its bookkeeping row.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "storage/sqlite/sqlite_db.h"

namespace clearline::storage {

struct Migration {
  std::string module;
  int version;
  std::string description;
  std::string sql;
};

// Per-module lists (schema_<module>.cc). Add yours to allMigrations().
const std::vector<Migration>& coreMigrations();
const std::vector<Migration>& vendorMigrations();
const std::vector<Migration>& apiMigrations();
const std::vector<Migration>& importMigrations();
const std::vector<Migration>& sipMigrations();
const std::vector<Migration>& policyMigrations();
const std::vector<Migration>& allMigrations();

// Applies every pending migration in (module, version) order.
Status migrate(SqliteDb& db);

}  // namespace clearline::storage
