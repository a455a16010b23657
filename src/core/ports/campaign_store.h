// Store ports for organisations, campaigns and the audit log.
//
// Implemented by src/storage (SQLite now; PostgreSQL next), and pinned by one
// contract suite (src/storage/store_contract_test.cc) that every adapter runs.
// Every mutating call appends its audit event in the same transaction, so a
// change is never stored without its audit record, or the reverse.
// Thread-safety: an instance is used by one thread at a time.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/ids.h"
#include "common/status.h"
#include "core/audit/audit_chain.h"
#include "core/campaign/campaign.h"

namespace clearline::core {

struct Organisation {
  OrgId id;
  std::string name;
  TimePoint created_at;
};

class AuditLog {
 public:
  virtual ~AuditLog() = default;
  // Appends (and seals) one event in its own transaction; returns the sealed event.
  virtual Result<AuditEvent> append(AuditEvent e) = 0;
  // Calls `fn` for each event with seq >= from_seq, in order; stops at the first non-OK.
  virtual Status scan(int64_t from_seq, const std::function<Status(const AuditEvent&)>& fn) = 0;
  virtual Result<int64_t> count() = 0;
};

class CampaignStore {
 public:
  virtual ~CampaignStore() = default;

  virtual Result<Organisation> createOrganisation(const std::string& name, const Actor& actor) = 0;
  virtual Result<Organisation> getOrganisation(OrgId id) = 0;
  virtual Result<std::vector<Organisation>> listOrganisations() = 0;

  // Stores a new campaign (state draft); returns it with id and timestamps set.
  virtual Result<Campaign> createCampaign(Campaign c, const Actor& actor) = 0;
  virtual Result<Campaign> getCampaign(CampaignId id) = 0;
  virtual Result<std::vector<Campaign>> listCampaigns(OrgId org /* 0 = all */) = 0;
  // Replaces the settable fields; records the diff in the audit log.
  virtual Result<Campaign> updateCampaign(const Campaign& c, const Actor& actor) = 0;
  // Applies a lifecycle event through core::transition().
  virtual Result<Campaign> changeCampaignState(CampaignId id, CampaignEvent ev, const Actor& actor) = 0;
};

}  // namespace clearline::core
