#include "core/policy/internal_dnc.h"

#include "core/policy/number.h"

namespace clearline::core::policy {

std::string_view toString(DncScope s) {
  switch (s) {
    case DncScope::kCampaign: return "campaign";
    case DncScope::kOrganisation: return "organisation";
    case DncScope::kPlatform: return "platform";
  }
  return "campaign";
}

Result<DncScope> parseDncScope(std::string_view s) {
  if (s == "campaign") return DncScope::kCampaign;
  if (s == "organisation" || s == "organization" || s == "org") return DncScope::kOrganisation;
  if (s == "platform") return DncScope::kPlatform;
  return Status::invalidArgument("unknown do-not-call scope '" + std::string(s) +
                                     "' (expected campaign, organisation or platform)",
                                 "scope");
}

void InternalDnc::add(InternalDncEntry e) {
  auto n = parsePolicyNumber(e.e164);
  if (!n) return;
  if (present_.empty()) present_.assign(size_t{1} << (kFilterBits - 6), 0);
  size_t s = filterSlot(n->key);
  present_[s >> 6] |= uint64_t{1} << (s & 63);
  by_number_[n->key].push_back(std::move(e));
  ++count_;
}

int InternalDnc::remove(DncScope scope, int64_t scope_id, const std::string& e164) {
  auto n = parsePolicyNumber(e164);
  if (!n) return 0;
  auto it = by_number_.find(n->key);
  if (it == by_number_.end()) return 0;
  int removed = 0;
  auto& v = it->second;
  for (size_t i = v.size(); i-- > 0;) {
    if (v[i].scope == scope && v[i].scope_id == scope_id) {
      v.erase(v.begin() + static_cast<ptrdiff_t>(i));
      ++removed;
    }
  }
  count_ -= static_cast<size_t>(removed);
  if (v.empty()) by_number_.erase(it);
  return removed;
}

const InternalDncEntry* InternalDnc::find(uint64_t key, CampaignId campaign, OrgId org, TimePoint now) const {
  if (by_number_.empty() || !mayContain(key)) return nullptr;
  auto it = by_number_.find(key);
  if (it == by_number_.end()) return nullptr;
  for (const auto& e : it->second) {
    if (e.expires_at && *e.expires_at <= now) continue;
    if (e.recorded_at > now && e.requested_at > now) continue;  // not yet requested
    bool match = (e.scope == DncScope::kPlatform) ||
                 (e.scope == DncScope::kCampaign && e.scope_id == campaign.value) ||
                 (e.scope == DncScope::kOrganisation && e.scope_id == org.value);
    if (match) return &e;
  }
  return nullptr;
}

}  // namespace clearline::core::policy
