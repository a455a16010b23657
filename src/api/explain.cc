#include "api/explain.h"

#include <regex>

#include "common/time_util.h"
#include "core/vendor/gates.h"
#include "storage/sqlite/vendor_store.h"

namespace clearline::api {

namespace {

namespace v = core::vendor;
using storage::SqliteDb;

Json parseOr(const std::string& text, Json fallback) {
  if (text.empty()) return fallback;
  Json j = Json::parse(text, nullptr, false);
  return j.is_discarded() ? fallback : j;
}

// The compliance authorization record `id` with every rule version it
// evaluated; null when the call names none or the record is not in the store.
Result<Json> authorizationJson(SqliteDb& db, const std::string& id) {
  if (id.empty()) return Json(nullptr);
  ASSIGN_OR_RETURN(auto s, db.prepare(
      "SELECT at, e164, purpose, dial_mode, prerecorded, line_type, consent, rnd_status, verdict, rules, reason,"
      " until, route_to_mode, locations, registry_snapshot, ruleset, evaluated FROM authorizations WHERE id=?"));
  s.bind(1, id);
  ASSIGN_OR_RETURN(bool row, s.step());
  if (!row) return Json{{"id", id}, {"found", false}, {"detail", "this authorization record is not in the store"}};
  Json deciding = parseOr(s.text(9), Json::array());
  Json evaluated = parseOr(s.text(16), Json::array());
  const std::string verdict = s.text(8);
  Json a{{"id", id},
         {"found", true},
         {"at", formatIsoUtc(fromEpochMillis(s.int64(0)))},
         {"number", s.text(1)},
         {"purpose", s.text(2)},
         {"dial_mode", s.text(3)},
         {"prerecorded", s.int64(4) != 0},
         {"line_type", s.text(5)},
         {"consent", s.text(6)},
         {"rnd_status", s.text(7)},
         {"verdict", verdict},
         {"deciding_rules", deciding},
         {"reason", s.text(10)},
         {"until", s.isNull(11) ? Json(nullptr) : Json(formatIsoUtc(fromEpochMillis(s.int64(11))))},
         {"route_to_mode", s.isNull(12) ? Json(nullptr) : Json(s.text(12))},
         {"locations", parseOr(s.text(13), Json::array())},
         {"registry_snapshot", s.isNull(14) ? Json(nullptr) : Json(s.text(14))},
         {"ruleset", s.text(15)}};
  ASSIGN_OR_RETURN(auto rv, db.prepare(
      "SELECT rule_id, version, jurisdiction, effective_from, citation, content_hash, source FROM policy_rule_versions"
      " WHERE ref=?"));
  Json rules = Json::array();
  for (auto& ref : evaluated) {
    if (!ref.is_string()) continue;
    const std::string r = ref.get<std::string>();
    rv.reset();
    rv.bind(1, r);
    ASSIGN_OR_RETURN(bool found, rv.step());
    Json rule{{"ref", r}};
    std::string rule_id = r.substr(0, r.find('@'));
    if (found) {
      rule_id = rv.text(0);
      rule["version"] = rv.int64(1);
      rule["jurisdiction"] = rv.text(2);
      rule["effective_from"] = formatIsoUtc(fromEpochMillis(rv.int64(3)));
      rule["citation"] = rv.text(4);
      rule["content_hash"] = rv.text(5);
      rule["source"] = rv.text(6);
    } else {
      rule["detail"] = "rule version not in the store";
    }
    rule["rule_id"] = rule_id;
    bool decided = false;
    for (auto& d : deciding)
      if (d.is_string() && d.get<std::string>() == rule_id) decided = true;
    rule["deciding"] = decided;
    // What is stored per rule: whether it decided the verdict. A rule that did
    // not decide an allow raised no objection.
    rule["verdict"] = decided ? verdict : (verdict == "allow" ? "no objection" : "not deciding");
    rules.push_back(rule);
  }
  a["rules"] = rules;
  return a;
}

}  // namespace

Result<Json> explainCall(SqliteDb& db, const Clock& clock, const std::string& data_dir, CallId call) {
  ASSIGN_OR_RETURN(auto q, db.prepare(
      "SELECT c.campaign_id, c.called_number, coalesce(c.dialed_at, c.queued_at), c.authorization_id,"
      " c.engagement_path, c.vetting_snapshot_hash, c.site_id, c.caller_ref, c.worker_category, c.state,"
      " c.disposition, c.dial_mode, c.purpose_class, p.name"
      " FROM calls c JOIN campaigns p ON p.id = c.campaign_id WHERE c.id = ?"));
  q.bind(1, call.value);
  ASSIGN_OR_RETURN(bool row, q.step());
  if (!row) return Status::notFound("no call " + call.str(), "call_id");
  const int64_t campaign = q.int64(0);
  const TimePoint dialed = fromEpochMillis(q.optInt64(2).value_or(0));
  const std::string auth = q.text(3), snap_hash = q.text(5), caller = q.text(7);
  Json path = parseOr(q.text(4), Json::array());
  Json out{{"call_id", call.value},
           {"campaign", {{"id", campaign}, {"name", q.text(13)}, {"purpose", q.text(12)}}},
           {"called_number", q.text(1)},
           {"dialed_at", formatIsoUtc(dialed)},
           {"dial_mode", q.text(11)},
           {"state", q.text(9)},
           {"disposition", q.text(10)}};
  ASSIGN_OR_RETURN(out["authorization"], authorizationJson(db, auth));
  if (caller.empty() || snap_hash.empty()) {
    out["who"] = caller.empty() ? Json(nullptr) : Json{{"caller_ref", caller}, {"site", q.text(6)}};
    out["why"] = {{"authorization_id", auth},
                  {"vendor_chain", caller.empty() ? "no caller provenance on this call (not routed to a caller)"
                                                  : "no vendor-chain snapshot on this call (the campaign has no vendor chain)"}};
    return out;
  }
  storage::SqliteVendorStore store(db, clock, data_dir);
  ASSIGN_OR_RETURN(auto snap, store.snapshot(snap_hash));
  // Rebuild a registry of exactly the versions the snapshot covers, verifying each.
  v::Registry reg;
  Json versions = Json::array();
  bool all_ok = snap.has_value();
  if (snap.has_value()) {
    static const std::regex kLabel(R"(^([a-z]+):(.+)@(\d+)#([0-9a-f]{64})$)");
    ASSIGN_OR_RETURN(auto s, db.prepare("SELECT valid_from, data, record_hash, audit_seq, recorded_by FROM vendor_records"
                                        " WHERE kind=? AND id=? AND version=?"));
    for (auto& l : *snap) {
      std::string label = l.is_string() ? l.get<std::string>() : l.dump();
      std::smatch m;
      Json vj{{"version", label}};
      auto kind = std::regex_match(label, m, kLabel) ? v::parseRecordKind(m[1].str())
                                                      : Result<v::RecordKind>(Status::invalidArgument("bad label"));
      if (!kind.isOk()) {
        vj["ok"] = false;
        all_ok = false;
        versions.push_back(vj);
        continue;
      }
      s.reset();
      s.bind(1, m[1].str()).bind(2, m[2].str()).bind(3, static_cast<int64_t>(std::stoll(m[3].str())));
      auto found = s.step();
      if (!found.isOk() || !*found) {
        vj["ok"] = false;
        vj["detail"] = "version not in the store";
        all_ok = false;
        versions.push_back(vj);
        continue;
      }
      v::RecordVersion rv;
      rv.kind = *kind;
      rv.id = m[2].str();
      rv.version = std::stoi(m[3].str());
      rv.valid_from = fromEpochMillis(s.int64(0));
      rv.data = parseOr(s.text(1), Json::object());
      rv.record_hash = v::computeRecordHash(rv);
      bool ok = rv.record_hash == s.text(2) && rv.record_hash == m[4].str();
      all_ok = all_ok && ok;
      vj["ok"] = ok;
      vj["audit_seq"] = s.int64(3);
      vj["recorded_by"] = s.text(4);
      versions.push_back(vj);
      if (ok) (void)reg.add(rv);
    }
  }
  auto ev = v::evaluateGates(reg, CampaignId(campaign), caller, dialed);
  const auto& d = ev.decision;
  auto* c = reg.caller(caller, dialed);
  auto* site = c ? reg.site(c->rec.site_id, dialed) : nullptr;
  Json chain = Json::array();
  int tier = 0;
  for (auto& eid : path) {
    ++tier;
    if (!eid.is_string()) continue;
    auto* e = reg.engagement(eid.get<std::string>(), dialed);
    if (!e) {
      chain.push_back({{"tier", tier}, {"engagement_id", eid}});
      continue;
    }
    auto* ent = reg.entity(e->rec.agent_entity_id, dialed);
    auto* pr = e->rec.principal_entity_id.empty() ? nullptr : reg.entity(e->rec.principal_entity_id, dialed);
    chain.push_back({{"tier", tier},
                     {"engagement_id", e->rec.id},
                     {"contract_ref", e->rec.contract_ref},
                     {"engaged_by", pr ? pr->rec.legal_name : "the campaign"},
                     {"entity", ent ? ent->rec.legal_name : e->rec.agent_entity_id},
                     {"campaign_consent", e->rec.campaign_consent ? Json(e->rec.campaign_consent->consented_by + ", " +
                                                                         formatIsoUtc(e->rec.campaign_consent->date))
                                                                  : Json(tier > 1 ? "none" : "n/a (prime)")}});
  }
  out["who"] = {{"caller_ref", caller},
                {"worker_category", q.text(8)},
                {"site", site ? Json{{"id", site->rec.id},
                                     {"name", site->rec.name},
                                     {"type", v::toString(site->rec.site_type)},
                                     {"type_label", v::siteTypeLabel(site->rec.site_type)},
                                     {"city", site->rec.address.city},
                                     {"state", site->rec.address.state}}
                              : Json(q.text(6))},
                {"chain", chain}};
  Json gates = Json::array();
  for (auto& r : d.gates) gates.push_back({{"id", r.gate}, {"passed", r.passed}, {"detail", r.detail}});
  out["why"] = {{"authorization_id", auth},
                {"vendor_gates_allowed", d.allowed},
                {"vendor_gates", gates},
                {"reason", d.reason}};
  out["provenance"] = {{"vetting_snapshot_hash", snap_hash},
                       {"recomputed_hash", d.vetting_snapshot_hash},
                       {"verified", all_ok && d.vetting_snapshot_hash == snap_hash},
                       {"record_versions", versions}};
  return out;
}

}  // namespace clearline::api
