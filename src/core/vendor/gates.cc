#include "core/vendor/gates.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <sstream>

#include "common/sha256.h"
#include "common/time_util.h"

namespace clearline::core::vendor {
namespace {

constexpr Millis kDay = std::chrono::hours(24);

std::string money(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "$%.2f", v);
  return buf;
}

std::string entityName(const Registry& reg, const std::string& id, TimePoint t) {
  auto* e = reg.entity(id, t);
  if (!e) {
    auto* l = reg.latest(RecordKind::kEntity, id);
    if (!l) return id;
    auto p = parseEntity(l->data);
    return p.isOk() ? p->legal_name : id;
  }
  return e->rec.legal_name;
}

bool isDeniedWorker(WorkerCategory c) {
  return c == WorkerCategory::kIncarcerated || c == WorkerCategory::kWorkRelease;
}

struct Collector {
  std::set<std::string> versions;
  void use(const RecordVersion& v) { versions.insert(v.label() + "#" + v.record_hash); }
};

}  // namespace

bool ipInCidr(const std::string& ip, const std::string& cidr) {
  auto parse = [](const std::string& s, uint32_t& out) {
    unsigned a, b, c, d;
    char tail;
    if (std::sscanf(s.c_str(), "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) != 4) return false;
    if (a > 255 || b > 255 || c > 255 || d > 255) return false;
    out = (a << 24) | (b << 16) | (c << 8) | d;
    return true;
  };
  std::string net = cidr;
  int bits = 32;
  if (auto slash = cidr.find('/'); slash != std::string::npos) {
    net = cidr.substr(0, slash);
    try {
      bits = std::stoi(cidr.substr(slash + 1));
    } catch (...) {
      return false;
    }
    if (bits < 0 || bits > 32) return false;
  }
  uint32_t a, n;
  if (!parse(ip, a) || !parse(net, n)) return false;
  uint32_t mask = bits == 0 ? 0 : ~uint32_t(0) << (32 - bits);
  return (a & mask) == (n & mask);
}

Policy effectivePolicy(const Registry& reg, CampaignId campaign, TimePoint t, Window* w,
                       const RecordVersion** version) {
  auto* p = reg.policy(campaign.value, t, w);
  if (version) *version = p ? &p->meta : nullptr;
  return p ? p->rec : defaultPolicy(campaign.value);
}

Result<std::vector<const Versioned<Engagement>*>> engagementPath(const Registry& reg, const std::string& leaf,
                                                                TimePoint t, Window* w) {
  std::vector<const Versioned<Engagement>*> path;
  std::set<std::string> seen;
  std::string cur = leaf;
  while (!cur.empty()) {
    if (!seen.insert(cur).second) return Status::failedPrecondition("engagement chain forms a cycle at " + cur);
    auto* e = reg.engagement(cur, t, w);
    if (!e) {
      return Status::failedPrecondition("engagement " + cur + " does not exist at " + formatIsoUtc(t));
    }
    path.push_back(e);
    cur = e->rec.parent_engagement_id;
  }
  std::reverse(path.begin(), path.end());
  return path;
}

const Versioned<Vetting>* currentVetting(const Registry& reg, const std::string& subject_kind,
                                         const std::string& subject_id, TimePoint t, Window* w) {
  const Versioned<Vetting>* best = nullptr;
  for (auto& id : reg.vettingsFor(subject_kind, subject_id)) {
    auto* v = reg.vetting(id, t, w);
    if (!v || v->rec.subject_kind != subject_kind || v->rec.subject_id != subject_id) continue;
    w ? w->narrow(v->rec.attested_at, t) : void();
    if (v->rec.attested_at > t) continue;
    if (!best || v->rec.attested_at > best->rec.attested_at) best = v;
  }
  return best;
}

GateEvaluation evaluateGates(const Registry& reg, CampaignId campaign, const std::string& caller_ref,
                             TimePoint t, const GateContext& ctx) {
  GateEvaluation ev;
  Window& w = ev.window;
  GateDecision& d = ev.decision;
  d.caller_ref = caller_ref;
  Collector used;
  std::vector<GateResult> g(10);
  for (int i = 0; i < 10; ++i) g[i].gate = "G" + std::to_string(i + 1);
  auto fail = [&](int gate, const std::string& why) {
    auto& r = g[gate - 1];
    r.passed = false;
    r.detail = r.detail.empty() ? why : r.detail + "; " + why;
  };
  auto pass = [&](int gate, const std::string& why) {
    g[gate - 1].passed = true;
    g[gate - 1].detail = why;
  };

  const RecordVersion* policy_version = nullptr;
  Policy pol = effectivePolicy(reg, campaign, t, &w, &policy_version);
  if (policy_version) used.use(*policy_version);

  // ---- G1: a complete, active engagement path campaign → … → site → caller.
  const Versioned<Caller>* caller = reg.caller(caller_ref, t, &w);
  const Versioned<Site>* site = nullptr;
  std::vector<const Versioned<Engagement>*> path;
  bool g1 = true;
  if (!caller) {
    fail(1, "caller '" + caller_ref + "' is not registered at " + formatIsoUtc(t));
    g1 = false;
  } else {
    used.use(caller->meta);
    d.worker_category = std::string(toString(caller->rec.worker_category));
    if (!caller->rec.active) fail(1, "caller '" + caller_ref + "' is deactivated"), g1 = false;
    site = reg.site(caller->rec.site_id, t, &w);
    if (!site) {
      fail(1, "site " + caller->rec.site_id + " is not registered at " + formatIsoUtc(t)), g1 = false;
    } else {
      used.use(site->meta);
      d.site_id = site->rec.id;
      if (!site->rec.active) fail(1, "site " + site->rec.id + " is inactive"), g1 = false;
    }
    auto p = engagementPath(reg, caller->rec.engagement_id, t, &w);
    if (!p.isOk()) {
      fail(1, p.status().message()), g1 = false;
    } else {
      path = *p;
      for (auto* e : path) {
        used.use(e->meta);
        d.engagement_path.push_back(e->rec.id);
        const Engagement& en = e->rec;
        w.narrow(en.effective_from, t);
        if (en.effective_to) w.narrow(*en.effective_to, t);
        if (t < en.effective_from) fail(1, "engagement " + en.id + " starts " + formatIsoUtc(en.effective_from)), g1 = false;
        if (en.effective_to && t >= *en.effective_to)
          fail(1, "engagement " + en.id + " ended " + formatIsoUtc(*en.effective_to)), g1 = false;
        if (en.terminated) fail(1, "engagement " + en.id + " is terminated"), g1 = false;
        if (auto* ent = reg.entity(en.agent_entity_id, t, &w)) used.use(ent->meta);
        else fail(1, "entity " + en.agent_entity_id + " is not registered at " + formatIsoUtc(t)), g1 = false;
      }
      d.tier = static_cast<int>(path.size());
      if (!path.empty() && path.front()->rec.campaign_id != campaign.value) {
        fail(1, "engagement path of caller '" + caller_ref + "' belongs to campaign " +
                    std::to_string(path.front()->rec.campaign_id) + ", not " + campaign.str());
        g1 = false;
      }
      if (site && !path.empty() && path.back()->rec.agent_entity_id != site->rec.operator_entity_id) {
        fail(1, "site " + site->rec.id + " is not operated by the engaged entity " + path.back()->rec.agent_entity_id);
        g1 = false;
      }
    }
  }
  if (g1) {
    std::string chain = "campaign " + campaign.str();
    for (auto* e : path) chain += " → " + entityName(reg, e->rec.agent_entity_id, t);
    chain += " → site " + site->rec.name + " → caller " + caller_ref;
    pass(1, chain);
  }
  const bool have_chain = g1;

  // ---- G2: prior written consent for every sub-tier link; depth limit.
  if (!have_chain) {
    fail(2, "not evaluated: no complete engagement path");
  } else {
    bool ok = true;
    if (static_cast<int>(path.size()) > pol.max_subcontract_depth) {
      fail(2, "chain depth " + std::to_string(path.size()) + " exceeds the campaign's maximum of " +
                  std::to_string(pol.max_subcontract_depth));
      ok = false;
    }
    for (size_t i = 1; i < path.size(); ++i) {
      const Engagement& e = path[i]->rec;
      const Engagement& parent = path[i - 1]->rec;
      std::string link = "engagement " + e.id + " (" + entityName(reg, e.principal_entity_id, t) + " → " +
                         entityName(reg, e.agent_entity_id, t) + ")";
      if (!parent.subcontracting_allowed) {
        fail(2, link + ": the parent engagement " + parent.id + " does not allow subcontracting");
        ok = false;
      }
      if (!e.campaign_consent) {
        fail(2, link + ": no written campaign consent to this subcontract");
        ok = false;
      } else {
        w.narrow(e.campaign_consent->date, t);
        if (e.campaign_consent->date > t) {
          fail(2, link + ": campaign consent dated " + formatIsoUtc(e.campaign_consent->date) + " is after now");
          ok = false;
        }
      }
    }
    if (ok)
      pass(2, path.size() == 1 ? "prime vendor only (depth 1)"
                               : "depth " + std::to_string(path.size()) + " ≤ " +
                                     std::to_string(pol.max_subcontract_depth) + ", every sub-tier has written campaign consent");
  }

  // ---- G3: an unexpired, accepted vetting record for every entity on the path and the site.
  const Versioned<Vetting>* site_vet = nullptr;
  if (!have_chain) {
    fail(3, "not evaluated: no complete engagement path");
  } else {
    bool ok = true;
    std::vector<std::pair<std::string, std::string>> subjects;
    for (auto* e : path) subjects.push_back({"entity", e->rec.agent_entity_id});
    subjects.push_back({"site", site->rec.id});
    for (auto& [kind, id] : subjects) {
      std::string name = kind == "site" ? "site " + site->rec.name : entityName(reg, id, t);
      auto* v = currentVetting(reg, kind, id, t, &w);
      if (!v) {
        fail(3, name + ": no vetting record");
        ok = false;
        continue;
      }
      used.use(v->meta);
      if (kind == "site") site_vet = v;
      const Vetting& vr = v->rec;
      bool high = vr.risk_rating == RiskRating::kHigh;
      int max_days = high ? pol.high_risk_vetting_max_age_days : pol.vetting_max_age_days;
      TimePoint age_limit = vr.attested_at + max_days * kDay;
      w.narrow(age_limit, t);
      w.narrow(vr.expires_at, t);
      if (vr.status != VettingStatus::kApproved && vr.status != VettingStatus::kConditional) {
        fail(3, name + ": vetting " + vr.id + " is " + std::string(toString(vr.status)));
        ok = false;
      } else if (vr.risk_rating == RiskRating::kProhibited) {
        fail(3, name + ": vetting " + vr.id + " rates the risk prohibited");
        ok = false;
      } else if (t >= vr.expires_at) {
        fail(3, name + ": vetting " + vr.id + " expired " + formatIsoUtc(vr.expires_at));
        ok = false;
      } else if (t >= age_limit) {
        fail(3, name + ": vetting " + vr.id + " is older than " + std::to_string(max_days) + " days" +
                    (high ? " (high risk)" : ""));
        ok = false;
      }
    }
    if (ok) pass(3, std::to_string(subjects.size()) + " vetting records current");
  }

  // Active G4 override for this site (needed by G4).
  const Versioned<Override>* ovr = nullptr;
  if (site) {
    for (auto& oid : reg.overridesFor(campaign.value)) {
      auto* o = reg.override_(oid, t, &w);
      if (!o || o->rec.site_id != site->rec.id || o->rec.gate != "G4") continue;
      w.narrow(o->rec.decision.decided_at, t);
      if (o->rec.expires_at) w.narrow(*o->rec.expires_at, t);
      if (o->rec.decision.decided_at > t) continue;
      if (o->rec.expires_at && t >= *o->rec.expires_at) continue;
      ovr = o;
    }
  }

  // ---- G5 first (G4's override depends on it): wage received by the worker ≥ floor.
  double floor = pol.federal_min_wage;
  std::string floor_src = "federal " + money(pol.federal_min_wage);
  bool g5 = false;
  if (!site) {
    fail(5, "not evaluated: no site");
  } else {
    const std::string& st = site->rec.address.state;
    auto it = pol.state_min_wage.find(st);
    if (it != pol.state_min_wage.end()) {
      floor_src += ", " + st + " " + money(it->second);
      floor = std::max(floor, it->second);
    }
    if (pol.campaign_wage_floor > 0) {
      floor_src += ", campaign " + money(pol.campaign_wage_floor);
      floor = std::max(floor, pol.campaign_wage_floor);
    }
    if (!site_vet) {
      fail(5, "site " + site->rec.name + ": no current vetting record attests the wage");
    } else {
      const Vetting& v = site_vet->rec;
      if (v.wage_paid_to != WagePaidTo::kWorker) {
        fail(5, "site " + site->rec.name + ": the wage (" + money(v.wage_floor_hourly) + "/h) is paid to " +
                    (v.wage_paid_to_name.empty() ? std::string(toString(v.wage_paid_to)) : v.wage_paid_to_name) +
                    ", not to the worker; workers receive " + money(v.workerReceivedHourly()) +
                    "/h, below the floor " + money(floor) + " (max of " + floor_src + ")");
      } else if (v.wage_floor_hourly < floor) {
        fail(5, "site " + site->rec.name + ": attested wage " + money(v.wage_floor_hourly) + "/h is below the floor " +
                    money(floor) + " (max of " + floor_src + ")");
      } else {
        g5 = true;
        pass(5, "workers receive " + money(v.wage_floor_hourly) + "/h ≥ floor " + money(floor) + " (max of " +
                    floor_src + ")");
      }
    }
  }

  // ---- G4: the facility type is not denied (correctional, detention, work-release).
  if (!site) {
    fail(4, "not evaluated: no site");
  } else {
    std::vector<std::string> reasons;
    if (pol.deny_site_types.count(site->rec.site_type))
      reasons.push_back("site " + site->rec.name + " is a " + siteTypeLabel(site->rec.site_type));
    if (!site->rec.facility_authority_entity_id.empty()) {
      auto* fa = reg.entity(site->rec.facility_authority_entity_id, t, &w);
      if (fa) used.use(fa->meta);
      if (fa && fa->rec.entity_type == EntityType::kCorrectionalIndustriesProgram)
        reasons.push_back("its facility authority " + fa->rec.legal_name + " is a correctional-industries programme");
    }
    if (site_vet && site_vet->rec.incarcerated_workers_present)
      reasons.push_back("vetting " + site_vet->rec.id + " attests incarcerated workers are present");
    if (caller && isDeniedWorker(caller->rec.worker_category))
      reasons.push_back("caller '" + caller_ref + "' is registered as " +
                        std::string(toString(caller->rec.worker_category)));
    for (auto* e : path) {
      auto* ent = reg.entity(e->rec.agent_entity_id, t);
      if (ent && ent->rec.entity_type == EntityType::kCorrectionalIndustriesProgram)
        reasons.push_back("engaged entity " + ent->rec.legal_name + " is a correctional-industries programme");
    }
    if (reasons.empty()) {
      pass(4, "site " + site->rec.name + " is a " + siteTypeLabel(site->rec.site_type) + "; no incarcerated workers attested");
    } else {
      std::string why;
      for (auto& r : reasons) why += (why.empty() ? "" : "; ") + r;
      if (ovr && g5) {
        used.use(ovr->meta);
        pass(4, "OVERRIDDEN by campaign decision " + ovr->rec.id + " (" + ovr->rec.decision.decided_by +
                    (ovr->rec.decision.title.empty() ? "" : ", " + ovr->rec.decision.title) + ", " +
                    formatIsoUtc(ovr->rec.decision.decided_at) + ": " + ovr->rec.decision.reason +
                    ") with worker-received wage at or above the floor; otherwise denied: " + why);
      } else if (ovr) {
        used.use(ovr->meta);
        fail(4, why + "; override " + ovr->rec.id + " does not apply because the worker-received wage is below the floor");
      } else {
        fail(4, why + " (denied by campaign policy; only a recorded campaign override with worker-received wage at or above the floor can allow it)");
      }
    }
  }

  // ---- G6: hours (SA8000: ≤48 normal + ≤12 overtime; RBA: ≤60 total; ≥1 day off in 7).
  if (!site_vet) {
    fail(6, "not evaluated: no current site vetting record");
  } else {
    const Vetting& v = site_vet->rec;
    double normal = v.hours_normal_max.value_or(1e9), ot = v.overtime_max.value_or(1e9),
           off = v.days_off_per_7.value_or(0);
    bool ok = off >= 1;
    std::string std_name(toString(pol.hours_standard));
    if (pol.hours_standard == HoursStandard::kSa8000) ok = ok && normal <= 48 && ot <= 12;
    else if (pol.hours_standard == HoursStandard::kRba) ok = ok && normal + ot <= 60;
    else ok = ok && normal + ot <= pol.custom_hours_max_total;
    std::ostringstream s;
    s << "attested " << normal << " h normal + " << ot << " h overtime, " << off << " day(s) off in 7 against "
      << std_name;
    ok ? pass(6, s.str()) : fail(6, s.str() + ": exceeds the standard");
  }

  // ---- G7: independent verification for high-risk sites.
  if (!site_vet) {
    fail(7, "not evaluated: no current site vetting record");
  } else {
    const Vetting& v = site_vet->rec;
    bool high = v.risk_rating == RiskRating::kHigh || v.risk_rating == RiskRating::kProhibited ||
                v.incarcerated_workers_present || pol.deny_site_types.count(site->rec.site_type) ||
                site->rec.site_type == SiteType::kCorrectionalFacility ||
                site->rec.site_type == SiteType::kDetentionCenter || site->rec.site_type == SiteType::kWorkReleaseCenter;
    static const std::set<std::string> kIndependent = {"third_party_audit", "site_visit_unannounced",
                                                       "worker_voice_survey"};
    std::string found;
    for (auto& m : v.verification_methods)
      if (kIndependent.count(m)) found = m;
    if (!high) pass(7, "site is not high-risk (" + std::string(toString(v.risk_rating)) + ")");
    else if (!found.empty()) pass(7, "high-risk site independently verified (" + found + ")");
    else fail(7, "high-risk site has no independent verification (third-party audit, unannounced visit or worker-voice survey)");
  }

  // ---- G8: caller–site binding (network identifiers).
  if (!site || !caller) {
    fail(8, "not evaluated: no site");
  } else {
    std::vector<std::string> nets = site->rec.network_identifiers;
    if (site->rec.site_type == SiteType::kHomeRemote) nets = caller->rec.remote_networks;
    if (nets.empty()) {
      fail(8, site->rec.site_type == SiteType::kHomeRemote
                  ? "remote caller '" + caller_ref + "' has no registered remote network"
                  : "site " + site->rec.name + " has no registered network identifiers");
    } else if (ctx.session_ip) {
      bool in = std::any_of(nets.begin(), nets.end(), [&](auto& n) { return ipInCidr(*ctx.session_ip, n); });
      in ? pass(8, "session address " + *ctx.session_ip + " is inside the site's registered networks")
         : fail(8, "session address " + *ctx.session_ip + " is outside the site's registered networks (quarantine)");
    } else {
      pass(8, "caller bound to site " + site->rec.id + " (" + std::to_string(nets.size()) +
                  " registered network identifier(s); session address checked at login)");
    }
  }

  // ---- G9: sanctions / registration screening, fresh.
  if (!have_chain) {
    fail(9, "not evaluated: no complete engagement path");
  } else {
    bool ok = true;
    for (auto* e : path) {
      const std::string& ent = e->rec.agent_entity_id;
      const Versioned<SanctionsCheck>* best = nullptr;
      for (auto& sid : reg.sanctionsFor(ent)) {
        auto* s = reg.sanctions(sid, t, &w);
        if (!s || s->rec.entity_id != ent) continue;
        w.narrow(s->rec.checked_at, t);
        if (s->rec.checked_at > t) continue;
        if (!best || s->rec.checked_at > best->rec.checked_at) best = s;
      }
      std::string name = entityName(reg, ent, t);
      if (!best) {
        fail(9, name + ": no sanctions screening recorded");
        ok = false;
        continue;
      }
      used.use(best->meta);
      TimePoint stale = best->rec.checked_at + pol.sanctions_max_age_days * kDay;
      w.narrow(stale, t);
      if (best->rec.result != "clear") {
        fail(9, name + ": screening " + best->rec.id + " found a hit");
        ok = false;
      } else if (t >= stale) {
        fail(9, name + ": screening " + best->rec.id + " is older than " + std::to_string(pol.sanctions_max_age_days) + " days");
        ok = false;
      }
    }
    if (ok) pass(9, "every engaged entity screened clear within " + std::to_string(pol.sanctions_max_age_days) + " days");
  }

  // ---- G10: the compliance engine's decision.
  if (ctx.g10 && *ctx.g10) {
    GateResult r = (*ctx.g10)(campaign, caller_ref, t);
    r.gate = "G10";
    g[9] = r;
  } else {
    pass(10, "decided per dial by the compliance engine (its authorization id is on the call record)");
  }

  d.gates = g;
  std::vector<std::string> failed;
  for (auto& r : g)
    if (!r.passed) failed.push_back(r.gate);
  d.allowed = failed.empty();
  if (d.allowed) {
    d.reason = "allowed: every vendor-chain gate passed";
  } else {
    std::string ids;
    for (auto& f : failed) ids += (ids.empty() ? "" : ", ") + f;
    const GateResult* first = nullptr;
    for (auto& r : g)
      if (!r.passed && r.detail.rfind("not evaluated", 0) != 0) {
        first = &r;
        break;
      }
    if (!first)
      for (auto& r : g)
        if (!r.passed) {
          first = &r;
          break;
        }
    d.reason = "refused by " + ids + ": " + first->detail;
  }
  d.record_versions.assign(used.versions.begin(), used.versions.end());
  std::string joined;
  for (auto& v : d.record_versions) joined += (joined.empty() ? "" : "\n") + v;
  d.vetting_snapshot_hash = sha256Hex(joined);
  return ev;
}

}  // namespace clearline::core::vendor
