// clearline check …            "may this number be dialed now, in this mode?" (issue 3)
// clearline dnc add|remove|import|status   internal lists and the registries
// Owner: policy. Exit codes: check → 0 allow, 5 deny/defer (command.h).
#include <iostream>
#include <sstream>

#include "cli/command.h"
#include "common/time_util.h"
#include "core/policy/business_days.h"
#include "policy_data/policy_service.h"
#include "policy_data/registry_store.h"

namespace clearline::cli {
namespace {

namespace cp = core::policy;
namespace pd = policy_data;

struct CheckOpts {
  std::string number, at, purpose = "political", mode = "preview", state, zip, timezone,
                          line_type = "unknown", consent = "none", rnd = "not_queried",
                          consent_revoked_at;
  int64_t campaign = 0;
  bool prerecorded = false;
};

// "+12025550123", "(202) 555-0123", "2025550123", "12025550123" → E.164.
Result<std::string> normaliseNumber(const std::string& in) {
  if (!in.empty() && in[0] == '+') {
    std::string d = "+";
    for (char c : in.substr(1))
      if (c >= '0' && c <= '9') d += c;
      else if (c != ' ' && c != '-' && c != '(' && c != ')' && c != '.') return Status::invalidArgument("'" + in + "' has letters", "number");
    return d;
  }
  std::string d;
  for (char c : in)
    if (c >= '0' && c <= '9') d += c;
    else if (c != ' ' && c != '-' && c != '(' && c != ')' && c != '.') return Status::invalidArgument("'" + in + "' has letters", "number");
  if (d.size() == 10) return "+1" + d;
  if (d.size() == 11 && d[0] == '1') return "+" + d;
  return Status::invalidArgument("'" + in + "' is neither E.164 (+…) nor a 10-digit US number", "number");
}

Result<std::vector<int>> parseAreaCodes(const std::string& s) {
  std::vector<int> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.size() != 3 || item.find_first_not_of("0123456789") != std::string::npos || item[0] < '2')
      return Status::invalidArgument("bad area code '" + item + "'", "area-codes");
    out.push_back(std::stoi(item));
  }
  return out;
}

void runCheck(GlobalOptions& g, const CheckOpts& o) {
  auto ctx = openContext(g);
  if (!ctx.isOk()) return (void)fail(g, ctx.status());
  Context& c = **ctx;
  auto e164 = normaliseNumber(o.number);
  if (!e164.isOk()) return (void)fail(g, e164.status());
  TimePoint at = c.clock.now();
  if (!o.at.empty()) {
    auto t = parseIso(o.at);
    if (!t.isOk()) return (void)fail(g, Status::invalidArgument(t.status().message(), "at"));
    at = *t;
  }
  core::DialAttempt a;
  auto purpose = core::parsePurposeClass(o.purpose);
  if (!purpose.isOk()) return (void)fail(g, purpose.status());
  auto mode = core::parseDialMode(o.mode == "manual" || o.mode == "click_to_dial" ? "human_initiated" : o.mode);
  if (!mode.isOk()) return (void)fail(g, mode.status());
  auto lt = core::parseLineType(o.line_type);
  if (!lt.isOk()) return (void)fail(g, lt.status());
  auto consent = core::parseConsentType(o.consent);
  if (!consent.isOk()) return (void)fail(g, consent.status());
  a.purpose = *purpose;
  a.mode = *mode;
  a.prerecorded = o.prerecorded || o.mode == "broadcast";
  if (o.mode == "broadcast") a.mode = core::DialMode::kPredictive;
  a.e164 = *e164;
  a.line_type = *lt;
  a.consent = *consent;
  a.state = o.state;
  a.zip = o.zip;
  a.timezone = o.timezone;
  if (o.rnd == "yes") a.rnd = core::RndStatus::kYes;
  else if (o.rnd == "no") a.rnd = core::RndStatus::kNo;
  else if (o.rnd == "no_data") a.rnd = core::RndStatus::kNoData;
  if (!o.consent_revoked_at.empty()) {
    auto t = parseIso(o.consent_revoked_at);
    if (!t.isOk()) return (void)fail(g, Status::invalidArgument(t.status().message(), "consent-revoked-at"));
    a.consent_revoked_at = *t;
  }
  auto rt = pd::openPolicy(c.store->db(), c.clock, c.config, c.data_dir, at);
  if (!rt.isOk()) return (void)fail(g, rt.status());
  auto& engine = *(*rt)->engine;
  if (o.campaign) {
    auto camp = c.store->campaigns().getCampaign(CampaignId(o.campaign));
    if (!camp.isOk()) return (void)fail(g, camp.status());
    engine.setCampaign(cp::profileFromCampaign(*camp));
    a.campaign_id = camp->id;
    a.org_id = camp->org_id;
    a.purpose = camp->purpose;
    a.subject_key = camp->subject_key;
    a.jurisdictions = camp->jurisdictions;
  }
  if ((*rt)->geocoder) a.candidate_states = (*rt)->geocoder->statesFor(a.e164);
  core::Decision d = engine.authorize(a, at);
  if (!(*rt)->sink->lastError().isOk()) return (void)fail(g, (*rt)->sink->lastError());
  const auto& rec = engine.lastRecord();
  Json j{{"verdict", core::toString(d.verdict)}, {"rules", d.rules}, {"reason", d.reason},
         {"number", a.e164}, {"at", formatIsoUtc(at)}, {"authorization_id", d.authorization_id},
         {"locations", rec.locations()}};
  if (d.until) j["until"] = formatIsoUtc(*d.until);
  if (d.route_to_mode) j["route_to_mode"] = core::toString(*d.route_to_mode);
  Json ev = Json::array();
  for (const auto* v : rec.evaluated) ev.push_back(v->ref);
  j["evaluated"] = ev;
  if (!rec.registry_snapshot.empty()) j["registry_snapshot"] = rec.registry_snapshot;
  if (g.json) {
    printJson(j);
  } else {
    std::cout << core::toString(d.verdict) << ": " << d.reason << "\n";
    if (!d.rules.empty()) {
      std::cout << "rules:";
      for (const auto& r : d.rules) std::cout << " " << r;
      std::cout << "\n";
    }
    if (d.until) std::cout << "until: " << formatIsoUtc(*d.until) << "\n";
    if (d.route_to_mode) std::cout << "route to: " << core::toString(*d.route_to_mode) << "\n";
    std::cout << "authorization: " << d.authorization_id << "\n";
  }
  setExit(d.verdict == core::Verdict::kAllow ? 0 : 5);
}

struct DncOpts {
  std::string number, scope = "campaign", source = "cli", requested_at, registry = "US", area_codes, as_of;
  int64_t campaign = 0, org = 0;
  std::vector<std::string> full, change;
};

void registerPolicy(CLI::App& root, GlobalOptions& g) {
  auto o = std::make_shared<CheckOpts>();
  auto* check = root.add_subcommand("check", "Explain whether a number may be dialed at an instant, in a mode");
  addGlobalFlags(check, g);
  check->add_option("--number", o->number, "E.164 (+12025550123) or a 10-digit US number")->required();
  check->add_option("--at", o->at, "Instant, ISO 8601 with offset (default: now)");
  check->add_option("--purpose", o->purpose, "Purpose class: " + core::purposeClassNames())->capture_default_str();
  check->add_option("--mode", o->mode, "Dial mode: " + core::dialModeNames() + " (manual, click_to_dial = human_initiated; broadcast = prerecorded)")
      ->capture_default_str();
  check->add_option("--state", o->state, "Contact's state (two letters)");
  check->add_option("--zip", o->zip, "Contact's ZIP code");
  check->add_option(
      "--timezone", o->timezone,
      "Contact's IANA time zone from its list (America/Chicago): one more candidate location");
  check->add_option("--line-type", o->line_type, "wireless | landline | unknown")->capture_default_str();
  check->add_option("--consent", o->consent, "none | express | express_written")->capture_default_str();
  check->add_option("--consent-revoked-at", o->consent_revoked_at, "When consent was revoked (ISO 8601)");
  check->add_option("--rnd", o->rnd, "Reassigned Numbers Database answer: not_queried | no | yes | no_data");
  check->add_flag("--prerecorded", o->prerecorded, "The call plays a prerecorded or artificial voice");
  check->add_option("--campaign", o->campaign, "Campaign id (else a default profile for the purpose: US federal + states)");
  check->callback([&g, o] { runCheck(g, *o); });

  auto d = std::make_shared<DncOpts>();
  auto* dnc = root.add_subcommand("dnc", "Do-not-call lists: internal lists and the national registry");
  dnc->require_subcommand(1);

  auto* add = dnc->add_subcommand("add", "Record a do-not-call request (honoured at once)");
  addGlobalFlags(add, g);
  add->add_option("--number", d->number, "Number (E.164 or 10-digit US)")->required();
  add->add_option("--scope", d->scope, "campaign | organisation | platform")->capture_default_str();
  add->add_option("--campaign", d->campaign, "Campaign id (scope campaign)");
  add->add_option("--org", d->org, "Organisation id (scope organisation)");
  add->add_option("--source", d->source, "Where the request came from")->capture_default_str();
  add->add_option("--requested-at", d->requested_at, "When the person asked (ISO 8601; default now)");
  add->callback([&g, d] {
    auto ctx = openContext(g);
    if (!ctx.isOk()) return (void)fail(g, ctx.status());
    Context& c = **ctx;
    auto e164 = normaliseNumber(d->number);
    if (!e164.isOk()) return (void)fail(g, e164.status());
    if (!cp::parsePolicyNumber(*e164)) return (void)fail(g, Status::invalidArgument("'" + *e164 + "' is not a valid number", "number"));
    auto scope = cp::parseDncScope(d->scope);
    if (!scope.isOk()) return (void)fail(g, scope.status());
    cp::InternalDncEntry e;
    e.scope = *scope;
    if (e.scope == cp::DncScope::kCampaign) {
      if (!d->campaign) return (void)fail(g, Status::invalidArgument("--campaign is required for scope campaign", "campaign"));
      auto camp = c.store->campaigns().getCampaign(CampaignId(d->campaign));
      if (!camp.isOk()) return (void)fail(g, camp.status());
      e.scope_id = d->campaign;
    } else if (e.scope == cp::DncScope::kOrganisation) {
      if (!d->org) return (void)fail(g, Status::invalidArgument("--org is required for scope organisation", "org"));
      auto org = c.store->campaigns().getOrganisation(OrgId(d->org));
      if (!org.isOk()) return (void)fail(g, org.status());
      e.scope_id = d->org;
    }
    e.e164 = *e164;
    e.source = d->source;
    e.recorded_at = c.clock.now();
    e.requested_at = e.recorded_at;
    if (!d->requested_at.empty()) {
      auto t = parseIso(d->requested_at);
      if (!t.isOk()) return (void)fail(g, Status::invalidArgument(t.status().message(), "requested-at"));
      e.requested_at = *t;
    }
    e.honour_by = cp::addBusinessDays(e.requested_at, 10);
    pd::PolicyRuntime tmp;
    storage::SqlitePolicyStore store(c.store->db(), c.clock);
    auto r = store.addInternalDnc(e, c.actor);
    if (!r.isOk()) return (void)fail(g, r.status());
    Json j{{"id", r->id}, {"scope", cp::toString(r->scope)}, {"scope_id", r->scope_id}, {"e164", r->e164},
           {"requested_at", formatIsoUtc(r->requested_at)}, {"honour_by", formatIsoUtc(r->honour_by)},
           {"late", r->recorded_at > r->honour_by}};
    if (g.json) printJson(j);
    else std::cout << "added " << r->e164 << " to the " << cp::toString(r->scope) << " do-not-call list (honour by "
                   << formatIsoUtc(r->honour_by) << ")\n";
  });

  auto* imp = dnc->add_subcommand("import", "Load National DNC Registry (or TPS) files; a new snapshot replaces the old only when complete");
  addGlobalFlags(imp, g);
  imp->add_option("--full", d->full, "Full-list files (NPA,NXXXXXX a line)");
  imp->add_option("--change", d->change, "Change-list files (NPA,NXXXXXX,A|D)");
  imp->add_option("--registry", d->registry, "US | TPS")->capture_default_str();
  imp->add_option("--area-codes", d->area_codes, "Subscribed area codes, comma-separated (records outside are errors)");
  imp->add_option("--as-of", d->as_of, "When the files were downloaded (ISO 8601; default now)");
  imp->callback([&g, d] {
    auto ctx = openContext(g);
    if (!ctx.isOk()) return (void)fail(g, ctx.status());
    Context& c = **ctx;
    if (d->full.empty() == d->change.empty())
      return (void)fail(g, Status::invalidArgument("give either --full FILE… or --change FILE…", "files"));
    std::vector<int> acs;
    if (!d->area_codes.empty()) {
      auto r = parseAreaCodes(d->area_codes);
      if (!r.isOk()) return (void)fail(g, r.status());
      acs = *r;
    }
    TimePoint as_of = c.clock.now();
    if (!d->as_of.empty()) {
      auto t = parseIso(d->as_of);
      if (!t.isOk()) return (void)fail(g, Status::invalidArgument(t.status().message(), "as-of"));
      as_of = *t;
    }
    std::string dir = pd::registryDir(c.config, c.data_dir);
    bool full = !d->full.empty();
    auto res = full ? pd::importFullLists(dir, d->registry, d->full, acs, as_of)
                    : pd::importChangeLists(dir, d->registry, d->change, acs, as_of);
    if (!res.isOk()) return (void)fail(g, res.status());
    storage::SqlitePolicyStore store(c.store->db(), c.clock);
    storage::SnapshotLogRow row;
    row.id = res->snapshot->id;
    row.registry = d->registry;
    row.kind = full ? "full" : "change";
    row.as_of = res->snapshot->as_of;
    row.full_loaded_at = res->snapshot->full_loaded_at;
    row.loaded_at = c.clock.now();
    row.numbers = static_cast<int64_t>(res->snapshot->index.size());
    row.records = static_cast<int64_t>(res->records);
    row.area_codes = res->snapshot->area_codes;
    for (const auto& f : res->files) row.files.push_back(Json{{"path", f.path}, {"sha256", f.sha256}, {"records", f.records}});
    Status st = store.logSnapshot(row, c.actor);
    if (!st.isOk()) return (void)fail(g, st);
    Json j{{"snapshot", row.id}, {"registry", row.registry}, {"kind", row.kind}, {"numbers", row.numbers},
           {"records", row.records}, {"as_of", formatIsoUtc(row.as_of)}, {"full_loaded_at", formatIsoUtc(row.full_loaded_at)},
           {"index_bytes", res->snapshot->index.bytes()}};
    if (g.json) printJson(j);
    else std::cout << "snapshot " << row.id << ": " << row.numbers << " numbers (" << row.records << " records read)\n";
  });

  auto* status = dnc->add_subcommand("status", "Registry snapshots (age, size) and internal list sizes");
  addGlobalFlags(status, g);
  status->callback([&g] {
    auto ctx = openContext(g);
    if (!ctx.isOk()) return (void)fail(g, ctx.status());
    Context& c = **ctx;
    std::string dir = pd::registryDir(c.config, c.data_dir);
    storage::SqlitePolicyStore store(c.store->db(), c.clock);
    Json j{{"registry_dir", dir}};
    TimePoint now = c.clock.now();
    for (const char* kind : {"US", "TPS"}) {
      auto snap = pd::loadSnapshot(dir, kind);
      Json s;
      if (snap.isOk()) {
        auto age_days = std::chrono::duration_cast<std::chrono::hours>(now - (*snap)->full_loaded_at).count() / 24;
        int limit = std::string(kind) == "US" ? 31 : 28;
        s = Json{{"snapshot", (*snap)->id}, {"numbers", (*snap)->index.size()}, {"index_bytes", (*snap)->index.bytes()},
                 {"as_of", formatIsoUtc((*snap)->as_of)}, {"full_loaded_at", formatIsoUtc((*snap)->full_loaded_at)},
                 {"age_days", age_days}, {"fresh", age_days <= limit}, {"area_codes", (*snap)->area_codes}};
      } else if (snap.status().code() == StatusCode::kNotFound) {
        s = Json{{"snapshot", nullptr}, {"fresh", false}};
      } else {
        return (void)fail(g, snap.status());
      }
      j[std::string(kind) == "US" ? "us_registry" : "tps"] = s;
    }
    Json lists = Json::object();
    for (auto sc : {cp::DncScope::kCampaign, cp::DncScope::kOrganisation, cp::DncScope::kPlatform}) {
      auto n = store.countInternalDnc(sc);
      if (!n.isOk()) return (void)fail(g, n.status());
      lists[std::string(cp::toString(sc))] = *n;
    }
    j["internal_lists"] = lists;
    if (g.json) {
      printJson(j);
    } else {
      std::cout << j.dump(2) << "\n";
    }
  });
}

const RegisterCommand kRegister(registerPolicy);

}  // namespace
}  // namespace clearline::cli
