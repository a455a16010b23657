#include "daemon/chain_gate.h"

namespace clearline::daemon {

ChainGate::ChainGate(std::shared_ptr<const core::vendor::Registry> reg) : reg_(reg), gate_(reg) {}

bool ChainGate::hasChain(CampaignId campaign, TimePoint now) const {
  (void)now;
  // The answer depends only on the registry snapshot: computed once per campaign and snapshot.
  auto cached = has_chain_.find(campaign.value);
  if (cached != has_chain_.end()) return cached->second;
  bool found = false;
  for (const auto& id : reg_->childEngagements("")) {
    const auto* latest = reg_->latest(core::vendor::RecordKind::kEngagement, id);
    if (latest && latest->data.value("campaign_id", int64_t{0}) == campaign.value) {
      found = true;
      break;
    }
  }
  has_chain_.emplace(campaign.value, found);
  return found;
}

core::GateDecisionPtr ChainGate::checkLogin(CampaignId campaign, const std::string& caller_ref, TimePoint now) {
  if (!hasChain(campaign, now)) return none_.checkLogin(campaign, caller_ref, now);
  return gate_.checkLogin(campaign, caller_ref, now);
}

core::GateDecisionPtr ChainGate::checkRouting(CampaignId campaign, const std::string& caller_ref, TimePoint now) {
  if (!hasChain(campaign, now)) return none_.checkRouting(campaign, caller_ref, now);
  return gate_.checkRouting(campaign, caller_ref, now);
}

void ChainGate::setRegistry(std::shared_ptr<const core::vendor::Registry> reg) {
  reg_ = reg;
  has_chain_.clear();
  gate_.setRegistry(std::move(reg));
}

}  // namespace clearline::daemon
