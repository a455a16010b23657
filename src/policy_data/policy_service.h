// Assembles a ready PolicyEngine from a data directory: the rule book, the
// registry snapshots, the NPA → state table (geocoder), internal DNC lists and
// call history (SQLite), the persisted abandonment ledger, and a sink that
// stores every authorization record. Used by the CLI (`clearline check`) and
// by the daemon. Owner: policy. One thread (the store's).
#pragma once

#include <memory>
#include <string>

#include "common/config.h"
#include "core/policy/engine.h"
#include "policy_data/area_code_geocoder.h"
#include "storage/sqlite/policy_store.h"

namespace clearline::policy_data {

class SqliteAuthorizationSink final : public core::policy::AuthorizationSink {
 public:
  explicit SqliteAuthorizationSink(storage::SqlitePolicyStore& store) : store_(store) {}
  void record(const core::policy::AuthorizationRecord& r) override {
    Status st = store_.saveAuthorization(r);
    if (!st.isOk()) last_error_ = st;
  }
  const Status& lastError() const { return last_error_; }

 private:
  storage::SqlitePolicyStore& store_;
  Status last_error_;
};

struct PolicyRuntime {
  std::string rules_dir;
  std::string registry_dir;
  core::policy::PolicyData data;
  std::unique_ptr<storage::SqlitePolicyStore> store;
  std::unique_ptr<storage::SqliteAbandonmentLedger> ledger;
  std::unique_ptr<AreaCodeGeocoder> geocoder;
  std::unique_ptr<SqliteAuthorizationSink> sink;
  std::unique_ptr<core::policy::PolicyEngine> engine;
};

std::string registryDir(const Config& config, const std::string& data_dir);

// tag: prefix for authorization ids (unique per process).
Result<std::unique_ptr<PolicyRuntime>> openPolicy(storage::SqliteDb& db, const Clock& clock, const Config& config,
                                                  const std::string& data_dir, TimePoint now);

// Retention (R7): when a record made at `t` may be deleted.
TimePoint retentionUntil(const Config& config, TimePoint t);

}  // namespace clearline::policy_data
