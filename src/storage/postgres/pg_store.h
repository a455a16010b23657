// The PostgreSQL adapter of the store ports, for multi-node deployments where
// several daemons share one database. It passes the same contract suite as the
// SQLite adapter (src/storage/store_contract_test.cc).
//
// Covered so far: organisations, campaigns and the audit chain (the ports in
// core/ports/campaign_store.h). Appends to the audit chain take a transaction-
// scoped advisory lock, so concurrent nodes extend one chain without forks.
// Thread-safety: one thread at a time.
#pragma once

#include <memory>
#include <string>

#include "common/clock.h"
#include "core/ports/campaign_store.h"
#include "storage/postgres/pg_db.h"

namespace clearline::storage {

class PgStore final : public core::AuditLog, public core::CampaignStore {
 public:
  // Connects and applies pending migrations.
  static Result<std::unique_ptr<PgStore>> open(const std::string& conninfo, const Clock& clock);

  core::AuditLog& auditLog() { return *this; }
  core::CampaignStore& campaigns() { return *this; }
  PgDb& db() { return *db_; }

  // AuditLog
  Result<core::AuditEvent> append(core::AuditEvent e) override;
  Status scan(int64_t from_seq, const std::function<Status(const core::AuditEvent&)>& fn) override;
  Result<int64_t> count() override;

  // CampaignStore
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
  PgStore(std::unique_ptr<PgDb> db, const Clock& clock) : db_(std::move(db)), clock_(clock) {}
  Status migrate();
  Result<core::AuditEvent> appendInTxn(core::AuditEvent e);
  Status audit(const core::Actor& actor, std::string action, std::string type, std::string id, Json payload);
  Status writeCampaign(const core::Campaign& c);
  std::unique_ptr<PgDb> db_;
  const Clock& clock_;
};

}  // namespace clearline::storage
