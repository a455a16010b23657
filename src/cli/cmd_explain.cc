// clearline explain CALL_ID: "why was this call allowed, and who made it?",
// answered from stored data alone — the call record's provenance, the exact
// registry versions its snapshot hash covers (each checked against its
// record_hash and its audit event), and the gates re-evaluated on them.
#include <iostream>
#include <regex>

#include "cli/vendor_cli.h"
#include "common/sha256.h"
#include "common/time_util.h"
#include "core/vendor/gates.h"

namespace clearline::cli {
namespace {

namespace v = core::vendor;

void run(const GlobalOptions& g, int64_t call_id) {
  auto ctx = openContext(g);
  if (!ctx.isOk()) return (void)fail(g, ctx.status());
  auto& db = (*ctx)->store->db();
  auto q = db.prepare(
      "SELECT c.campaign_id, c.called_number, coalesce(c.dialed_at, c.queued_at), c.authorization_id,"
      " c.engagement_path, c.vetting_snapshot_hash, c.site_id, c.caller_ref, c.worker_category, c.state,"
      " c.disposition, c.dial_mode, c.purpose_class, p.name"
      " FROM calls c JOIN campaigns p ON p.id = c.campaign_id WHERE c.id = ?");
  if (!q.isOk()) return (void)fail(g, q.status());
  q->bind(1, call_id);
  auto row = q->step();
  if (!row.isOk()) return (void)fail(g, row.status());
  if (!*row) return (void)fail(g, Status::notFound("no call " + std::to_string(call_id), "call_id"));
  const int64_t campaign = q->int64(0);
  const TimePoint dialed = fromEpochMillis(q->optInt64(2).value_or(0));
  const std::string auth = q->text(3), snap_hash = q->text(5), caller = q->text(7);
  Json path = Json::parse(q->text(4).empty() ? "[]" : q->text(4), nullptr, false);
  Json out{{"call_id", call_id},
           {"campaign", {{"id", campaign}, {"name", q->text(13)}, {"purpose", q->text(12)}}},
           {"called_number", q->text(1)},
           {"dialed_at", formatIsoUtc(dialed)},
           {"dial_mode", q->text(11)},
           {"state", q->text(9)},
           {"disposition", q->text(10)}};
  if (caller.empty() || snap_hash.empty()) {
    out["who"] = nullptr;
    out["why"] = {{"authorization_id", auth}, {"vendor_chain", "no caller provenance on this call (not routed to a caller)"}};
    if (g.json) printJson(out);
    else std::cout << out.dump(2) << "\n";
    return;
  }
  auto store = vendorStore(**ctx);
  auto snap = store.snapshot(snap_hash);
  if (!snap.isOk()) return (void)fail(g, snap.status());
  // Rebuild a registry of exactly the versions the snapshot covers, verifying each.
  v::Registry reg;
  Json versions = Json::array();
  bool all_ok = snap->has_value();
  std::vector<std::string> labels;
  if (snap->has_value()) {
    static const std::regex kLabel(R"(^([a-z]+):(.+)@(\d+)#([0-9a-f]{64})$)");
    for (auto& l : **snap) {
      std::string label = l.get<std::string>();
      labels.push_back(label);
      std::smatch m;
      Json vj{{"version", label}};
      if (!std::regex_match(label, m, kLabel)) {
        vj["ok"] = false;
        all_ok = false;
        versions.push_back(vj);
        continue;
      }
      auto s = db.prepare("SELECT valid_from, data, record_hash, audit_seq, recorded_by FROM vendor_records"
                          " WHERE kind=? AND id=? AND version=?");
      if (!s.isOk()) return (void)fail(g, s.status());
      s->bind(1, m[1].str()).bind(2, m[2].str()).bind(3, static_cast<int64_t>(std::stoll(m[3].str())));
      auto found = s->step();
      if (!found.isOk() || !*found) {
        vj["ok"] = false;
        vj["detail"] = "version not in the store";
        all_ok = false;
        versions.push_back(vj);
        continue;
      }
      v::RecordVersion rv;
      rv.kind = *v::parseRecordKind(m[1].str());
      rv.id = m[2].str();
      rv.version = std::stoi(m[3].str());
      rv.valid_from = fromEpochMillis(s->int64(0));
      rv.data = Json::parse(s->text(1), nullptr, false);
      rv.record_hash = v::computeRecordHash(rv);
      bool ok = rv.record_hash == s->text(2) && rv.record_hash == m[4].str();
      all_ok = all_ok && ok;
      vj["ok"] = ok;
      vj["audit_seq"] = s->int64(3);
      vj["recorded_by"] = s->text(4);
      versions.push_back(vj);
      if (ok) (void)reg.add(rv);
    }
  }
  auto ev = v::evaluateGates(reg, CampaignId(campaign), caller, dialed);
  const auto& d = ev.decision;
  // Who: names from the versions themselves.
  auto* c = reg.caller(caller, dialed);
  auto* site = c ? reg.site(c->rec.site_id, dialed) : nullptr;
  Json chain = Json::array();
  int tier = 0;
  for (auto& eid : path) {
    ++tier;
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
                {"worker_category", q->text(8)},
                {"site", site ? Json{{"id", site->rec.id},
                                     {"name", site->rec.name},
                                     {"type", v::toString(site->rec.site_type)},
                                     {"city", site->rec.address.city},
                                     {"state", site->rec.address.state}}
                              : Json(q->text(6))},
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
  if (g.json) return printJson(out);
  std::cout << "call " << call_id << " to " << q->text(1) << " on campaign " << campaign << " (" << q->text(13)
            << "), dialed " << formatIsoUtc(dialed) << "\n\nWHO MADE IT\n  caller " << caller << " ("
            << q->text(8) << ")";
  if (site)
    std::cout << " at " << site->rec.name << " [" << v::siteTypeLabel(site->rec.site_type) << ", "
              << site->rec.address.city << ", " << site->rec.address.state << "]";
  std::cout << "\n";
  for (auto& x : chain)
    std::cout << "  tier " << x["tier"] << ": " << x.value("entity", std::string("?")) << ", engaged by "
              << x.value("engaged_by", std::string("?")) << " (contract " << x.value("contract_ref", std::string("?"))
              << ", consent: " << (x.contains("campaign_consent") ? x["campaign_consent"].get<std::string>() : "?") << ")\n";
  std::cout << "\nWHY IT WAS ALLOWED\n  compliance authorization: " << (auth.empty() ? "(none recorded)" : auth) << "\n";
  for (auto& r : d.gates) std::cout << "  " << (r.passed ? "pass " : "FAIL ") << r.gate << "  " << r.detail << "\n";
  std::cout << "\nPROVENANCE\n  snapshot " << snap_hash << "\n  "
            << (out["provenance"]["verified"].get<bool>() ? "verified: the stored record versions reproduce this hash"
                                                          : "NOT VERIFIED: the stored versions do not reproduce this hash")
            << " (" << versions.size() << " versions)\n";
}

void registerExplain(CLI::App& root, GlobalOptions& g) {
  auto id = std::make_shared<int64_t>(0);
  auto* cmd = root.add_subcommand("explain", "Why was this call allowed, and who made it? (from stored data alone)");
  addGlobalFlags(cmd, g);
  cmd->add_option("call_id", *id, "Call id")->required();
  cmd->callback([&g, id] { run(g, *id); });
}

const RegisterCommand kRegister(registerExplain);

}  // namespace
}  // namespace clearline::cli
