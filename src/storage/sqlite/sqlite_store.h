// The SQLite adapter of the store ports (core/ports/*.h).
//
// SqliteStore owns one connection and hands out the per-area stores that share
// it, so that one transaction can span areas (a call record and its ledger row
// and their audit events commit together). Other areas add their adapter here
// as a member built on db().
// Thread-safety: one thread at a time (the daemon gives the store its own thread).
#pragma once

#include <memory>
#include <string>

#include "common/clock.h"
#include "core/ports/campaign_store.h"
#include "storage/sqlite/sqlite_db.h"

namespace clearline::storage {

// Appends `e` to the audit chain on `db`. Must run inside db.transaction();
// reads the head, seals the event, inserts it. Returns the sealed event.
Result<core::AuditEvent> appendAudit(SqliteDb& db, core::AuditEvent e);
// Convenience: builds the event from parts, `at` from the clock.
Status audit(SqliteDb& db, const Clock& clock, const core::Actor& actor, std::string action,
             std::string object_type, std::string object_id, Json payload);

class SqliteAuditLog final : public core::AuditLog {
 public:
  SqliteAuditLog(SqliteDb& db) : db_(db) {}
  Result<core::AuditEvent> append(core::AuditEvent e) override;
  Status scan(int64_t from_seq, const std::function<Status(const core::AuditEvent&)>& fn) override;
  Result<int64_t> count() override;

 private:
  SqliteDb& db_;
};

class SqliteCampaignStore final : public core::CampaignStore {
 public:
  SqliteCampaignStore(SqliteDb& db, const Clock& clock) : db_(db), clock_(clock) {}

  Result<core::Organisation> createOrganisation(const std::string& name, const core::Actor& actor) override;
  Result<core::Organisation> getOrganisation(OrgId id) override;
  Result<std::vector<core::Organisation>> listOrganisations() override;
  Result<core::Campaign> createCampaign(core::Campaign c, const core::Actor& actor) override;
  Result<core::Campaign> getCampaign(CampaignId id) override;
  Result<std::vector<core::Campaign>> listCampaigns(OrgId org) override;
  Result<core::Campaign> updateCampaign(const core::Campaign& c, const core::Actor& actor) override;
  Result<core::Campaign> changeCampaignState(CampaignId id, core::CampaignEvent ev,
                                             const core::Actor& actor) override;

 private:
  Result<core::Campaign> readCampaign(Stmt& s);
  SqliteDb& db_;
  const Clock& clock_;
};

class SqliteStore {
 public:
  // Opens path (":memory:" for tests) and applies pending migrations.
  static Result<std::unique_ptr<SqliteStore>> open(const std::string& path, const Clock& clock,
                                                   int busy_timeout_ms = 5000);

  SqliteDb& db() { return *db_; }
  const Clock& clock() const { return clock_; }
  core::AuditLog& auditLog() { return audit_; }
  core::CampaignStore& campaigns() { return campaigns_; }

 private:
  SqliteStore(std::unique_ptr<SqliteDb> db, const Clock& clock)
      : db_(std::move(db)), clock_(clock), audit_(*db_), campaigns_(*db_, clock) {}
  std::unique_ptr<SqliteDb> db_;
  const Clock& clock_;
  SqliteAuditLog audit_;
  SqliteCampaignStore campaigns_;
};

}  // namespace clearline::storage
