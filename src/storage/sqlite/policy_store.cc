#include "storage/sqlite/policy_store.h"

#include "core/policy/business_days.h"
#include "storage/sqlite/sqlite_store.h"

namespace clearline::storage {

namespace cp = core::policy;

Result<cp::InternalDncEntry> SqlitePolicyStore::addInternalDnc(cp::InternalDncEntry e, const core::Actor& actor) {
  RETURN_IF_ERROR(db_.transaction([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt s, db_.prepare(
        "INSERT INTO internal_dnc(scope, scope_id, e164, source, requested_at, recorded_at, honour_by, expires_at)"
        " VALUES (?,?,?,?,?,?,?,?)"));
    s.bind(1, std::string(cp::toString(e.scope))).bind(2, e.scope_id).bind(3, e.e164).bind(4, e.source);
    s.bind(5, toEpochMillis(e.requested_at)).bind(6, toEpochMillis(e.recorded_at)).bind(7, toEpochMillis(e.honour_by));
    if (e.expires_at) s.bind(8, toEpochMillis(*e.expires_at));
    else s.bindNull(8);
    RETURN_IF_ERROR(s.run());
    e.id = db_.lastInsertId();
    return audit(db_, clock_, actor, "dnc.add", "internal_dnc", std::to_string(e.id),
                 Json{{"scope", cp::toString(e.scope)}, {"scope_id", e.scope_id}, {"e164", e.e164}, {"source", e.source},
                      {"requested_at", toEpochMillis(e.requested_at)}, {"honour_by", toEpochMillis(e.honour_by)}});
  }));
  return e;
}

Result<int> SqlitePolicyStore::removeInternalDnc(cp::DncScope scope, int64_t scope_id, const std::string& e164,
                                                 const core::Actor& actor) {
  int n = 0;
  RETURN_IF_ERROR(db_.transaction([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt s, db_.prepare("UPDATE internal_dnc SET removed_at=? WHERE scope=? AND scope_id=? AND e164=? "
                                         "AND removed_at IS NULL"));
    s.bind(1, toEpochMillis(clock_.now())).bind(2, std::string(cp::toString(scope))).bind(3, scope_id).bind(4, e164);
    RETURN_IF_ERROR(s.run());
    n = db_.changes();
    return audit(db_, clock_, actor, "dnc.remove", "internal_dnc", e164,
                 Json{{"scope", cp::toString(scope)}, {"scope_id", scope_id}, {"removed", n}});
  }));
  return n;
}

Result<bool> SqlitePolicyStore::addCalleeDncRequest(OrgId org, const std::string& e164, CallId call,
                                                    const core::Actor& actor) {
  bool added = false;
  RETURN_IF_ERROR(db_.transaction([&]() -> Status {
    ASSIGN_OR_RETURN(
        Stmt q,
        db_.prepare(
            "SELECT 1 FROM internal_dnc WHERE scope='organisation' AND scope_id=? AND e164=?"
            " AND removed_at IS NULL LIMIT 1"));
    q.bind(1, org.value).bind(2, e164);
    ASSIGN_OR_RETURN(bool on, q.step());
    if (on) return Status::ok();
    cp::InternalDncEntry e;
    e.scope = cp::DncScope::kOrganisation;
    e.scope_id = org.value;
    e.e164 = e164;
    e.source = "callee request on call " + call.str();
    e.recorded_at = e.requested_at = clock_.now();
    e.honour_by = cp::addBusinessDays(e.requested_at, 10);
    ASSIGN_OR_RETURN(auto stored, addInternalDnc(e, actor));
    (void)stored;
    added = true;
    return Status::ok();
  }));
  return added;
}

Result<std::string> SqlitePolicyStore::internalDncVersion() {
  ASSIGN_OR_RETURN(Stmt s, db_.prepare("SELECT gen FROM internal_dnc_generation WHERE id = 1"));
  ASSIGN_OR_RETURN(bool row, s.step());
  return row ? std::to_string(s.int64(0)) : std::string();
}

Status SqlitePolicyStore::loadInternalDnc(cp::InternalDnc& out, TimePoint) {
  ASSIGN_OR_RETURN(Stmt s, db_.prepare("SELECT id, scope, scope_id, e164, source, requested_at, recorded_at, honour_by, "
                                       "expires_at FROM internal_dnc WHERE removed_at IS NULL"));
  for (;;) {
    ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) break;
    cp::InternalDncEntry e;
    e.id = s.int64(0);
    ASSIGN_OR_RETURN(e.scope, cp::parseDncScope(s.text(1)));
    e.scope_id = s.int64(2);
    e.e164 = s.text(3);
    e.source = s.text(4);
    e.requested_at = fromEpochMillis(s.int64(5));
    e.recorded_at = fromEpochMillis(s.int64(6));
    e.honour_by = fromEpochMillis(s.int64(7));
    if (auto x = s.optInt64(8)) e.expires_at = fromEpochMillis(*x);
    out.add(std::move(e));
  }
  return Status::ok();
}

Result<int64_t> SqlitePolicyStore::countInternalDnc(cp::DncScope scope) {
  ASSIGN_OR_RETURN(Stmt s, db_.prepare("SELECT COUNT(*) FROM internal_dnc WHERE scope=? AND removed_at IS NULL"));
  s.bind(1, std::string(cp::toString(scope)));
  ASSIGN_OR_RETURN(bool row, s.step());
  return row ? s.int64(0) : 0;
}

Status SqlitePolicyStore::logSnapshot(const SnapshotLogRow& r, const core::Actor& actor) {
  return db_.transaction([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt s, db_.prepare(
        "INSERT OR REPLACE INTO dnc_snapshots(id, registry, kind, as_of, full_loaded_at, numbers, records, area_codes,"
        " files, loaded_at) VALUES (?,?,?,?,?,?,?,?,?,?)"));
    s.bind(1, r.id).bind(2, r.registry).bind(3, r.kind).bind(4, toEpochMillis(r.as_of));
    s.bind(5, toEpochMillis(r.full_loaded_at)).bind(6, r.numbers).bind(7, r.records).bind(8, r.area_codes.dump());
    s.bind(9, r.files.dump()).bind(10, toEpochMillis(r.loaded_at));
    RETURN_IF_ERROR(s.run());
    return audit(db_, clock_, actor, "dnc.registry_import", "dnc_snapshot", r.id,
                 Json{{"registry", r.registry}, {"kind", r.kind}, {"numbers", r.numbers}, {"records", r.records},
                      {"files", r.files}});
  });
}

Result<std::vector<SnapshotLogRow>> SqlitePolicyStore::listSnapshots(const std::string& registry, int limit) {
  ASSIGN_OR_RETURN(Stmt s, db_.prepare("SELECT id, registry, kind, as_of, full_loaded_at, numbers, records, area_codes,"
                                       " files, loaded_at FROM dnc_snapshots WHERE registry=? ORDER BY loaded_at DESC,"
                                       " rowid DESC LIMIT ?"));
  s.bind(1, registry).bind(2, limit);
  std::vector<SnapshotLogRow> out;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) break;
    SnapshotLogRow r;
    r.id = s.text(0);
    r.registry = s.text(1);
    r.kind = s.text(2);
    r.as_of = fromEpochMillis(s.int64(3));
    r.full_loaded_at = fromEpochMillis(s.int64(4));
    r.numbers = s.int64(5);
    r.records = s.int64(6);
    r.area_codes = Json::parse(s.text(7), nullptr, false);
    r.files = Json::parse(s.text(8), nullptr, false);
    r.loaded_at = fromEpochMillis(s.int64(9));
    out.push_back(std::move(r));
  }
  return out;
}

Status SqlitePolicyStore::saveAuthorization(const cp::AuthorizationRecord& r) {
  return db_.transaction([&]() -> Status {
    Json evaluated = Json::array();
    for (const auto* v : r.evaluated) {
      evaluated.push_back(v->ref);
      ASSIGN_OR_RETURN(Stmt* vs, db_.cached(
          "INSERT OR IGNORE INTO policy_rule_versions(ref, rule_id, version, jurisdiction, effective_from, citation,"
          " params, content_hash, source, first_used_at) VALUES (?,?,?,?,?,?,?,?,?,?)"));
      vs->bind(1, v->ref).bind(2, v->id).bind(3, v->version).bind(4, v->jurisdiction);
      vs->bind(5, toEpochMillis(v->effective_from)).bind(6, v->citation).bind(7, canonicalJson(v->params));
      vs->bind(8, v->content_hash).bind(9, v->source).bind(10, toEpochMillis(r.at));
      RETURN_IF_ERROR(vs->run());
    }
    ASSIGN_OR_RETURN(Stmt* s, db_.cached(
        "INSERT INTO authorizations(id, at, campaign_id, contact_id, e164, purpose, dial_mode, prerecorded, line_type,"
        " consent, rnd_status, verdict, rules, reason, until, route_to_mode, locations, registry_snapshot, ruleset,"
        " evaluated) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
    s->bind(1, r.id).bind(2, toEpochMillis(r.at));
    if (r.campaign.valid()) s->bind(3, r.campaign.value);
    else s->bindNull(3);
    if (r.contact.valid()) s->bind(4, r.contact.value);
    else s->bindNull(4);
    s->bind(5, r.e164).bind(6, std::string(core::toString(r.purpose))).bind(7, std::string(core::toString(r.mode)));
    s->bind(8, r.prerecorded ? 1 : 0).bind(9, std::string(core::toString(r.line_type)));
    s->bind(10, std::string(core::toString(r.consent))).bind(11, std::string(core::toString(r.rnd)));
    s->bind(12, std::string(core::toString(r.verdict))).bind(13, Json(r.rules).dump()).bind(14, r.reason);
    if (r.until) s->bind(15, toEpochMillis(*r.until));
    else s->bindNull(15);
    if (r.route_to_mode) s->bind(16, std::string(core::toString(*r.route_to_mode)));
    else s->bindNull(16);
    s->bind(17, Json(r.locations()).dump());
    if (r.registry_snapshot.empty()) s->bindNull(18);
    else s->bind(18, r.registry_snapshot);
    s->bind(19, r.book ? r.book->hash() : std::string()).bind(20, evaluated.dump());
    return s->run();
  });
}

Result<Json> SqlitePolicyStore::getAuthorization(const std::string& id) {
  ASSIGN_OR_RETURN(Stmt s, db_.prepare("SELECT verdict, rules, reason, until, evaluated, ruleset, at FROM authorizations WHERE id=?"));
  s.bind(1, id);
  ASSIGN_OR_RETURN(bool row, s.step());
  if (!row) return Status::notFound("no authorization " + id, "id");
  Json j{{"id", id}, {"verdict", s.text(0)}, {"rules", Json::parse(s.text(1), nullptr, false)}, {"reason", s.text(2)},
         {"evaluated", Json::parse(s.text(4), nullptr, false)}, {"ruleset", s.text(5)}, {"at", s.int64(6)}};
  if (!s.isNull(3)) j["until"] = s.int64(3);
  return j;
}

Status SqlitePolicyStore::loadHistory(cp::CallHistory& out, TimePoint now) {
  ASSIGN_OR_RETURN(Stmt s, db_.prepare(
      "SELECT c.called_number, c.campaign_id, k.org_id, COALESCE(c.subject_key,''), COALESCE(c.dialed_at, c.queued_at),"
      " c.voice_type, COALESCE(c.answered_by,''), c.abandoned, COALESCE(c.amd_result,''), COALESCE(c.disposition,'')"
      " FROM calls c JOIN campaigns k ON k.id = c.campaign_id"
      " WHERE COALESCE(c.dialed_at, c.queued_at) >= ?"));
  s.bind(1, toEpochMillis(now - cp::CallHistory::kKeep));
  for (;;) {
    ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) break;
    core::CompletedDial o;
    o.e164 = s.text(0);
    o.campaign_id = CampaignId(s.int64(1));
    o.org_id = OrgId(s.int64(2));
    o.subject_key = s.text(3);
    o.at = fromEpochMillis(s.int64(4));
    o.prerecorded = s.text(5) != "live";
    o.live_answered = s.text(6) == "human";
    o.abandoned = s.int64(7) != 0;
    o.machine = s.text(6) == "machine" || s.text(8) == "machine";
    o.disposition = s.text(9);
    out.add(o);
  }
  return Status::ok();
}

Status SqliteAbandonmentLedger::load(TimePoint now) {
  ASSIGN_OR_RETURN(Stmt s, db_.prepare("SELECT call_id, campaign_id, answered_at, abandoned, amd_false_positive"
                                       " FROM abandonment_ledger WHERE answered_at >= ? ORDER BY answered_at"));
  s.bind(1, toEpochMillis(now - cp::InMemoryAbandonmentLedger::k30d - cp::InMemoryAbandonmentLedger::k24h));
  for (;;) {
    ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) break;
    mem_.recordLiveAnswer(CampaignId(s.int64(1)), CallId(s.int64(0)), fromEpochMillis(s.int64(2)), s.int64(3) != 0,
                          s.int64(4) != 0);
  }
  return Status::ok();
}

void SqliteAbandonmentLedger::recordLiveAnswer(CampaignId campaign, CallId call, TimePoint answered_at, bool abandoned,
                                               bool amd_false_positive) {
  mem_.recordLiveAnswer(campaign, call, answered_at, abandoned, amd_false_positive);
  auto st = [&]() -> Status {
    ASSIGN_OR_RETURN(Stmt* s, db_.cached("INSERT OR REPLACE INTO abandonment_ledger(call_id, campaign_id, answered_at,"
                                         " abandoned, amd_false_positive) VALUES (?,?,?,?,?)"));
    s->bind(1, call.value).bind(2, campaign.value).bind(3, toEpochMillis(answered_at));
    s->bind(4, abandoned ? 1 : 0).bind(5, amd_false_positive ? 1 : 0);
    return s->run();
  }();
  if (!st.isOk()) last_error_ = st;
}

}  // namespace clearline::storage
