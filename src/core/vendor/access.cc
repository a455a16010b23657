#include "core/vendor/access.h"

#include <set>

namespace clearline::core::vendor {
namespace {

// The sets of ids a principal reaches (by the newest version of each record).
struct Scope {
  std::set<std::string> entities, entities_read, engagements, engagements_read, sites, callers, vettings, sanctions;
  std::set<std::string> policies, overrides;
};

template <typename T, typename F>
void forLatest(const Registry& reg, RecordKind kind, F&& fn) {
  for (auto& id : reg.ids(kind)) {
    auto* v = reg.latest(kind, id);
    if (!v) continue;
    if constexpr (std::is_same_v<T, Engagement>) {
      auto r = parseEngagement(v->data);
      if (r.isOk()) fn(*r);
    } else if constexpr (std::is_same_v<T, Site>) {
      auto r = parseSite(v->data);
      if (r.isOk()) fn(*r);
    } else if constexpr (std::is_same_v<T, Caller>) {
      auto r = parseCaller(v->data);
      if (r.isOk()) fn(*r);
    } else if constexpr (std::is_same_v<T, Vetting>) {
      auto r = parseVetting(v->data);
      if (r.isOk()) fn(*r);
    } else if constexpr (std::is_same_v<T, SanctionsCheck>) {
      auto r = parseSanctions(v->data);
      if (r.isOk()) fn(*r);
    } else if constexpr (std::is_same_v<T, Override>) {
      auto r = parseOverride(v->data);
      if (r.isOk()) fn(*r);
    }
  }
}

Scope scopeOf(const Registry& reg, const Principal& who) {
  Scope s;
  if (who.kind == Principal::Kind::kCaller) return s;
  // Engagements in scope: rooted at the campaign, or with the vendor as principal, then all below.
  std::vector<std::string> frontier;
  forLatest<Engagement>(reg, RecordKind::kEngagement, [&](const Engagement& e) {
    if (who.kind == Principal::Kind::kCampaign && e.parent_engagement_id.empty() && e.campaign_id == who.campaign_id)
      frontier.push_back(e.id);
    if (who.kind == Principal::Kind::kVendor && e.principal_entity_id == who.entity_id) frontier.push_back(e.id);
    if (who.kind == Principal::Kind::kVendor && e.agent_entity_id == who.entity_id) s.engagements_read.insert(e.id);
  });
  while (!frontier.empty()) {
    std::string id = frontier.back();
    frontier.pop_back();
    if (!s.engagements.insert(id).second) continue;
    for (auto& kid : reg.childEngagements(id)) frontier.push_back(kid);
  }
  if (who.kind == Principal::Kind::kVendor) s.entities.insert(who.entity_id);
  for (auto& id : s.engagements) {
    auto* v = reg.latest(RecordKind::kEngagement, id);
    auto e = parseEngagement(v->data);
    if (!e.isOk()) continue;
    s.entities.insert(e->agent_entity_id);
    if (who.kind == Principal::Kind::kCampaign && !e->principal_entity_id.empty()) s.entities.insert(e->principal_entity_id);
  }
  forLatest<Site>(reg, RecordKind::kSite, [&](const Site& site) {
    if (s.entities.count(site.operator_entity_id)) s.sites.insert(site.id);
  });
  // Facility authorities of sites in scope (and their corporate parents) are
  // part of the picture: the campaign may edit them, a vendor only read them.
  forLatest<Site>(reg, RecordKind::kSite, [&](const Site& site) {
    if (!s.sites.count(site.id) || site.facility_authority_entity_id.empty()) return;
    std::string id = site.facility_authority_entity_id;
    for (int hops = 0; !id.empty() && hops < 16; ++hops) {
      (who.kind == Principal::Kind::kCampaign ? s.entities : s.entities_read).insert(id);
      auto* l = reg.latest(RecordKind::kEntity, id);
      auto e = l ? parseEntity(l->data) : Result<Entity>(Status::notFound(id));
      id = e.isOk() ? e->parent_entity_id : "";
    }
  });
  forLatest<Caller>(reg, RecordKind::kCaller, [&](const Caller& c) {
    if (s.sites.count(c.site_id) && s.engagements.count(c.engagement_id)) s.callers.insert(c.ref);
    else if (who.kind == Principal::Kind::kVendor && s.sites.count(c.site_id) && who.entity_id.size() &&
             s.engagements_read.count(c.engagement_id))
      s.callers.insert(c.ref);  // the vendor's own callers under the engagement that engages it
  });
  forLatest<Vetting>(reg, RecordKind::kVetting, [&](const Vetting& v) {
    if ((v.subject_kind == "entity" && s.entities.count(v.subject_id)) ||
        (v.subject_kind == "site" && s.sites.count(v.subject_id)))
      s.vettings.insert(v.id);
  });
  forLatest<SanctionsCheck>(reg, RecordKind::kSanctions, [&](const SanctionsCheck& c) {
    if (s.entities.count(c.entity_id)) s.sanctions.insert(c.id);
  });
  if (who.kind == Principal::Kind::kCampaign) {
    s.policies.insert(std::to_string(who.campaign_id));
    for (auto& o : reg.overridesFor(who.campaign_id)) s.overrides.insert(o);
  }
  return s;
}

bool inScope(const Scope& s, const Principal& who, const RecordRef& rec, AccessMode mode) {
  const bool vendor = who.kind == Principal::Kind::kVendor;
  switch (rec.kind) {
    case RecordKind::kEntity:
      return s.entities.count(rec.id) > 0 || (mode == AccessMode::kRead && s.entities_read.count(rec.id) > 0);
    case RecordKind::kEngagement:
      return s.engagements.count(rec.id) > 0 || (mode == AccessMode::kRead && s.engagements_read.count(rec.id) > 0);
    case RecordKind::kSite: return s.sites.count(rec.id) > 0;
    case RecordKind::kVetting: return s.vettings.count(rec.id) > 0;
    case RecordKind::kCaller: return s.callers.count(rec.id) > 0;
    case RecordKind::kSanctions: return s.sanctions.count(rec.id) > 0 && (!vendor || mode == AccessMode::kRead);
    case RecordKind::kPolicy: return s.policies.count(rec.id) > 0;
    case RecordKind::kOverride: return s.overrides.count(rec.id) > 0;
  }
  return false;
}

}  // namespace

std::string Principal::describe() const {
  switch (kind) {
    case Kind::kCampaign: return "campaign " + std::to_string(campaign_id);
    case Kind::kVendor: return "vendor " + entity_id;
    case Kind::kCaller: return "caller " + caller_ref;
  }
  return "?";
}

bool canAccess(const Registry& reg, const Principal& who, const RecordRef& rec, AccessMode mode) {
  if (who.kind == Principal::Kind::kCaller) return false;
  if (!reg.latest(rec.kind, rec.id)) return false;
  return inScope(scopeOf(reg, who), who, rec, mode);
}

Status canWriteDocument(const Registry& reg, const Principal& who, RecordKind kind, const Json& doc) {
  auto denied = [&](const std::string& why) {
    return Status::permissionDenied(who.describe() + " may not write this " + std::string(toString(kind)) +
                                    " record: " + why);
  };
  if (who.kind == Principal::Kind::kCaller) return denied("callers see nothing of the registry");
  ASSIGN_OR_RETURN(std::string id, documentId(kind, doc));
  Scope s = scopeOf(reg, who);
  // An existing record must already be in scope.
  if (reg.latest(kind, id) && !inScope(s, who, {kind, id}, AccessMode::kWrite))
    return denied(std::string(toString(kind)) + " " + id + " is outside its subtree");
  const bool vendor = who.kind == Principal::Kind::kVendor;
  switch (kind) {
    case RecordKind::kEntity:
      if (!reg.latest(kind, id)) return Status::ok();  // a new entity is attached by an engagement later
      return Status::ok();
    case RecordKind::kEngagement: {
      ASSIGN_OR_RETURN(auto e, parseEngagement(doc));
      if (e.parent_engagement_id.empty()) {
        if (vendor) return denied("only the campaign creates root engagements");
        if (e.campaign_id != who.campaign_id) return denied("it belongs to campaign " + std::to_string(e.campaign_id));
        return Status::ok();
      }
      if (vendor && e.principal_entity_id != who.entity_id && !s.entities.count(e.principal_entity_id))
        return denied("its principal " + e.principal_entity_id + " is outside the subtree");
      if (!s.engagements.count(e.parent_engagement_id) && !(vendor && s.engagements_read.count(e.parent_engagement_id)))
        return denied("its parent engagement " + e.parent_engagement_id + " is outside the subtree");
      if (vendor && e.campaign_consent && !reg.latest(kind, id))
        return denied("only the campaign records its consent to a subcontract");
      return Status::ok();
    }
    case RecordKind::kSite: {
      ASSIGN_OR_RETURN(auto site, parseSite(doc));
      if (!s.entities.count(site.operator_entity_id))
        return denied("its operator " + site.operator_entity_id + " is outside the subtree");
      return Status::ok();
    }
    case RecordKind::kCaller: {
      ASSIGN_OR_RETURN(auto c, parseCaller(doc));
      if (!s.sites.count(c.site_id)) return denied("site " + c.site_id + " is outside the subtree");
      if (!s.engagements.count(c.engagement_id) && !(vendor && s.engagements_read.count(c.engagement_id)))
        return denied("engagement " + c.engagement_id + " is outside the subtree");
      return Status::ok();
    }
    case RecordKind::kVetting: {
      ASSIGN_OR_RETURN(auto v, parseVetting(doc));
      bool ok = v.subject_kind == "site" ? s.sites.count(v.subject_id) > 0 : s.entities.count(v.subject_id) > 0;
      if (!ok) return denied(v.subject_kind + " " + v.subject_id + " is outside the subtree");
      return Status::ok();
    }
    case RecordKind::kSanctions: {
      if (vendor) return denied("sanctions screening is recorded by the campaign");
      ASSIGN_OR_RETURN(auto c, parseSanctions(doc));
      if (!s.entities.count(c.entity_id)) return denied("entity " + c.entity_id + " is outside the chain");
      return Status::ok();
    }
    case RecordKind::kPolicy:
    case RecordKind::kOverride: {
      if (vendor) return denied("only the campaign sets its vendor policy and overrides");
      int64_t cid = doc.value("campaign_id", int64_t{0});
      if (cid != who.campaign_id) return denied("it belongs to campaign " + std::to_string(cid));
      return Status::ok();
    }
  }
  return denied("unknown kind");
}

std::vector<RecordRef> visibleRecords(const Registry& reg, const Principal& who) {
  std::vector<RecordRef> out;
  if (who.kind == Principal::Kind::kCaller) return out;
  Scope s = scopeOf(reg, who);
  for (auto kind : kAllKinds)
    for (auto& id : reg.ids(kind))
      if (inScope(s, who, {kind, id}, AccessMode::kRead)) out.push_back({kind, id});
  return out;
}

}  // namespace clearline::core::vendor
