// SQLite adapters for core/policy (owner: policy): internal do-not-call lists,
// registry snapshot log, authorization records (with the rule versions they
// evaluated), call history for caps, and the persisted abandonment ledger.
// Thread-safety: like SqliteDb, one thread at a time.
#pragma once

#include <memory>
#include <vector>

#include "common/clock.h"
#include "core/audit/audit_chain.h"
#include "core/policy/abandonment_ledger.h"
#include "core/policy/call_history.h"
#include "core/policy/engine.h"
#include "core/policy/internal_dnc.h"
#include "storage/sqlite/sqlite_db.h"

namespace clearline::storage {

struct SnapshotLogRow {
  std::string id, registry, kind;
  TimePoint as_of, full_loaded_at, loaded_at;
  int64_t numbers = 0, records = 0;
  Json area_codes = Json::array();
  Json files = Json::array();
};

class SqlitePolicyStore {
 public:
  SqlitePolicyStore(SqliteDb& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Records a do-not-call request (honoured at once) with an audit event.
  Result<core::policy::InternalDncEntry> addInternalDnc(core::policy::InternalDncEntry e, const core::Actor& actor);
  Result<int> removeInternalDnc(core::policy::DncScope scope, int64_t scope_id, const std::string& e164,
                                const core::Actor& actor);
  Status loadInternalDnc(core::policy::InternalDnc& out, TimePoint now);
  // A do-not-call request the callee made on `call` (a caller's disposition
  // that says so): the number goes on the organisation's own list (R10, the
  // seller's list of 47 CFR 64.1200(d)), so that no campaign of it calls
  // again, honoured from now. Nothing is added when the number is already on
  // that list (the disposition can be told twice: phone and console). Returns
  // whether an entry was added.
  Result<bool> addCalleeDncRequest(OrgId org, const std::string& e164, CallId call,
                                   const core::Actor& actor);
  // Changes whenever an entry is added or removed (by any process; a
  // trigger-kept generation, one row read): a running dialer reloads its
  // lists when it does.
  Result<std::string> internalDncVersion();
  Result<int64_t> countInternalDnc(core::policy::DncScope scope);

  Status logSnapshot(const SnapshotLogRow& row, const core::Actor& actor);
  Result<std::vector<SnapshotLogRow>> listSnapshots(const std::string& registry, int limit);

  // Stores the record and any rule version it references that is not stored yet.
  Status saveAuthorization(const core::policy::AuthorizationRecord& r);
  Result<Json> getAuthorization(const std::string& id);

  // Dials of the last 31 days from the calls table (caps, repeats).
  Status loadHistory(core::policy::CallHistory& out, TimePoint now);

 private:
  SqliteDb& db_;
  const Clock& clock_;
};

// The abandonment ledger, persisted in core's abandonment_ledger table: loads
// the last 31 days on start, appends on every record. Queries are in memory.
class SqliteAbandonmentLedger final : public core::AbandonmentLedger {
 public:
  SqliteAbandonmentLedger(SqliteDb& db) : db_(db) {}
  Status load(TimePoint now);
  void recordLiveAnswer(CampaignId campaign, CallId call, TimePoint answered_at, bool abandoned,
                        bool amd_false_positive) override;
  core::AbandonmentBudget budget(CampaignId campaign, TimePoint now, double cap_pct) const override {
    return mem_.budget(campaign, now, cap_pct);
  }
  // The last write error (recordLiveAnswer cannot return one), or OK.
  const Status& lastError() const { return last_error_; }

 private:
  SqliteDb& db_;
  core::policy::InMemoryAbandonmentLedger mem_;
  Status last_error_;
};

}  // namespace clearline::storage
