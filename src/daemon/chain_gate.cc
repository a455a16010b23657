#include "daemon/chain_gate.h"

namespace clearline::daemon {

ChainGate::ChainGate(std::shared_ptr<const core::vendor::Registry> reg) : reg_(reg), gate_(reg) {}

bool ChainGate::hasChain(CampaignId campaign, TimePoint now) const {
  (void)now;
  for (const auto& id : reg_->childEngagements("")) {
    const auto* latest = reg_->latest(core::vendor::RecordKind::kEngagement, id);
    if (latest && latest->data.value("campaign_id", int64_t{0}) == campaign.value) return true;
  }
  return false;
}

core::GateDecision ChainGate::checkLogin(CampaignId campaign, const std::string& caller_ref, TimePoint now) {
  if (!hasChain(campaign, now)) return none_.checkLogin(campaign, caller_ref, now);
  return gate_.checkLogin(campaign, caller_ref, now);
}

core::GateDecision ChainGate::checkRouting(CampaignId campaign, const std::string& caller_ref, TimePoint now) {
  if (!hasChain(campaign, now)) return none_.checkRouting(campaign, caller_ref, now);
  return gate_.checkRouting(campaign, caller_ref, now);
}

void ChainGate::setRegistry(std::shared_ptr<const core::vendor::Registry> reg) {
  reg_ = reg;
  gate_.setRegistry(std::move(reg));
}

}  // namespace clearline::daemon
