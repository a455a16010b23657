#include "core/vendor/disclosure.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include "common/csv_write.h"
#include "common/time_util.h"
#include "core/vendor/gates.h"

namespace clearline::core::vendor {
namespace {

double round2(double v) { return static_cast<double>(static_cast<int64_t>(v * 100 + (v >= 0 ? 0.5 : -0.5))) / 100.0; }

Json entityJson(const Registry& reg, const std::string& id, TimePoint t) {
  auto* e = reg.entity(id, t);
  const Entity* rec = e ? &e->rec : nullptr;
  Entity fallback;
  if (!rec) {
    auto* l = reg.latest(RecordKind::kEntity, id);
    if (l) {
      auto p = parseEntity(l->data);
      if (p.isOk()) fallback = *p;
    }
    rec = &fallback;
  }
  return Json{{"entity_id", id},
              {"legal_name", rec->legal_name.empty() ? id : rec->legal_name},
              {"entity_type", rec->legal_name.empty() ? "" : std::string(toString(rec->entity_type))},
              {"city", rec->address.city},
              {"state", rec->address.state},
              {"country", rec->address.country}};
}

std::string money(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string esc(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default: o += c;
    }
  }
  return o;
}

std::string str(const Json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_null()) return "";
  return j.dump();
}

}  // namespace

Json buildDisclosure(const Registry& reg, const DisclosureInputs& in) {
  const TimePoint as_of = std::min(in.to - Millis(1), in.generated_at);
  CampaignId cid(in.campaign_id);
  const RecordVersion* pol_v = nullptr;
  Policy pol = effectivePolicy(reg, cid, as_of, nullptr, &pol_v);
  std::set<std::string> versions;
  if (pol_v) versions.insert(pol_v->label() + "#" + pol_v->record_hash);

  // Every engagement in the campaign's tree, breadth-first (tier order).
  std::vector<std::pair<std::string, int>> order;
  for (auto& root : reg.childEngagements("")) {
    auto* l = reg.latest(RecordKind::kEngagement, root);
    auto e = l ? parseEngagement(l->data) : Result<Engagement>(Status::notFound("x"));
    if (e.isOk() && e->campaign_id == in.campaign_id) order.push_back({root, 1});
  }
  for (size_t i = 0; i < order.size(); ++i)
    for (auto& kid : reg.childEngagements(order[i].first)) order.push_back({kid, order[i].second + 1});

  std::map<std::string, std::vector<const DisclosureInputs::Calls*>> calls_by_site;
  for (auto& c : in.calls) calls_by_site[c.site_id].push_back(&c);
  std::map<std::string, std::set<std::string>> active_by_site;
  for (auto& c : in.calls)
    if (!c.caller_ref.empty()) active_by_site[c.site_id].insert(c.caller_ref);
  for (auto& l : in.allowed_logins) active_by_site[l.site_id].insert(l.caller_ref);
  std::map<std::string, int> refusals_by_site;
  for (auto& r : in.refusals) refusals_by_site[r.site_id]++;

  Json payees = Json::array();
  Json all_findings = Json::array();
  Json all_overrides = Json::array();
  double total_hours = 0;
  int64_t total_calls = 0;
  std::set<std::string> total_active;
  std::set<std::string> sites_done;
  for (auto& [eid, tier] : order) {
    auto* ev = reg.engagement(eid, as_of);
    const RecordVersion* meta = ev ? &ev->meta : reg.latest(RecordKind::kEngagement, eid);
    auto parsed = parseEngagement(meta->data);
    if (!parsed.isOk()) continue;
    const Engagement& e = *parsed;
    versions.insert(meta->label() + "#" + meta->record_hash);
    Json p;
    p["tier"] = tier;
    p["engagement_id"] = e.id;
    p["engagement_version"] = meta->version;
    p["engagement_record_hash"] = meta->record_hash;
    p["valid_at_period_end"] = ev != nullptr;
    p["payee"] = entityJson(reg, e.agent_entity_id, as_of);
    p["parent"] = e.principal_entity_id.empty()
                      ? Json{{"entity_id", nullptr}, {"legal_name", "the campaign: " + in.campaign_name}}
                      : entityJson(reg, e.principal_entity_id, as_of);
    p["contract_ref"] = e.contract_ref;
    p["effective_from"] = formatIsoUtc(e.effective_from);
    p["effective_to"] = e.effective_to ? Json(formatIsoUtc(*e.effective_to)) : Json(nullptr);
    p["subcontracting_allowed"] = e.subcontracting_allowed;
    p["terminated"] = e.terminated;
    if (tier > 1) {
      p["campaign_consent"] = e.campaign_consent
                                  ? Json{{"consented_by", e.campaign_consent->consented_by},
                                         {"title", e.campaign_consent->title},
                                         {"date", formatIsoUtc(e.campaign_consent->date)},
                                         {"doc_sha256", e.campaign_consent->doc_sha256}}
                                  : Json(nullptr);
    }
    Json payee_findings = Json::array();
    if (tier > 1 && !e.campaign_consent)
      payee_findings.push_back("G2: tier-" + std::to_string(tier) + " subcontract without written campaign consent");
    if (tier > pol.max_subcontract_depth)
      payee_findings.push_back("G2: tier " + std::to_string(tier) + " exceeds the campaign's maximum depth " +
                               std::to_string(pol.max_subcontract_depth));

    Json sites = Json::array();
    for (auto& sid : reg.ids(RecordKind::kSite)) {
      auto* sv = reg.site(sid, as_of);
      const RecordVersion* smeta = sv ? &sv->meta : reg.latest(RecordKind::kSite, sid);
      auto site = parseSite(smeta->data);
      if (!site.isOk() || site->operator_entity_id != e.agent_entity_id) continue;
      versions.insert(smeta->label() + "#" + smeta->record_hash);
      Json s;
      s["site_id"] = sid;
      s["name"] = site->name;
      s["city"] = site->address.city;
      s["state"] = site->address.state;
      s["country"] = site->address.country;
      s["site_type"] = std::string(toString(site->site_type));
      s["facility_authority"] = site->facility_authority_entity_id.empty()
                                    ? Json(nullptr)
                                    : entityJson(reg, site->facility_authority_entity_id, as_of);
      // Callers registered under this engagement at this site.
      std::vector<std::string> callers;
      for (auto& ref : reg.ids(RecordKind::kCaller)) {
        auto* c = reg.caller(ref, as_of);
        if (c && c->rec.site_id == sid && c->rec.engagement_id == e.id) callers.push_back(ref);
      }
      s["callers_registered"] = callers.size();
      double secs = 0;
      int64_t n = 0;
      for (auto* c : calls_by_site[sid]) {
        secs += c->seconds;
        n += c->calls;
      }
      const bool first_listing = sites_done.insert(sid).second;
      s["callers_active"] = active_by_site[sid].size();
      s["hours_worked"] = round2(secs / 3600.0);
      s["calls_made"] = n;
      if (first_listing) {
        total_hours += secs / 3600.0;
        total_calls += n;
        for (auto& a : active_by_site[sid]) total_active.insert(a);
      }
      s["refusals"] = refusals_by_site[sid];
      // Wage as attested by the site's current vetting record.
      auto* vet = currentVetting(reg, "site", sid, as_of);
      if (vet) {
        versions.insert(vet->meta.label() + "#" + vet->meta.record_hash);
        s["wage"] = Json{{"vetting_id", vet->rec.id},
                         {"vetting_version", vet->meta.version},
                         {"attested_hourly_gross", vet->rec.wage_floor_hourly},
                         {"currency", vet->rec.currency},
                         {"paid_to", std::string(toString(vet->rec.wage_paid_to))},
                         {"paid_to_name", vet->rec.wage_paid_to_name},
                         {"received_by_worker_hourly", vet->rec.workerReceivedHourly()},
                         {"incarcerated_workers_present", vet->rec.incarcerated_workers_present},
                         {"risk_rating", std::string(toString(vet->rec.risk_rating))},
                         {"status", std::string(toString(vet->rec.status))},
                         {"expires_at", formatIsoUtc(vet->rec.expires_at)}};
      } else {
        s["wage"] = nullptr;
      }
      // Overrides that name this site.
      Json ovrs = Json::array();
      for (auto& oid : reg.overridesFor(in.campaign_id)) {
        auto* l = reg.latest(RecordKind::kOverride, oid);
        auto o = parseOverride(l->data);
        if (!o.isOk() || o->site_id != sid) continue;
        versions.insert(l->label() + "#" + l->record_hash);
        Json oj{{"override_id", o->id},       {"gate", o->gate},
                {"site_id", sid},             {"decided_by", o->decision.decided_by},
                {"title", o->decision.title}, {"reason", o->decision.reason},
                {"decided_at", formatIsoUtc(o->decision.decided_at)},
                {"expires_at", o->expires_at ? Json(formatIsoUtc(*o->expires_at)) : Json(nullptr)},
                {"conditions", o->conditions}, {"record_hash", l->record_hash}};
        ovrs.push_back(oj);
        all_overrides.push_back(oj);
      }
      s["overrides"] = ovrs;
      // Findings: every failing gate for the callers here, at the end of the period.
      std::set<std::string> f;
      std::set<std::string> allowed_note;
      for (auto& ref : callers) {
        auto d = evaluateGates(reg, cid, ref, as_of).decision;
        for (auto& g : d.gates) {
          if (!g.passed && g.detail.rfind("not evaluated", 0) != 0) f.insert(g.gate + ": " + g.detail);
          if (g.passed && g.detail.rfind("OVERRIDDEN", 0) == 0) allowed_note.insert(g.gate + ": " + g.detail);
        }
      }
      Json fj = Json::array();
      for (auto& x : f) fj.push_back(x);
      for (auto& x : allowed_note) fj.push_back(x);
      if (callers.empty()) fj.push_back("no callers registered for this engagement at this site");
      s["findings"] = fj;
      for (auto& x : f)
        all_findings.push_back({{"tier", tier}, {"engagement_id", e.id}, {"site_id", sid}, {"finding", x}});
      sites.push_back(s);
    }
    for (auto& x : payee_findings)
      all_findings.push_back({{"tier", tier}, {"engagement_id", e.id}, {"site_id", nullptr}, {"finding", x}});
    p["sites"] = sites;
    p["findings"] = payee_findings;
    payees.push_back(p);
  }

  Json refusals = Json::array();
  for (auto& r : in.refusals)
    refusals.push_back({{"at", formatIsoUtc(r.at)},
                        {"kind", r.kind},
                        {"caller_ref", r.caller_ref},
                        {"site_id", r.site_id},
                        {"tier", r.tier},
                        {"failed_gates", r.failed_gates},
                        {"reason", r.reason}});

  Json policy = toJson(pol);
  policy["stored"] = pol_v != nullptr;
  policy["defaults_changed"] = policyDeviations(pol);
  Json vers = Json::array();
  for (auto& v : versions) vers.push_back(v);
  return Json{{"report", "clearline.disclosure/1"},
              {"campaign", {{"id", in.campaign_id}, {"name", in.campaign_name}}},
              {"period", {{"from", formatIsoUtc(in.from)}, {"to", formatIsoUtc(in.to)}}},
              {"as_of", formatIsoUtc(as_of)},
              {"generated_at", formatIsoUtc(in.generated_at)},
              {"policy", policy},
              {"payees", payees},
              {"refusals", refusals},
              {"overrides", all_overrides},
              {"findings", all_findings},
              {"totals",
               {{"calls_made", total_calls},
                {"hours_worked", round2(total_hours)},
                {"callers_active", total_active.size()},
                {"refusals", in.refusals.size()},
                {"payees", payees.size()}}},
              {"record_versions", vers},
              {"audit_anchor", {{"seq", in.audit_head_seq}, {"hash", in.audit_head_hash}}}};
}

std::string renderDisclosureCsv(const Json& r) {
  std::ostringstream o;
  o << "tier,engagement_id,payee,payee_entity_type,parent,contract_ref,campaign_consent,site_id,site_name,city,state,"
       "site_type,facility_authority,callers_active,hours_worked,calls_made,attested_wage_hourly,wage_paid_to,"
       "wage_received_by_worker_hourly,overrides,refusals,findings\n";
  for (auto& p : r["payees"]) {
    std::string consent = p.contains("campaign_consent")
                              ? (p["campaign_consent"].is_null() ? "none" : str(p["campaign_consent"]["consented_by"]) + " " + str(p["campaign_consent"]["date"]))
                              : "n/a (prime)";
    auto row = [&](const Json* s) {
      std::vector<std::string> cells = {std::to_string(p["tier"].get<int>()), str(p["engagement_id"]),
                                        str(p["payee"]["legal_name"]), str(p["payee"]["entity_type"]),
                                        str(p["parent"]["legal_name"]), str(p["contract_ref"]), consent};
      if (s) {
        const Json& x = *s;
        std::string ovr, fnd;
        for (auto& v : x["overrides"]) ovr += (ovr.empty() ? "" : "; ") + str(v["override_id"]) + " by " + str(v["decided_by"]);
        for (auto& v : x["findings"]) fnd += (fnd.empty() ? "" : " | ") + str(v);
        for (auto& v : p["findings"]) fnd += (fnd.empty() ? "" : " | ") + str(v);
        const Json& w = x["wage"];
        cells.insert(cells.end(),
                     {str(x["site_id"]), str(x["name"]), str(x["city"]), str(x["state"]), str(x["site_type"]),
                      x["facility_authority"].is_null() ? "" : str(x["facility_authority"]["legal_name"]),
                      str(x["callers_active"]), money(x["hours_worked"].get<double>()), str(x["calls_made"]),
                      w.is_null() ? "" : money(w["attested_hourly_gross"].get<double>()),
                      w.is_null() ? "" : str(w["paid_to"]) + (str(w["paid_to_name"]).empty() ? "" : " (" + str(w["paid_to_name"]) + ")"),
                      w.is_null() ? "" : money(w["received_by_worker_hourly"].get<double>()), ovr,
                      str(x["refusals"]), fnd});
      } else {
        std::string fnd;
        for (auto& v : p["findings"]) fnd += (fnd.empty() ? "" : " | ") + str(v);
        cells.insert(cells.end(), {"", "", "", "", "", "", "0", "0.00", "0", "", "", "", "", "0", fnd});
      }
      for (size_t i = 0; i < cells.size(); ++i) o << (i ? "," : "") << csvCell(cells[i]);
      o << "\n";
    };
    if (p["sites"].empty()) row(nullptr);
    for (auto& s : p["sites"]) row(&s);
  }
  o << "# audit anchor: seq " << str(r["audit_anchor"]["seq"]) << " hash " << str(r["audit_anchor"]["hash"]) << "\n";
  return o.str();
}

std::string renderDisclosureHtml(const Json& r) {
  std::ostringstream o;
  const std::string title = "Who made our calls — " + str(r["campaign"]["name"]);
  o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" << esc(title) << "</title>\n"
    << "<style>\n"
       "body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;color:#1b1f24;margin:32px auto;max-width:1180px;font-size:13px;line-height:1.45}\n"
       "h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:26px 0 8px;border-bottom:2px solid #1b1f24;padding-bottom:3px}\n"
       ".sub{color:#57606a;margin:0 0 16px}.tier{margin:14px 0 18px;border:1px solid #d0d7de;border-radius:6px;padding:10px 14px;page-break-inside:avoid}\n"
       ".tier h3{margin:0 0 4px;font-size:15px}.meta{color:#57606a;font-size:12px}\n"
       "table{border-collapse:collapse;width:100%;margin:8px 0}th,td{border:1px solid #d0d7de;padding:4px 6px;text-align:left;vertical-align:top}\n"
       "th{background:#f6f8fa;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
       ".bad{color:#a40e26;font-weight:600}.ok{color:#116329;font-weight:600}.warn{color:#9a6700;font-weight:600}\n"
       ".badge{display:inline-block;padding:1px 6px;border-radius:10px;font-size:11px;font-weight:600;border:1px solid}\n"
       ".b-bad{color:#a40e26;border-color:#a40e26;background:#fff0f0}.b-ok{color:#116329;border-color:#116329;background:#eefbf1}.b-warn{color:#9a6700;border-color:#9a6700;background:#fff8e1}\n"
       "ul{margin:4px 0 4px 18px;padding:0}.mono{font-family:'DejaVu Sans Mono',monospace;font-size:11px;word-break:break-all}\n"
       ".totals td{font-weight:600}footer{margin-top:28px;border-top:1px solid #d0d7de;padding-top:8px;color:#57606a;font-size:11px}\n"
       "@media print{body{margin:10mm;max-width:none;font-size:11px}.tier{border-color:#999}}\n"
       "</style></head><body>\n";
  o << "<h1>" << esc(title) << "</h1>\n";
  o << "<p class=\"sub\">Vendor-chain disclosure for campaign " << esc(str(r["campaign"]["id"])) << ", period "
    << esc(str(r["period"]["from"])) << " to " << esc(str(r["period"]["to"])) << " (chain as of "
    << esc(str(r["as_of"])) << "). Generated " << esc(str(r["generated_at"])) << " by Clearline.</p>\n";
  const Json& t = r["totals"];
  o << "<table class=\"totals\"><tr><th>Payees</th><th>Calls made</th><th>Hours on calls</th><th>Callers active</th><th>Refusals</th><th>Overrides</th></tr><tr>"
    << "<td class=\"num\">" << str(t["payees"]) << "</td><td class=\"num\">" << str(t["calls_made"])
    << "</td><td class=\"num\">" << money(t["hours_worked"].get<double>()) << "</td><td class=\"num\">"
    << str(t["callers_active"]) << "</td><td class=\"num\">" << str(t["refusals"]) << "</td><td class=\"num\">"
    << r["overrides"].size() << "</td></tr></table>\n";

  o << "<h2>Chain by tier and payee</h2>\n";
  for (auto& p : r["payees"]) {
    o << "<div class=\"tier\"><h3>Tier " << str(p["tier"]) << " — " << esc(str(p["payee"]["legal_name"])) << "</h3>\n";
    o << "<div class=\"meta\">" << esc(str(p["payee"]["entity_type"])) << ", " << esc(str(p["payee"]["city"]))
      << (str(p["payee"]["state"]).empty() ? "" : ", " + esc(str(p["payee"]["state"]))) << " · engaged by <b>"
      << esc(str(p["parent"]["legal_name"])) << "</b> · contract " << esc(str(p["contract_ref"])) << " ("
      << esc(str(p["engagement_id"])) << " v" << str(p["engagement_version"]) << ") · "
      << esc(str(p["effective_from"]).substr(0, 10)) << " to "
      << esc(p["effective_to"].is_null() ? "open" : str(p["effective_to"]).substr(0, 10));
    if (p.contains("campaign_consent")) {
      if (p["campaign_consent"].is_null())
        o << " · <span class=\"badge b-bad\">no campaign consent to this subcontract</span>";
      else
        o << " · <span class=\"badge b-ok\">campaign consent: " << esc(str(p["campaign_consent"]["consented_by"]))
          << ", " << esc(str(p["campaign_consent"]["date"]).substr(0, 10)) << "</span>";
    }
    o << "</div>\n";
    for (auto& f : p["findings"]) o << "<div class=\"bad\">" << esc(str(f)) << "</div>\n";
    if (p["sites"].empty()) {
      o << "<p class=\"meta\">No sites registered for this payee.</p>";
    } else {
      o << "<table><tr><th>Site</th><th>Location</th><th>Type</th><th>Callers active</th><th>Hours</th><th>Calls</th>"
           "<th>Wage attested</th><th>Workers receive</th><th>Refusals</th><th>Overrides</th></tr>\n";
      for (auto& s : p["sites"]) {
        const Json& w = s["wage"];
        std::string type = str(s["site_type"]);
        bool danger = type == "correctional_facility" || type == "detention_center" || type == "work_release_center";
        o << "<tr><td>" << esc(str(s["name"])) << "<br><span class=\"meta\">" << esc(str(s["site_id"])) << "</span></td><td>"
          << esc(str(s["city"])) << ", " << esc(str(s["state"])) << "</td><td>"
          << "<span class=\"badge " << (danger ? "b-bad" : "b-ok") << "\">" << esc(type) << "</span>";
        if (!s["facility_authority"].is_null())
          o << "<br><span class=\"meta\">authority: " << esc(str(s["facility_authority"]["legal_name"])) << "</span>";
        o << "</td><td class=\"num\">" << str(s["callers_active"]) << " of " << str(s["callers_registered"])
          << "</td><td class=\"num\">" << money(s["hours_worked"].get<double>()) << "</td><td class=\"num\">"
          << str(s["calls_made"]) << "</td>";
        if (w.is_null()) {
          o << "<td class=\"bad\">no vetting</td><td class=\"bad\">unknown</td>";
        } else {
          bool to_worker = str(w["paid_to"]) == "worker";
          o << "<td class=\"num\">$" << money(w["attested_hourly_gross"].get<double>()) << "/h<br><span class=\"meta\">paid to "
            << esc(to_worker ? "the worker" : str(w["paid_to_name"])) << "</span></td><td class=\"num "
            << (to_worker ? "ok" : "bad") << "\">$" << money(w["received_by_worker_hourly"].get<double>()) << "/h</td>";
        }
        o << "<td class=\"num " << (s["refusals"].get<int>() > 0 ? "bad" : "") << "\">" << str(s["refusals"]) << "</td><td>";
        for (auto& v : s["overrides"])
          o << "<span class=\"badge b-warn\">" << esc(str(v["override_id"])) << "</span> " << esc(str(v["decided_by"]))
            << ", " << esc(str(v["decided_at"]).substr(0, 10)) << ": " << esc(str(v["reason"])) << "<br>";
        o << "</td></tr>\n";
        if (!s["findings"].empty()) {
          o << "<tr><td colspan=\"10\"><b>Findings</b><ul>";
          for (auto& f : s["findings"]) {
            std::string fs = str(f);
            o << "<li class=\"" << (fs.find("OVERRIDDEN") != std::string::npos ? "warn" : "bad") << "\">" << esc(fs) << "</li>";
          }
          o << "</ul></td></tr>\n";
        }
      }
      o << "</table>\n";
    }
    o << "</div>\n";
  }

  o << "<h2>Refusals (callers the gates kept off this campaign)</h2>\n";
  if (r["refusals"].empty()) {
    o << "<p class=\"meta\">None recorded in the period.</p>\n";
  } else {
    o << "<table><tr><th>When</th><th>Check</th><th>Caller</th><th>Site</th><th>Tier</th><th>Gates failed</th><th>Reason</th></tr>\n";
    for (auto& x : r["refusals"]) {
      std::string gates;
      for (auto& g : x["failed_gates"]) gates += (gates.empty() ? "" : ", ") + str(g);
      o << "<tr><td>" << esc(str(x["at"])) << "</td><td>" << esc(str(x["kind"])) << "</td><td>" << esc(str(x["caller_ref"]))
        << "</td><td>" << esc(str(x["site_id"])) << "</td><td class=\"num\">" << str(x["tier"]) << "</td><td class=\"bad\">"
        << esc(gates) << "</td><td>" << esc(str(x["reason"])) << "</td></tr>\n";
    }
    o << "</table>\n";
  }

  o << "<h2>Policy</h2>\n<table><tr><th>Rule</th><th>Value</th></tr>\n";
  const Json& pol = r["policy"];
  std::string denied;
  for (auto& d : pol["deny_site_types"]) denied += (denied.empty() ? "" : ", ") + str(d);
  o << "<tr><td>Denied site types (G4)</td><td>" << esc(denied) << "</td></tr>"
    << "<tr><td>Wage floor (G5)</td><td>worker-received wage ≥ max(federal $" << money(pol["federal_min_wage"].get<double>())
    << ", state minimum, campaign $" << money(pol["campaign_wage_floor"].get<double>()) << ")</td></tr>"
    << "<tr><td>Maximum subcontract depth (G2)</td><td>" << str(pol["max_subcontract_depth"]) << "</td></tr>"
    << "<tr><td>Vetting age (G3)</td><td>" << str(pol["vetting_max_age_days"]) << " days; "
    << str(pol["high_risk_vetting_max_age_days"]) << " days when high-risk</td></tr>"
    << "<tr><td>Hours standard (G6)</td><td>" << esc(str(pol["hours_standard"])) << "</td></tr>"
    << "<tr><td>Changes from the defaults</td><td>";
  if (pol["decisions"].empty()) o << "none";
  for (auto& d : pol["decisions"])
    o << esc(str(d["field"])) << ": " << esc(str(d["decided_by"])) << ", " << esc(str(d["decided_at"]).substr(0, 10))
      << " — " << esc(str(d["reason"])) << "<br>";
  o << "</td></tr></table>\n";

  o << "<h2>Overrides</h2>\n";
  if (r["overrides"].empty()) o << "<p class=\"meta\">No policy overrides.</p>\n";
  else {
    o << "<table><tr><th>Override</th><th>Gate</th><th>Site</th><th>Decided by</th><th>When</th><th>Reason</th><th>Conditions</th></tr>\n";
    for (auto& v : r["overrides"])
      o << "<tr><td>" << esc(str(v["override_id"])) << "</td><td>" << esc(str(v["gate"])) << "</td><td>"
        << esc(str(v["site_id"])) << "</td><td>" << esc(str(v["decided_by"])) << (str(v["title"]).empty() ? "" : ", " + esc(str(v["title"])))
        << "</td><td>" << esc(str(v["decided_at"])) << "</td><td>" << esc(str(v["reason"])) << "</td><td>"
        << esc(str(v["conditions"])) << "</td></tr>\n";
    o << "</table>\n";
  }

  o << "<footer><b>Verification.</b> This report was generated from the registry versions listed in its JSON form "
       "(<span class=\"mono\">record_versions</span>), each of which is an event in the campaign's audit chain. "
       "Audit chain head when generated: seq "
    << str(r["audit_anchor"]["seq"]) << ", hash <span class=\"mono\">" << esc(str(r["audit_anchor"]["hash"]))
    << "</span>. The SHA-256 of this exact file is recorded in the next audit event "
       "(<span class=\"mono\">disclosure.publish</span>); docs/vendor-chain.md gives the recipe.</footer>\n";
  o << "</body></html>\n";
  return o.str();
}

}  // namespace clearline::core::vendor
