#include "storage/sqlite/sqlite_store.h"

#include "core/contact/contact.h"
#include "storage/sqlite/migrations.h"

namespace clearline::storage {

using core::AuditEvent;
using core::Campaign;
using core::Organisation;

Result<AuditEvent> appendAudit(SqliteDb& db, AuditEvent e) {
  assert(db.inTransaction() && "appendAudit must run inside a transaction");
  ASSIGN_OR_RETURN(Stmt* head, db.cached("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1"));
  ASSIGN_OR_RETURN(bool has, head->step());
  AuditEvent prev;
  if (has) {
    prev.seq = head->int64(0);
    prev.hash = head->text(1);
  }
  head->reset();
  core::sealEvent(has ? &prev : nullptr, e);
  ASSIGN_OR_RETURN(Stmt* ins, db.cached(
      "INSERT INTO audit_events(seq, at, actor, action, object_type, object_id, payload, prev_hash, hash)"
      " VALUES (?,?,?,?,?,?,?,?,?)"));
  ins->bind(1, e.seq).bind(2, toEpochMillis(e.at)).bind(3, e.actor).bind(4, e.action)
      .bind(5, e.object_type).bind(6, e.object_id).bind(7, canonicalJson(e.payload))
      .bind(8, e.prev_hash).bind(9, e.hash);
  RETURN_IF_ERROR(ins->run());
  return e;
}

Status audit(SqliteDb& db, const Clock& clock, const core::Actor& actor, std::string action,
             std::string object_type, std::string object_id, Json payload) {
  return appendAudit(db, core::makeAuditEvent(clock.now(), actor, std::move(action),
                                              std::move(object_type), std::move(object_id),
                                              std::move(payload)))
      .status();
}

Result<AuditEvent> SqliteAuditLog::append(AuditEvent e) {
  Result<AuditEvent> out = Status::internal("not appended");
  RETURN_IF_ERROR(db_.transaction([&]() -> Status {
    out = appendAudit(db_, std::move(e));
    return out.status();
  }));
  return out;
}

Status SqliteAuditLog::scan(int64_t from_seq, const std::function<Status(const AuditEvent&)>& fn) {
  ASSIGN_OR_RETURN(Stmt s, db_.prepare(
      "SELECT seq, at, actor, action, object_type, object_id, payload, prev_hash, hash"
      " FROM audit_events WHERE seq >= ? ORDER BY seq"));
  s.bind(1, from_seq);
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) break;
    AuditEvent e;
    e.seq = s.int64(0);
    e.at = fromEpochMillis(s.int64(1));
    e.actor = s.text(2);
    e.action = s.text(3);
    e.object_type = s.text(4);
    e.object_id = s.text(5);
    e.payload = Json::parse(s.text(6), nullptr, /*allow_exceptions=*/false);
    if (e.payload.is_discarded()) {
      return Status::dataLoss("audit chain broken at seq " + std::to_string(e.seq) +
                              ": payload is not valid JSON");
    }
    e.prev_hash = s.text(7);
    e.hash = s.text(8);
    RETURN_IF_ERROR(fn(e));
  }
  return Status::ok();
}

Result<int64_t> SqliteAuditLog::count() {
  ASSIGN_OR_RETURN(Stmt s, db_.prepare("SELECT count(*) FROM audit_events"));
  ASSIGN_OR_RETURN(bool row, s.step());
  (void)row;
  return s.int64(0);
}

Result<Organisation> SqliteCampaignStore::createOrganisation(const std::string& name,
                                                            const core::Actor& actor) {
  if (name.empty()) return Status::invalidArgument("organisation name must not be empty", "name");
  Organisation o;
  o.name = name;
  o.created_at = clock_.now();
  RETURN_IF_ERROR(db_.transaction([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt s, db_.prepare("INSERT INTO organisations(name, created_at) VALUES (?,?)"));
    s.bind(1, name).bind(2, toEpochMillis(o.created_at));
    Status st = s.run();
    if (st.code() == StatusCode::kAlreadyExists) {
      return Status::alreadyExists("an organisation named '" + name + "' exists", "name");
    }
    RETURN_IF_ERROR(st);
    o.id = OrgId(db_.lastInsertId());
    return audit(db_, clock_, actor, "organisation.create", "organisation", o.id.str(),
                 Json{{"name", name}});
  }));
  return o;
}

Result<Organisation> SqliteCampaignStore::getOrganisation(OrgId id) {
  ASSIGN_OR_RETURN(Stmt s, db_.prepare("SELECT id, name, created_at FROM organisations WHERE id=?"));
  s.bind(1, id.value);
  ASSIGN_OR_RETURN(bool row, s.step());
  if (!row) return Status::notFound("no organisation with id " + id.str(), "org_id");
  return Organisation{OrgId(s.int64(0)), s.text(1), fromEpochMillis(s.int64(2))};
}

Result<std::vector<Organisation>> SqliteCampaignStore::listOrganisations() {
  ASSIGN_OR_RETURN(Stmt s, db_.prepare("SELECT id, name, created_at FROM organisations ORDER BY id"));
  std::vector<Organisation> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) break;
    out.push_back({OrgId(s.int64(0)), s.text(1), fromEpochMillis(s.int64(2))});
  }
  return out;
}

Result<Campaign> SqliteCampaignStore::readCampaign(Stmt& s) {
  Json j = Json::parse(s.text(1), nullptr, false);
  if (j.is_discarded()) return Status::dataLoss("campaign " + std::to_string(s.int64(0)) + ": settings corrupt");
  ASSIGN_OR_RETURN(Campaign c, core::campaignFromJson(j));
  // The indexed columns are authoritative for what they hold.
  c.id = CampaignId(s.int64(0));
  c.org_id = OrgId(s.int64(2));
  ASSIGN_OR_RETURN(c.state, core::parseCampaignState(s.text(3)));
  c.created_at = fromEpochMillis(s.int64(4));
  c.updated_at = fromEpochMillis(s.int64(5));
  return c;
}

Result<Campaign> SqliteCampaignStore::createCampaign(Campaign c, const core::Actor& actor) {
  RETURN_IF_ERROR(core::validate(c));
  RETURN_IF_ERROR(core::validateForWrite(c));
  ASSIGN_OR_RETURN(auto org, getOrganisation(c.org_id));
  (void)org;
  c.state = core::CampaignState::kDraft;
  c.created_at = c.updated_at = clock_.now();
  RETURN_IF_ERROR(db_.transaction([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt s, db_.prepare(
        "INSERT INTO campaigns(org_id, name, purpose, dial_mode, state, settings, created_at, updated_at)"
        " VALUES (?,?,?,?,?,?,?,?)"));
    s.bind(1, c.org_id.value).bind(2, c.name).bind(3, core::toString(c.purpose))
        .bind(4, core::toString(c.dial_mode)).bind(5, core::toString(c.state))
        .bind(6, canonicalJson(core::toJson(c))).bind(7, toEpochMillis(c.created_at))
        .bind(8, toEpochMillis(c.updated_at));
    RETURN_IF_ERROR(s.run());
    c.id = CampaignId(db_.lastInsertId());
    // Seed the default dispositions.
    ASSIGN_OR_RETURN(Stmt d, db_.prepare(
        "INSERT INTO campaign_dispositions(campaign_id, code, label, final, do_not_call) VALUES (?,?,?,?,?)"));
    for (auto& disp : core::defaultDispositions()) {
      d.reset();
      d.bind(1, c.id.value).bind(2, disp.code).bind(3, disp.label).bind(4, disp.final ? 1 : 0)
          .bind(5, disp.do_not_call ? 1 : 0);
      RETURN_IF_ERROR(d.run());
    }
    return audit(db_, clock_, actor, "campaign.create", "campaign", c.id.str(), core::toJson(c));
  }));
  return c;
}

namespace {
constexpr const char* kSelectCampaign =
    "SELECT id, settings, org_id, state, created_at, updated_at FROM campaigns";
}

Result<Campaign> SqliteCampaignStore::getCampaign(CampaignId id) {
  ASSIGN_OR_RETURN(Stmt s, db_.prepare(std::string(kSelectCampaign) + " WHERE id=?"));
  s.bind(1, id.value);
  ASSIGN_OR_RETURN(bool row, s.step());
  if (!row) return Status::notFound("no campaign with id " + id.str(), "campaign_id");
  return readCampaign(s);
}

Result<std::vector<Campaign>> SqliteCampaignStore::listCampaigns(OrgId org) {
  ASSIGN_OR_RETURN(Stmt s, db_.prepare(std::string(kSelectCampaign) +
                                       " WHERE (?1 = 0 OR org_id = ?1) ORDER BY id"));
  s.bind(1, org.value);
  std::vector<Campaign> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) break;
    ASSIGN_OR_RETURN(Campaign c, readCampaign(s));
    out.push_back(std::move(c));
  }
  return out;
}

Result<Campaign> SqliteCampaignStore::updateCampaign(const Campaign& in, const core::Actor& actor) {
  RETURN_IF_ERROR(core::validate(in));
  Campaign c = in;
  RETURN_IF_ERROR(db_.transaction([&]() -> Status {
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
    Json diff = core::campaignChanges(before, c);
    ASSIGN_OR_RETURN(Stmt s, db_.prepare(
        "UPDATE campaigns SET name=?, purpose=?, dial_mode=?, settings=?, updated_at=? WHERE id=?"));
    s.bind(1, c.name).bind(2, core::toString(c.purpose)).bind(3, core::toString(c.dial_mode))
        .bind(4, canonicalJson(core::toJson(c))).bind(5, toEpochMillis(c.updated_at)).bind(6, c.id.value);
    RETURN_IF_ERROR(s.run());
    return audit(db_, clock_, actor, "campaign.update", "campaign", c.id.str(), Json{{"changes", diff}});
  }));
  return c;
}

Result<Campaign> SqliteCampaignStore::changeCampaignState(CampaignId id, core::CampaignEvent ev,
                                                          const core::Actor& actor) {
  Campaign c;
  RETURN_IF_ERROR(db_.transaction([&]() -> Status {
    ASSIGN_OR_RETURN(c, getCampaign(id));
    auto from = c.state;
    ASSIGN_OR_RETURN(c.state, core::transition(from, ev));
    c.updated_at = clock_.now();
    ASSIGN_OR_RETURN(Stmt s, db_.prepare("UPDATE campaigns SET state=?, settings=?, updated_at=? WHERE id=?"));
    s.bind(1, core::toString(c.state)).bind(2, canonicalJson(core::toJson(c)))
        .bind(3, toEpochMillis(c.updated_at)).bind(4, id.value);
    RETURN_IF_ERROR(s.run());
    return audit(db_, clock_, actor, "campaign.state", "campaign", id.str(),
                 Json{{"event", core::toString(ev)}, {"from", core::toString(from)},
                      {"to", core::toString(c.state)}});
  }));
  return c;
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path, const Clock& clock,
                                                       int busy_timeout_ms) {
  ASSIGN_OR_RETURN(auto db, SqliteDb::open(path, busy_timeout_ms));
  RETURN_IF_ERROR(migrate(*db));
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(db), clock));
}

}  // namespace clearline::storage
