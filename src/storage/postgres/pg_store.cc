#include "storage/postgres/pg_store.h"

#include <vector>

#include "core/contact/contact.h"

namespace clearline::storage {

using core::AuditEvent;
using core::Campaign;
using core::Organisation;

namespace {

std::string str(int64_t v) { return std::to_string(v); }

struct PgMigration {
  int version;
  const char* description;
  const char* sql;
};

// Module "core" in PostgreSQL's dialect. Same tables and meaning as
// sqlite/schema_core.cc for what this adapter covers.
const std::vector<PgMigration>& coreMigrations() {
  static const std::vector<PgMigration> m = {
      {1, "organisations, campaigns, dispositions, audit", R"sql(
CREATE TABLE organisations (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL
);
CREATE TABLE campaigns (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id BIGINT NOT NULL REFERENCES organisations(id),
  name TEXT NOT NULL,
  purpose TEXT NOT NULL,
  dial_mode TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('draft','active','paused','finished')),
  settings TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX campaigns_org ON campaigns(org_id);
CREATE TABLE campaign_dispositions (
  campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
  code TEXT NOT NULL, label TEXT NOT NULL,
  final BOOLEAN NOT NULL DEFAULT false, do_not_call BOOLEAN NOT NULL DEFAULT false,
  PRIMARY KEY (campaign_id, code)
);
CREATE TABLE audit_events (
  seq BIGINT PRIMARY KEY,
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  object_type TEXT NOT NULL,
  object_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
)sql"},
  };
  return m;
}

// Advisory-lock key that serialises audit appends across nodes.
constexpr const char* kAuditLockKey = "7316202519";

}  // namespace

Result<std::unique_ptr<PgStore>> PgStore::open(const std::string& conninfo, const Clock& clock) {
  ASSIGN_OR_RETURN(auto db, PgDb::connect(conninfo));
  auto store = std::unique_ptr<PgStore>(new PgStore(std::move(db), clock));
  RETURN_IF_ERROR(store->migrate());
  return store;
}

Status PgStore::migrate() {
  RETURN_IF_ERROR(db_->exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT NOT NULL, version INTEGER NOT NULL,"
      " description TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),"
      " PRIMARY KEY (module, version))"));
  for (const auto& m : coreMigrations()) {
    Status st = db_->transaction([&]() -> Status {
      // Serialise concurrent nodes migrating the same database.
      RETURN_IF_ERROR(db_->exec("SELECT pg_advisory_xact_lock(1)"));
      ASSIGN_OR_RETURN(PgResult r, db_->query(
          "SELECT 1 FROM schema_migrations WHERE module='core' AND version=$1", {str(m.version)}));
      if (r.rows() > 0) return Status::ok();
      RETURN_IF_ERROR(db_->exec(m.sql));
      return db_->exec("INSERT INTO schema_migrations(module, version, description) VALUES ('core',$1,$2)",
                       {str(m.version), std::string(m.description)});
    });
    if (!st.isOk()) return st.withContext("migration core/" + std::to_string(m.version));
  }
  return Status::ok();
}

Result<AuditEvent> PgStore::appendInTxn(AuditEvent e) {
  assert(db_->inTransaction());
  RETURN_IF_ERROR(db_->exec(std::string("SELECT pg_advisory_xact_lock(") + kAuditLockKey + ")"));
  ASSIGN_OR_RETURN(PgResult head, db_->query("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1"));
  AuditEvent prev;
  bool has = head.rows() > 0;
  if (has) {
    prev.seq = head.int64(0, 0);
    prev.hash = head.text(0, 1);
  }
  core::sealEvent(has ? &prev : nullptr, e);
  RETURN_IF_ERROR(db_->exec(
      "INSERT INTO audit_events(seq, at, actor, action, object_type, object_id, payload, prev_hash, hash)"
      " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
      {str(e.seq), str(toEpochMillis(e.at)), e.actor, e.action, e.object_type, e.object_id,
       canonicalJson(e.payload), e.prev_hash, e.hash}));
  return e;
}

Status PgStore::audit(const core::Actor& actor, std::string action, std::string type, std::string id,
                      Json payload) {
  return appendInTxn(core::makeAuditEvent(clock_.now(), actor, std::move(action), std::move(type),
                                          std::move(id), std::move(payload)))
      .status();
}

Result<AuditEvent> PgStore::append(AuditEvent e) {
  Result<AuditEvent> out = Status::internal("not appended");
  RETURN_IF_ERROR(db_->transaction([&]() -> Status {
    out = appendInTxn(std::move(e));
    return out.status();
  }));
  return out;
}

Status PgStore::scan(int64_t from_seq, const std::function<Status(const AuditEvent&)>& fn) {
  // Pages of 1,000 so that memory stays flat on long chains.
  int64_t next = from_seq;
  while (true) {
    ASSIGN_OR_RETURN(PgResult r, db_->query(
        "SELECT seq, at, actor, action, object_type, object_id, payload, prev_hash, hash"
        " FROM audit_events WHERE seq >= $1 ORDER BY seq LIMIT 1000", {str(next)}));
    if (r.rows() == 0) return Status::ok();
    for (int i = 0; i < r.rows(); ++i) {
      AuditEvent e;
      e.seq = r.int64(i, 0);
      e.at = fromEpochMillis(r.int64(i, 1));
      e.actor = r.text(i, 2);
      e.action = r.text(i, 3);
      e.object_type = r.text(i, 4);
      e.object_id = r.text(i, 5);
      e.payload = Json::parse(r.text(i, 6), nullptr, false);
      if (e.payload.is_discarded()) {
        return Status::dataLoss("audit chain broken at seq " + str(e.seq) + ": payload is not valid JSON");
      }
      e.prev_hash = r.text(i, 7);
      e.hash = r.text(i, 8);
      RETURN_IF_ERROR(fn(e));
      next = e.seq + 1;
    }
  }
}

Result<int64_t> PgStore::count() {
  ASSIGN_OR_RETURN(PgResult r, db_->query("SELECT count(*) FROM audit_events"));
  return r.int64(0, 0);
}

Result<Organisation> PgStore::createOrganisation(const std::string& name, const core::Actor& actor) {
  if (name.empty()) return Status::invalidArgument("organisation name must not be empty", "name");
  Organisation o;
  o.name = name;
  o.created_at = clock_.now();
  RETURN_IF_ERROR(db_->transaction([&]() -> Status {
    auto r = db_->query("INSERT INTO organisations(name, created_at) VALUES ($1,$2) RETURNING id",
                        {name, str(toEpochMillis(o.created_at))});
    if (r.status().code() == StatusCode::kAlreadyExists) {
      return Status::alreadyExists("an organisation named '" + name + "' exists", "name");
    }
    RETURN_IF_ERROR(r);
    o.id = OrgId(r->int64(0, 0));
    return audit(actor, "organisation.create", "organisation", o.id.str(), Json{{"name", name}});
  }));
  return o;
}

Result<Organisation> PgStore::getOrganisation(OrgId id) {
  ASSIGN_OR_RETURN(PgResult r, db_->query("SELECT id, name, created_at FROM organisations WHERE id=$1",
                                          {id.str()}));
  if (r.rows() == 0) return Status::notFound("no organisation with id " + id.str(), "org_id");
  return Organisation{OrgId(r.int64(0, 0)), r.text(0, 1), fromEpochMillis(r.int64(0, 2))};
}

Result<std::vector<Organisation>> PgStore::listOrganisations() {
  ASSIGN_OR_RETURN(PgResult r, db_->query("SELECT id, name, created_at FROM organisations ORDER BY id"));
  std::vector<Organisation> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({OrgId(r.int64(i, 0)), r.text(i, 1), fromEpochMillis(r.int64(i, 2))});
  return out;
}

Result<Campaign> PgStore::createCampaign(Campaign c, const core::Actor& actor) {
  RETURN_IF_ERROR(core::validate(c));
  RETURN_IF_ERROR(core::validateForWrite(c));
  RETURN_IF_ERROR(getOrganisation(c.org_id));
  c.state = core::CampaignState::kDraft;
  c.created_at = c.updated_at = clock_.now();
  RETURN_IF_ERROR(db_->transaction([&]() -> Status {
    ASSIGN_OR_RETURN(PgResult r, db_->query(
        "INSERT INTO campaigns(org_id, name, purpose, dial_mode, state, settings, created_at, updated_at)"
        " VALUES ($1,$2,$3,$4,$5,'{}',$6,$7) RETURNING id",
        {c.org_id.str(), c.name, std::string(core::toString(c.purpose)),
         std::string(core::toString(c.dial_mode)), std::string(core::toString(c.state)),
         str(toEpochMillis(c.created_at)), str(toEpochMillis(c.updated_at))}));
    c.id = CampaignId(r.int64(0, 0));
    RETURN_IF_ERROR(writeCampaign(c));
    for (auto& d : core::defaultDispositions()) {
      RETURN_IF_ERROR(db_->exec(
          "INSERT INTO campaign_dispositions(campaign_id, code, label, final, do_not_call) VALUES ($1,$2,$3,$4,$5)",
          {c.id.str(), d.code, d.label, std::string(d.final ? "t" : "f"), std::string(d.do_not_call ? "t" : "f")}));
    }
    return audit(actor, "campaign.create", "campaign", c.id.str(), core::toJson(c));
  }));
  return c;
}

Status PgStore::writeCampaign(const Campaign& c) {
  return db_->exec("UPDATE campaigns SET name=$1, purpose=$2, dial_mode=$3, state=$4, settings=$5, updated_at=$6"
                   " WHERE id=$7",
                   {c.name, std::string(core::toString(c.purpose)), std::string(core::toString(c.dial_mode)),
                    std::string(core::toString(c.state)), canonicalJson(core::toJson(c)),
                    str(toEpochMillis(c.updated_at)), c.id.str()});
}

Result<Campaign> PgStore::getCampaign(CampaignId id) {
  ASSIGN_OR_RETURN(PgResult r, db_->query("SELECT settings FROM campaigns WHERE id=$1", {id.str()}));
  if (r.rows() == 0) return Status::notFound("no campaign with id " + id.str(), "campaign_id");
  Json j = Json::parse(r.text(0, 0), nullptr, false);
  if (j.is_discarded()) return Status::dataLoss("campaign " + id.str() + ": settings corrupt");
  return core::campaignFromJson(j);
}

Result<std::vector<Campaign>> PgStore::listCampaigns(OrgId org) {
  ASSIGN_OR_RETURN(PgResult r, db_->query(
      "SELECT settings FROM campaigns WHERE ($1 = 0 OR org_id = $1) ORDER BY id", {org.str()}));
  std::vector<Campaign> out;
  for (int i = 0; i < r.rows(); ++i) {
    Json j = Json::parse(r.text(i, 0), nullptr, false);
    if (j.is_discarded()) return Status::dataLoss("campaign settings corrupt");
    ASSIGN_OR_RETURN(Campaign c, core::campaignFromJson(j));
    out.push_back(std::move(c));
  }
  return out;
}

Result<Campaign> PgStore::updateCampaign(const Campaign& in, const core::Actor& actor) {
  RETURN_IF_ERROR(core::validate(in));
  Campaign c = in;
  RETURN_IF_ERROR(db_->transaction([&]() -> Status {
    RETURN_IF_ERROR(db_->exec("SELECT 1 FROM campaigns WHERE id=$1 FOR UPDATE", {in.id.str()}));
    ASSIGN_OR_RETURN(Campaign before, getCampaign(in.id));
    RETURN_IF_ERROR(core::validateForWrite(in, &before));
    // A finished campaign's settings are the record of how it called (its
    // script, hours, caller ID): not rewritten afterwards, as its lists are not.
    if (before.state == core::CampaignState::kFinished)
      return Status::failedPrecondition("a finished campaign cannot be changed", "state");
    c.org_id = before.org_id;
    c.state = before.state;
    c.created_at = before.created_at;
    c.updated_at = clock_.now();
    RETURN_IF_ERROR(writeCampaign(c));
    return audit(actor, "campaign.update", "campaign", c.id.str(),
                 Json{{"changes", core::campaignChanges(before, c)}});
  }));
  return c;
}

Result<Campaign> PgStore::changeCampaignState(CampaignId id, core::CampaignEvent ev, const core::Actor& actor) {
  Campaign c;
  RETURN_IF_ERROR(db_->transaction([&]() -> Status {
    RETURN_IF_ERROR(db_->exec("SELECT 1 FROM campaigns WHERE id=$1 FOR UPDATE", {id.str()}));
    ASSIGN_OR_RETURN(c, getCampaign(id));
    auto from = c.state;
    ASSIGN_OR_RETURN(c.state, core::transition(from, ev));
    c.updated_at = clock_.now();
    RETURN_IF_ERROR(writeCampaign(c));
    return audit(actor, "campaign.state", "campaign", id.str(),
                 Json{{"event", core::toString(ev)}, {"from", core::toString(from)},
                      {"to", core::toString(c.state)}});
  }));
  return c;
}

}  // namespace clearline::storage
