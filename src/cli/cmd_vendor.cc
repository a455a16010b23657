// clearline vendor import|gate|chain|record-call|evidence and
// clearline vendor {entity,engagement,site,vetting,caller,policy,override,sanctions} create|update|list|show
// (docs/vendor-chain.md).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/vendor_cli.h"
#include "common/sha256.h"
#include "common/time_util.h"
#include "core/vendor/access.h"
#include "core/vendor/gates.h"
#include "core/vendor/import_doc.h"

namespace clearline::cli {
namespace {

namespace fs = std::filesystem;
namespace v = core::vendor;

struct VendorOpts {
  std::string file, caller, at, kind = "check", from_ip, as, valid_from, id, to, doc_type = "document", issuer,
                                    authorization_id, vetting;
  int64_t campaign = 0;
  int duration_s = 60;
  bool no_record = false, versions = false;
};

Result<std::string> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::notFound("cannot open " + path, "file");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

Result<Json> readJsonFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, readFile(path));
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded()) return Status::invalidArgument(path + ": not valid JSON", "file");
  return j;
}

Result<TimePoint> atOrNow(const std::string& at, const Clock& clock) {
  if (at.empty()) return clock.now();
  return parseIso(at);
}

// --as campaign:ID | vendor:ENTITY | caller:REF
Result<std::optional<v::Principal>> parsePrincipal(const std::string& as) {
  if (as.empty()) return std::optional<v::Principal>();
  auto colon = as.find(':');
  if (colon == std::string::npos)
    return Status::invalidArgument("--as must be campaign:ID, vendor:ENTITY_ID or caller:REF", "as");
  std::string kind = as.substr(0, colon), id = as.substr(colon + 1);
  if (kind == "campaign") {
    try {
      return std::optional<v::Principal>(v::Principal::campaign(std::stoll(id)));
    } catch (...) {
      return Status::invalidArgument("--as campaign:ID needs a number", "as");
    }
  }
  if (kind == "vendor") return std::optional<v::Principal>(v::Principal::vendor(id));
  if (kind == "caller") return std::optional<v::Principal>(v::Principal::caller(id));
  return Status::invalidArgument("--as must be campaign:ID, vendor:ENTITY_ID or caller:REF", "as");
}

Json versionJson(const v::RecordVersion& r) {
  return Json{{"kind", v::toString(r.kind)},
              {"id", r.id},
              {"version", r.version},
              {"valid_from", formatIsoUtc(r.valid_from)},
              {"valid_to", r.valid_to ? Json(formatIsoUtc(*r.valid_to)) : Json(nullptr)},
              {"record_hash", r.record_hash},
              {"recorded_at", formatIsoUtc(r.recorded_at)},
              {"recorded_by", r.recorded_by},
              {"data", r.data}};
}

void runGate(const GlobalOptions& g, const VendorOpts& o) {
  auto ctx = openContext(g);
  if (!ctx.isOk()) return (void)fail(g, ctx.status());
  if (o.kind != "login" && o.kind != "routing" && o.kind != "check")
    return (void)fail(g, Status::invalidArgument("--kind must be login, routing or check", "kind"));
  auto at = atOrNow(o.at, (*ctx)->clock);
  if (!at.isOk()) return (void)fail(g, Status::invalidArgument("--at: " + at.status().message(), "at"));
  auto store = vendorStore(**ctx);
  auto reg = store.loadRegistry();
  if (!reg.isOk()) return (void)fail(g, reg.status());
  v::GateContext gc;
  if (!o.from_ip.empty()) gc.session_ip = o.from_ip;
  auto ev = v::evaluateGates(**reg, CampaignId(o.campaign), o.caller, *at, gc);
  if (!o.no_record) {
    Status st = store.recordGateDecision(CampaignId(o.campaign), o.caller, *at, o.kind, ev.decision, (*ctx)->actor);
    if (!st.isOk()) return (void)fail(g, st);
  }
  Json out = gateDecisionJson(ev.decision);
  out["campaign_id"] = o.campaign;
  out["caller"] = o.caller;
  out["at"] = formatIsoUtc(*at);
  out["kind"] = o.kind;
  if (g.json) {
    printJson(out);
  } else {
    std::cout << (ev.decision.allowed ? "ALLOWED" : "REFUSED") << "  caller " << o.caller << " on campaign "
              << o.campaign << " at " << formatIsoUtc(*at) << "\n";
    for (auto& r : ev.decision.gates)
      std::cout << "  " << (r.passed ? "pass " : "FAIL ") << r.gate << (r.gate.size() < 3 ? "  " : " ") << r.detail << "\n";
    std::cout << ev.decision.reason << "\n";
  }
  if (!ev.decision.allowed) setExit(5);
}

// ---- vendor chain: the tree with each node's status.
struct ChainPrinter {
  const v::Registry& reg;
  CampaignId campaign;
  TimePoint at;
  std::ostringstream out;

  std::string entityName(const std::string& id) {
    auto* e = reg.entity(id, at);
    return e ? e->rec.legal_name : id + " (unknown at this time)";
  }
  std::string vettingStatus(const std::string& kind, const std::string& id) {
    auto* vv = v::currentVetting(reg, kind, id, at);
    if (!vv) return "vetting: NONE";
    return "vetting " + vv->rec.id + ": " + std::string(v::toString(vv->rec.status)) + ", risk " +
           std::string(v::toString(vv->rec.risk_rating)) + ", expires " + formatIsoUtc(vv->rec.expires_at).substr(0, 10) +
           (at >= vv->rec.expires_at ? " (EXPIRED)" : "");
  }
  Json engagement(const std::string& id, int tier, const std::string& indent) {
    auto* e = reg.engagement(id, at);
    Json node{{"type", "engagement"}, {"id", id}, {"tier", tier}};
    if (!e) {
      out << indent << "engagement " << id << "  [not valid at this time]\n";
      node["status"] = "not_valid";
      return node;
    }
    const auto& en = e->rec;
    std::vector<std::string> flags;
    bool active = en.effective_from <= at && (!en.effective_to || at < *en.effective_to) && !en.terminated;
    flags.push_back(active ? "active" : "INACTIVE");
    if (tier > 1) flags.push_back(en.campaign_consent ? "campaign consent " + formatIsoUtc(en.campaign_consent->date).substr(0, 10)
                                                      : "NO CAMPAIGN CONSENT");
    if (en.subcontracting_allowed) flags.push_back("may subcontract");
    std::string f;
    for (auto& x : flags) f += (f.empty() ? "" : ", ") + x;
    out << indent << "tier " << tier << "  " << entityName(en.agent_entity_id) << "  (engagement " << id << ", "
        << en.contract_ref << ")  [" << f << "]  " << vettingStatus("entity", en.agent_entity_id) << "\n";
    node["agent"] = {{"entity_id", en.agent_entity_id}, {"legal_name", entityName(en.agent_entity_id)}};
    node["status"] = active ? "active" : "inactive";
    node["flags"] = flags;
    Json sites = Json::array();
    for (auto& sid : reg.ids(v::RecordKind::kSite)) {
      auto* s = reg.site(sid, at);
      if (!s || s->rec.operator_entity_id != en.agent_entity_id) continue;
      out << indent << "   site " << sid << "  " << s->rec.name << "  [" << v::siteTypeLabel(s->rec.site_type) << ", "
          << s->rec.address.city << (s->rec.address.state.empty() ? "" : ", " + s->rec.address.state)
          << (s->rec.active ? "" : ", INACTIVE") << "]  " << vettingStatus("site", sid) << "\n";
      Json sj{{"type", "site"}, {"id", sid}, {"name", s->rec.name}, {"site_type", v::toString(s->rec.site_type)}};
      Json callers = Json::array();
      for (auto& ref : reg.ids(v::RecordKind::kCaller)) {
        auto* c = reg.caller(ref, at);
        if (!c || c->rec.site_id != sid || c->rec.engagement_id != id) continue;
        auto d = v::evaluateGates(reg, campaign, ref, at).decision;
        std::string failed;
        for (auto& gr : d.gates)
          if (!gr.passed) failed += (failed.empty() ? "" : ", ") + gr.gate;
        out << indent << "      caller " << ref << "  " << (d.allowed ? "ALLOWED" : "REFUSED: " + failed) << "\n";
        callers.push_back({{"type", "caller"}, {"ref", ref}, {"allowed", d.allowed}, {"reason", d.reason}});
      }
      sj["callers"] = callers;
      sites.push_back(sj);
    }
    node["sites"] = sites;
    Json kids = Json::array();
    for (auto& kid : reg.childEngagements(id)) kids.push_back(engagement(kid, tier + 1, indent + "   "));
    node["subcontracts"] = kids;
    return node;
  }
};

void runChain(const GlobalOptions& g, const VendorOpts& o) {
  auto ctx = openContext(g);
  if (!ctx.isOk()) return (void)fail(g, ctx.status());
  auto camp = (*ctx)->store->campaigns().getCampaign(CampaignId(o.campaign));
  if (!camp.isOk()) return (void)fail(g, camp.status());
  auto at = atOrNow(o.at, (*ctx)->clock);
  if (!at.isOk()) return (void)fail(g, Status::invalidArgument("--at: " + at.status().message(), "at"));
  auto reg = vendorStore(**ctx).loadRegistry();
  if (!reg.isOk()) return (void)fail(g, reg.status());
  ChainPrinter p{**reg, CampaignId(o.campaign), *at, {}};
  const v::RecordVersion* pv = nullptr;
  v::Policy pol = v::effectivePolicy(**reg, CampaignId(o.campaign), *at, nullptr, &pv);
  auto dev = v::policyDeviations(pol);
  p.out << "campaign " << o.campaign << "  " << camp->name << "  (vendor policy: "
        << (pv ? "stored v" + std::to_string(pv->version) : std::string("research defaults"))
        << (dev.empty() ? "" : ", " + std::to_string(dev.size()) + " default(s) changed by decision") << ") as of "
        << formatIsoUtc(*at) << "\n";
  Json roots = Json::array();
  for (auto& root : (*reg)->childEngagements("")) {
    auto* e = (*reg)->engagement(root, *at);
    auto* l = (*reg)->latest(v::RecordKind::kEngagement, root);
    auto parsed = v::parseEngagement(l->data);
    int64_t cid = e ? e->rec.campaign_id : parsed.isOk() ? parsed->campaign_id : 0;
    if (cid != o.campaign) continue;
    roots.push_back(p.engagement(root, 1, "   "));
  }
  if (roots.empty()) p.out << "   (no engagements: import a chain with `clearline vendor import FILE.json`)\n";
  if (g.json) {
    printJson(Json{{"campaign", {{"id", o.campaign}, {"name", camp->name}}},
                   {"at", formatIsoUtc(*at)},
                   {"policy", v::toJson(pol)},
                   {"engagements", roots}});
  } else {
    std::cout << p.out.str();
  }
}

void runImport(const GlobalOptions& g, const VendorOpts& o) {
  auto text = readFile(o.file);
  if (!text.isOk()) return (void)fail(g, text.status());
  auto doc = v::decodeImportDocument(*text, o.campaign);
  if (!doc.isOk()) return (void)fail(g, doc.status().withContext(o.file));
  auto ctx = openContext(g);
  if (!ctx.isOk()) return (void)fail(g, ctx.status());
  std::string base = fs::path(o.file).parent_path().string();
  if (base.empty()) base = ".";
  auto summary = vendorStore(**ctx).importChain(*doc, base, (*ctx)->actor);
  if (!summary.isOk()) return (void)fail(g, summary.status().withContext(o.file));
  (*summary)["file"] = o.file;
  printJson(*summary);  // the summary is JSON with or without --json
}

void runRecordCall(const GlobalOptions& g, const VendorOpts& o) {
  auto ctx = openContext(g);
  if (!ctx.isOk()) return (void)fail(g, ctx.status());
  auto at = atOrNow(o.at, (*ctx)->clock);
  if (!at.isOk()) return (void)fail(g, Status::invalidArgument("--at: " + at.status().message(), "at"));
  auto store = vendorStore(**ctx);
  auto reg = store.loadRegistry();
  if (!reg.isOk()) return (void)fail(g, reg.status());
  auto d = v::evaluateGates(**reg, CampaignId(o.campaign), o.caller, *at).decision;
  Status st = store.recordGateDecision(CampaignId(o.campaign), o.caller, *at, "routing", d, (*ctx)->actor);
  if (!st.isOk()) return (void)fail(g, st);
  if (!d.allowed) {
    if (g.json) printJson(gateDecisionJson(d));
    return (void)fail(g, Status::permissionDenied("call not routed to " + o.caller + ": " + d.reason));
  }
  auto id = store.recordCall(CampaignId(o.campaign), o.to, *at, o.duration_s,
                             o.authorization_id.empty() ? "manual:unauthorized-by-compliance-engine" : o.authorization_id, d,
                             (*ctx)->actor);
  if (!id.isOk()) return (void)fail(g, id.status());
  Json out = gateDecisionJson(d);
  out["call_id"] = id->value;
  if (g.json) printJson(out);
  else std::cout << "call " << id->value << " recorded for caller " << o.caller << " (" << d.reason << ")\n";
}

void runEvidenceAttach(const GlobalOptions& g, const VendorOpts& o) {
  auto ctx = openContext(g);
  if (!ctx.isOk()) return (void)fail(g, ctx.status());
  auto store = vendorStore(**ctx);
  auto reg = store.loadRegistry();
  if (!reg.isOk()) return (void)fail(g, reg.status());
  auto* cur = (*reg)->latest(v::RecordKind::kVetting, o.vetting);
  if (!cur) return (void)fail(g, Status::notFound("no vetting record " + o.vetting, "vetting"));
  auto sha = sha256FileHex(o.file);
  if (!sha.isOk()) return (void)fail(g, sha.status());
  Json doc = cur->data;
  Json e{{"doc_type", o.doc_type}, {"sha256", *sha}, {"file", fs::absolute(o.file).string()}};
  if (!o.issuer.empty()) e["issuer"] = o.issuer;
  doc["evidence_docs"].push_back(e);
  std::optional<TimePoint> from;
  if (!o.valid_from.empty()) {
    auto t = v::parseWhen(o.valid_from);
    if (!t.isOk()) return (void)fail(g, Status::invalidArgument("--valid-from: " + t.status().message(), "valid_from"));
    from = *t;
  }
  auto p = parsePrincipal(o.as);
  if (!p.isOk()) return (void)fail(g, p.status());
  auto r = store.write({storage::VendorWrite{v::RecordKind::kVetting, doc, from}}, (*ctx)->actor,
                       *p ? &**p : nullptr, ".");
  if (!r.isOk()) return (void)fail(g, r.status());
  Json out{{"sha256", *sha}, {"stored", "evidence/" + *sha}, {"vetting", versionJson(r->front().version)}};
  if (g.json) printJson(out);
  else std::cout << "evidence " << *sha << " attached to vetting " << o.vetting << " (version "
                 << r->front().version.version << ")\n";
}

void registerRecordCommands(CLI::App* vendor, GlobalOptions& g, std::shared_ptr<VendorOpts> o) {
  for (auto kind : v::kAllKinds) {
    std::string name(v::toString(kind));
    auto* cmd = vendor->add_subcommand(name, "Create, version, list and show " + name + " records");
    cmd->require_subcommand(1);
    // ("an entity record", "an override record")
    const std::string a = std::string("aeiou").find(name[0]) != std::string::npos ? "an " : "a ";
    for (std::string verb : {"create", "update"}) {
      auto* sub = cmd->add_subcommand(
          verb, verb == "create" ? "Create " + a + name + " record from a JSON document"
                                 : "Write a new version of " + a + name + " record");
      addGlobalFlags(sub, g);
      sub->add_option("--file", o->file, "JSON document (docs/vendor-chain.md)")->required();
      sub->add_option("--valid-from", o->valid_from, "When this version takes effect (default: now)");
      sub->add_option("--as", o->as, "Act as campaign:ID, vendor:ENTITY_ID or caller:REF (access boundaries)");
      sub->callback([&g, o, kind, verb] {
        auto doc = readJsonFile(o->file);
        if (!doc.isOk()) return (void)fail(g, doc.status());
        auto id = v::documentId(kind, *doc);
        if (!id.isOk()) return (void)fail(g, id.status());
        std::optional<TimePoint> from;
        if (!o->valid_from.empty()) {
          auto t = v::parseWhen(o->valid_from);
          if (!t.isOk()) return (void)fail(g, Status::invalidArgument("--valid-from: " + t.status().message(), "valid_from"));
          from = *t;
        }
        auto p = parsePrincipal(o->as);
        if (!p.isOk()) return (void)fail(g, p.status());
        auto ctx = openContext(g);
        if (!ctx.isOk()) return (void)fail(g, ctx.status());
        auto store = vendorStore(**ctx);
        auto reg = store.loadRegistry();
        if (!reg.isOk()) return (void)fail(g, reg.status());
        bool exists = (*reg)->latest(kind, *id) != nullptr;
        if (verb == "create" && exists)
          return (void)fail(g, Status::alreadyExists(std::string(v::toString(kind)) + " " + *id +
                                                         " exists: use update to write a new version", "id"));
        if (verb == "update" && !exists)
          return (void)fail(g, Status::notFound("no " + std::string(v::toString(kind)) + " " + *id, "id"));
        std::string base = fs::path(o->file).parent_path().string();
        auto r = store.write({storage::VendorWrite{kind, *doc, from}}, (*ctx)->actor, *p ? &**p : nullptr,
                             base.empty() ? "." : base);
        if (!r.isOk()) return (void)fail(g, r.status());
        Json out = versionJson(r->front().version);
        out["changed"] = r->front().changed;
        if (g.json) printJson(out);
        else std::cout << v::toString(kind) << " " << *id << " version " << r->front().version.version
                       << (r->front().changed ? "" : " (unchanged)") << "  " << r->front().version.record_hash << "\n";
      });
    }
    auto* list = cmd->add_subcommand("list", "List " + name + " records (newest versions)");
    addGlobalFlags(list, g);
    list->add_option("--as", o->as, "Only what this principal may read: campaign:ID, vendor:ENTITY_ID, caller:REF");
    list->callback([&g, o, kind] {
      auto p = parsePrincipal(o->as);
      if (!p.isOk()) return (void)fail(g, p.status());
      auto ctx = openContext(g);
      if (!ctx.isOk()) return (void)fail(g, ctx.status());
      auto reg = vendorStore(**ctx).loadRegistry();
      if (!reg.isOk()) return (void)fail(g, reg.status());
      Json arr = Json::array();
      for (auto& id : (*reg)->ids(kind)) {
        if (*p && !v::canAccess(**reg, **p, {kind, id}, v::AccessMode::kRead)) continue;
        arr.push_back(versionJson(*(*reg)->latest(kind, id)));
      }
      if (g.json) {
        printJson(Json{{"records", arr}});
      } else {
        for (auto& r : arr)
          std::cout << r["id"].get<std::string>() << "  v" << r["version"] << "  from " << r["valid_from"].get<std::string>()
                    << "  " << r["record_hash"].get<std::string>().substr(0, 16) << "\n";
        if (arr.empty()) std::cout << "no " << v::toString(kind) << " records\n";
      }
    });
    auto* show = cmd->add_subcommand("show", "Show one " + name + " record (all versions with --versions)");
    addGlobalFlags(show, g);
    show->add_option("id", o->id, "Record id")->required();
    show->add_flag("--versions", o->versions, "Every version, oldest first");
    show->add_option("--as", o->as, "Act as campaign:ID, vendor:ENTITY_ID or caller:REF");
    show->callback([&g, o, kind] {
      auto p = parsePrincipal(o->as);
      if (!p.isOk()) return (void)fail(g, p.status());
      auto ctx = openContext(g);
      if (!ctx.isOk()) return (void)fail(g, ctx.status());
      auto reg = vendorStore(**ctx).loadRegistry();
      if (!reg.isOk()) return (void)fail(g, reg.status());
      // Outside a principal's boundary a record does not exist (no existence leak).
      if (!(*reg)->latest(kind, o->id) || (*p && !v::canAccess(**reg, **p, {kind, o->id}, v::AccessMode::kRead)))
        return (void)fail(g, Status::notFound("no " + std::string(v::toString(kind)) + " " + o->id, "id"));
      Json out;
      if (o->versions) {
        out = Json::array();
        for (auto* r : (*reg)->versions(kind, o->id)) out.push_back(versionJson(*r));
        out = Json{{"versions", out}};
      } else {
        out = versionJson(*(*reg)->latest(kind, o->id));
      }
      printJson(out);
    });
  }
}

void registerVendor(CLI::App& root, GlobalOptions& g) {
  auto* cmd = root.add_subcommand("vendor", "The vendor chain: who makes the calls, from where, under what conditions");
  cmd->require_subcommand(1);
  auto o = std::make_shared<VendorOpts>();

  auto* imp = cmd->add_subcommand("import", "Load a whole chain from one JSON document (all or nothing; JSON summary)");
  addGlobalFlags(imp, g);
  imp->add_option("file", o->file, "Chain document (docs/vendor-chain.md)")->required();
  imp->add_option("--campaign", o->campaign, "Campaign id (overrides the document's campaign_id)");
  imp->callback([&g, o] { runImport(g, *o); });

  auto* gate = cmd->add_subcommand("gate", "Evaluate G1–G10 for a caller on a campaign at an instant (exit 5 when refused)");
  addGlobalFlags(gate, g);
  gate->add_option("--campaign", o->campaign, "Campaign id")->required();
  gate->add_option("--caller", o->caller, "Caller reference")->required();
  gate->add_option("--at", o->at, "Instant, ISO 8601 with offset (default: now)");
  gate->add_option("--kind", o->kind, "Recorded as: login | routing | check")->capture_default_str();
  gate->add_option("--from-ip", o->from_ip, "The caller's session address (G8)");
  gate->add_flag("--no-record", o->no_record, "Do not record the decision in the gate log");
  gate->callback([&g, o] { runGate(g, *o); });

  auto* login = cmd->add_subcommand("login", "A caller logs in to a campaign: gates evaluated and recorded (exit 5 when refused)");
  addGlobalFlags(login, g);
  login->add_option("--campaign", o->campaign, "Campaign id")->required();
  login->add_option("--caller", o->caller, "Caller reference")->required();
  login->add_option("--at", o->at, "Instant, ISO 8601 with offset (default: now)");
  login->add_option("--from-ip", o->from_ip, "The caller's session address (G8)");
  login->callback([&g, o] {
    VendorOpts x = *o;
    x.kind = "login";
    runGate(g, x);
  });

  auto* chain = cmd->add_subcommand("chain", "Print a campaign's chain as a tree with each node's status");
  addGlobalFlags(chain, g);
  chain->add_option("campaign", o->campaign, "Campaign id")->required();
  chain->add_option("--at", o->at, "Instant, ISO 8601 with offset (default: now)");
  chain->callback([&g, o] { runChain(g, *o); });

  auto* rc = cmd->add_subcommand("record-call", "Route a (manual) call to a caller: gate at routing, then record the call with provenance");
  addGlobalFlags(rc, g);
  rc->add_option("--campaign", o->campaign, "Campaign id")->required();
  rc->add_option("--caller", o->caller, "Caller reference")->required();
  rc->add_option("--to", o->to, "Called number (E.164)")->required();
  rc->add_option("--at", o->at, "Dial instant, ISO 8601 with offset (default: now)");
  rc->add_option("--duration-s", o->duration_s, "Talk time in seconds")->capture_default_str();
  rc->add_option("--authorization-id", o->authorization_id, "The compliance engine's authorization id (G10)");
  rc->callback([&g, o] { runRecordCall(g, *o); });

  auto* ev = cmd->add_subcommand("evidence", "Attach and verify evidence files (stored by SHA-256 under the data dir)");
  ev->require_subcommand(1);
  auto* att = ev->add_subcommand("attach", "Hash and store a file and add it to a vetting record (new version)");
  addGlobalFlags(att, g);
  att->add_option("--vetting", o->vetting, "Vetting record id")->required();
  att->add_option("file", o->file, "The evidence file")->required();
  att->add_option("--doc-type", o->doc_type, "Document type")->capture_default_str();
  att->add_option("--issuer", o->issuer, "Who issued the document");
  att->add_option("--valid-from", o->valid_from, "When the new vetting version takes effect (default: now)");
  att->add_option("--as", o->as, "Act as campaign:ID or vendor:ENTITY_ID");
  att->callback([&g, o] { runEvidenceAttach(g, *o); });
  auto* ver = ev->add_subcommand("verify", "Re-hash every stored evidence file (exit 4 on a mismatch)");
  addGlobalFlags(ver, g);
  ver->callback([&g] {
    auto ctx = openContext(g);
    if (!ctx.isOk()) return (void)fail(g, ctx.status());
    auto r = vendorStore(**ctx).verifyEvidence();
    if (!r.isOk()) return (void)fail(g, r.status());
    bool ok = true;
    for (auto& e : *r) ok = ok && e["ok"].get<bool>();
    printJson(Json{{"ok", ok}, {"files", *r}});
    if (!ok) setExit(4);
  });

  registerRecordCommands(cmd, g, o);
}

const RegisterCommand kRegister(registerVendor);

}  // namespace
}  // namespace clearline::cli
