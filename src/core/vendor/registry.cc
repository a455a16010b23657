#include "core/vendor/registry.h"

#include <algorithm>
#include <set>

#include "common/sha256.h"
#include "common/time_util.h"

namespace clearline::core::vendor {

std::string RecordVersion::label() const {
  return std::string(toString(kind)) + ":" + id + "@" + std::to_string(version);
}

std::string computeRecordHash(const RecordVersion& v) {
  Json j{{"kind", toString(v.kind)},
         {"id", v.id},
         {"version", v.version},
         {"valid_from", formatIsoUtc(v.valid_from)},
         {"data", v.data}};
  return sha256Hex(canonicalJson(j));
}

template <typename T>
Status Registry::addTo(Table<T>& table, RecordVersion v, T rec) {
  auto& list = table[v.id];
  auto pos = std::lower_bound(list.begin(), list.end(), v.version,
                              [](const Versioned<T>& a, int ver) { return a.meta.version < ver; });
  if (pos != list.end() && pos->meta.version == v.version) {
    return Status::alreadyExists(v.label() + " exists", "version");
  }
  pos = list.insert(pos, Versioned<T>{std::move(v), std::move(rec)});
  for (size_t i = 0; i < list.size(); ++i) {
    list[i].meta.valid_to = i + 1 < list.size() ? std::optional<TimePoint>(list[i + 1].meta.valid_from)
                                                : std::nullopt;
  }
  return Status::ok();
}

template <typename T>
const Versioned<T>* Registry::asOf(const Table<T>& table, const std::string& id, TimePoint t, Window* w) {
  auto it = table.find(id);
  if (it == table.end()) return nullptr;
  const auto& list = it->second;
  const Versioned<T>* found = nullptr;
  for (const auto& v : list) {
    if (v.meta.valid_from <= t && (!v.meta.valid_to || t < *v.meta.valid_to)) found = &v;
  }
  if (w) {
    if (found) {
      w->narrow(found->meta.valid_from, t);
      if (found->meta.valid_to) w->narrow(*found->meta.valid_to, t);
    } else {
      for (const auto& v : list) w->narrow(v.meta.valid_from, t);
    }
  }
  return found;
}

Status Registry::add(RecordVersion v) {
  ++count_;
  switch (v.kind) {
    case RecordKind::kEntity: {
      ASSIGN_OR_RETURN(auto r, parseEntity(v.data));
      return addTo(entities_, std::move(v), std::move(r));
    }
    case RecordKind::kEngagement: {
      ASSIGN_OR_RETURN(auto r, parseEngagement(v.data));
      auto& kids = children_[r.parent_engagement_id];
      if (std::find(kids.begin(), kids.end(), r.id) == kids.end()) kids.push_back(r.id);
      return addTo(engagements_, std::move(v), std::move(r));
    }
    case RecordKind::kSite: {
      ASSIGN_OR_RETURN(auto r, parseSite(v.data));
      return addTo(sites_, std::move(v), std::move(r));
    }
    case RecordKind::kVetting: {
      ASSIGN_OR_RETURN(auto r, parseVetting(v.data));
      auto& ids = vetting_by_subject_[{r.subject_kind, r.subject_id}];
      if (std::find(ids.begin(), ids.end(), r.id) == ids.end()) ids.push_back(r.id);
      return addTo(vettings_, std::move(v), std::move(r));
    }
    case RecordKind::kCaller: {
      ASSIGN_OR_RETURN(auto r, parseCaller(v.data));
      return addTo(callers_, std::move(v), std::move(r));
    }
    case RecordKind::kPolicy: {
      ASSIGN_OR_RETURN(auto r, parsePolicy(v.data));
      return addTo(policies_, std::move(v), std::move(r));
    }
    case RecordKind::kOverride: {
      ASSIGN_OR_RETURN(auto r, parseOverride(v.data));
      auto& ids = overrides_by_campaign_[r.campaign_id];
      if (std::find(ids.begin(), ids.end(), r.id) == ids.end()) ids.push_back(r.id);
      return addTo(overrides_, std::move(v), std::move(r));
    }
    case RecordKind::kSanctions: {
      ASSIGN_OR_RETURN(auto r, parseSanctions(v.data));
      auto& ids = sanctions_by_entity_[r.entity_id];
      if (std::find(ids.begin(), ids.end(), r.id) == ids.end()) ids.push_back(r.id);
      return addTo(sanctions_, std::move(v), std::move(r));
    }
  }
  return Status::internal("unknown record kind");
}

const Versioned<Entity>* Registry::entity(const std::string& id, TimePoint t, Window* w) const {
  return asOf(entities_, id, t, w);
}
const Versioned<Engagement>* Registry::engagement(const std::string& id, TimePoint t, Window* w) const {
  return asOf(engagements_, id, t, w);
}
const Versioned<Site>* Registry::site(const std::string& id, TimePoint t, Window* w) const {
  return asOf(sites_, id, t, w);
}
const Versioned<Vetting>* Registry::vetting(const std::string& id, TimePoint t, Window* w) const {
  return asOf(vettings_, id, t, w);
}
const Versioned<Caller>* Registry::caller(const std::string& ref, TimePoint t, Window* w) const {
  return asOf(callers_, ref, t, w);
}
const Versioned<Policy>* Registry::policy(int64_t campaign_id, TimePoint t, Window* w) const {
  return asOf(policies_, std::to_string(campaign_id), t, w);
}
const Versioned<Override>* Registry::override_(const std::string& id, TimePoint t, Window* w) const {
  return asOf(overrides_, id, t, w);
}
const Versioned<SanctionsCheck>* Registry::sanctions(const std::string& id, TimePoint t, Window* w) const {
  return asOf(sanctions_, id, t, w);
}

namespace {
template <typename T>
std::vector<std::string> keysOf(const std::map<std::string, std::vector<Versioned<T>>>& t) {
  std::vector<std::string> out;
  for (auto& [k, v] : t) out.push_back(k);
  return out;
}
template <typename T>
std::vector<const RecordVersion*> versionsOf(const std::map<std::string, std::vector<Versioned<T>>>& t,
                                             const std::string& id) {
  std::vector<const RecordVersion*> out;
  auto it = t.find(id);
  if (it != t.end())
    for (auto& v : it->second) out.push_back(&v.meta);
  return out;
}
template <typename T>
const Versioned<T>* newest(const std::map<std::string, std::vector<Versioned<T>>>& t, const std::string& id) {
  auto it = t.find(id);
  if (it == t.end() || it->second.empty()) return nullptr;
  return &it->second.back();
}
}  // namespace

std::vector<std::string> Registry::ids(RecordKind kind) const {
  switch (kind) {
    case RecordKind::kEntity: return keysOf(entities_);
    case RecordKind::kEngagement: return keysOf(engagements_);
    case RecordKind::kSite: return keysOf(sites_);
    case RecordKind::kVetting: return keysOf(vettings_);
    case RecordKind::kCaller: return keysOf(callers_);
    case RecordKind::kPolicy: return keysOf(policies_);
    case RecordKind::kOverride: return keysOf(overrides_);
    case RecordKind::kSanctions: return keysOf(sanctions_);
  }
  return {};
}

std::vector<const RecordVersion*> Registry::versions(RecordKind kind, const std::string& id) const {
  switch (kind) {
    case RecordKind::kEntity: return versionsOf(entities_, id);
    case RecordKind::kEngagement: return versionsOf(engagements_, id);
    case RecordKind::kSite: return versionsOf(sites_, id);
    case RecordKind::kVetting: return versionsOf(vettings_, id);
    case RecordKind::kCaller: return versionsOf(callers_, id);
    case RecordKind::kPolicy: return versionsOf(policies_, id);
    case RecordKind::kOverride: return versionsOf(overrides_, id);
    case RecordKind::kSanctions: return versionsOf(sanctions_, id);
  }
  return {};
}

const RecordVersion* Registry::latest(RecordKind kind, const std::string& id) const {
  auto v = versions(kind, id);
  return v.empty() ? nullptr : v.back();
}

std::vector<std::string> Registry::vettingsFor(const std::string& subject_kind,
                                               const std::string& subject_id) const {
  auto it = vetting_by_subject_.find({subject_kind, subject_id});
  return it == vetting_by_subject_.end() ? std::vector<std::string>{} : it->second;
}
std::vector<std::string> Registry::sanctionsFor(const std::string& entity_id) const {
  auto it = sanctions_by_entity_.find(entity_id);
  return it == sanctions_by_entity_.end() ? std::vector<std::string>{} : it->second;
}
std::vector<std::string> Registry::overridesFor(int64_t campaign_id) const {
  auto it = overrides_by_campaign_.find(campaign_id);
  return it == overrides_by_campaign_.end() ? std::vector<std::string>{} : it->second;
}
std::vector<std::string> Registry::childEngagements(const std::string& parent_id) const {
  auto it = children_.find(parent_id);
  return it == children_.end() ? std::vector<std::string>{} : it->second;
}

Status Registry::validateStructure() const {
  auto bad = [](const std::string& rec, const std::string& field, const std::string& why) {
    return Status::invalidArgument(rec + ": " + field + ": " + why, field);
  };
  for (auto& [id, list] : entities_) {
    const Entity& e = list.back().rec;
    if (!e.parent_entity_id.empty()) {
      if (!newest(entities_, e.parent_entity_id))
        return bad("entity " + id, "parent_entity_id", "unknown entity '" + e.parent_entity_id + "'");
      std::set<std::string> seen{id};
      std::string p = e.parent_entity_id;
      while (!p.empty()) {
        if (!seen.insert(p).second) return bad("entity " + id, "parent_entity_id", "corporate parents form a cycle");
        auto* pe = newest(entities_, p);
        p = pe ? pe->rec.parent_entity_id : "";
      }
    }
  }
  for (auto& [id, list] : engagements_) {
    const Engagement& e = list.back().rec;
    const std::string rec = "engagement " + id;
    if (!newest(entities_, e.agent_entity_id))
      return bad(rec, "agent_entity_id", "unknown entity '" + e.agent_entity_id + "'");
    if (e.parent_engagement_id.empty()) continue;
    auto* parent = newest(engagements_, e.parent_engagement_id);
    if (!parent) return bad(rec, "parent_engagement_id", "unknown engagement '" + e.parent_engagement_id + "'");
    // Cycle: walk up the parents; entities must not repeat either.
    std::set<std::string> seen_eng{id};
    std::set<std::string> seen_ent{e.agent_entity_id};
    const Engagement* cur = &e;
    while (!cur->parent_engagement_id.empty()) {
      auto* up = newest(engagements_, cur->parent_engagement_id);
      if (!up) break;
      if (!seen_eng.insert(up->rec.id).second)
        return bad(rec, "parent_engagement_id", "the chain of parent engagements forms a cycle through '" + up->rec.id + "'");
      if (!seen_ent.insert(up->rec.agent_entity_id).second)
        return bad(rec, "agent_entity_id",
                   "entity '" + up->rec.agent_entity_id + "' appears twice on the chain (cycle)");
      cur = &up->rec;
    }
    const Engagement& p = parent->rec;
    if (e.principal_entity_id != p.agent_entity_id)
      return bad(rec, "principal_entity_id",
                 "is '" + e.principal_entity_id + "' but the parent engagement " + p.id + "'s agent is '" +
                     p.agent_entity_id + "'");
    if (e.effective_from < p.effective_from)
      return bad(rec, "effective_from",
                 formatIsoUtc(e.effective_from) + " is before the parent engagement " + p.id + "'s start " +
                     formatIsoUtc(p.effective_from));
    if (p.effective_to) {
      if (!e.effective_to)
        return bad(rec, "effective_to", "is open but the parent engagement " + p.id + " ends " + formatIsoUtc(*p.effective_to));
      if (*e.effective_to > *p.effective_to)
        return bad(rec, "effective_to",
                   formatIsoUtc(*e.effective_to) + " is after the parent engagement " + p.id + "'s end " +
                       formatIsoUtc(*p.effective_to));
    }
    if (p.effective_to && e.effective_from >= *p.effective_to)
      return bad(rec, "effective_from", "starts after the parent engagement " + p.id + " ended");
  }
  for (auto& [id, list] : sites_) {
    const Site& s = list.back().rec;
    if (!newest(entities_, s.operator_entity_id))
      return bad("site " + id, "operator_entity_id", "unknown entity '" + s.operator_entity_id + "'");
    if (!s.facility_authority_entity_id.empty() && !newest(entities_, s.facility_authority_entity_id))
      return bad("site " + id, "facility_authority_entity_id",
                 "unknown entity '" + s.facility_authority_entity_id + "'");
  }
  for (auto& [id, list] : vettings_) {
    const Vetting& v = list.back().rec;
    bool ok = v.subject_kind == "site" ? newest(sites_, v.subject_id) != nullptr
                                       : newest(entities_, v.subject_id) != nullptr;
    if (!ok) return bad("vetting " + id, "subject_id", "unknown " + v.subject_kind + " '" + v.subject_id + "'");
  }
  for (auto& [id, list] : callers_) {
    const Caller& c = list.back().rec;
    auto* s = newest(sites_, c.site_id);
    if (!s) return bad("caller " + id, "site_id", "unknown site '" + c.site_id + "'");
    auto* e = newest(engagements_, c.engagement_id);
    if (!e) return bad("caller " + id, "engagement_id", "unknown engagement '" + c.engagement_id + "'");
    if (e->rec.agent_entity_id != s->rec.operator_entity_id)
      return bad("caller " + id, "engagement_id",
                 "engagement " + c.engagement_id + "'s agent '" + e->rec.agent_entity_id +
                     "' does not operate site " + c.site_id + " (operator '" + s->rec.operator_entity_id + "')");
  }
  for (auto& [id, list] : overrides_) {
    const Override& o = list.back().rec;
    if (!newest(sites_, o.site_id)) return bad("override " + id, "site_id", "unknown site '" + o.site_id + "'");
  }
  for (auto& [id, list] : sanctions_) {
    const SanctionsCheck& s = list.back().rec;
    if (!newest(entities_, s.entity_id))
      return bad("sanctions " + id, "entity_id", "unknown entity '" + s.entity_id + "'");
  }
  return Status::ok();
}

}  // namespace clearline::core::vendor
