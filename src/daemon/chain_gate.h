// ChainGate: the daemon's CallerGate. Campaigns with a vendor chain in the
// registry (a root engagement for the campaign) are decided by the vendor
// chain's VendorCallerGate (G1–G10, fail-closed); campaigns with no chain at
// all allow every caller ("no vendor chain configured").
// Loop thread only (like VendorCallerGate); setRegistry() installs a new
// snapshot after the store's generation changed. Decisions are the port's
// shared immutable GateDecisionPtr (never null); whether a campaign has a chain
// is worked out once per registry snapshot, not at every routing.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>

#include "core/ports/caller_gate.h"
#include "core/vendor/registry.h"
#include "core/vendor/vendor_gate.h"

namespace clearline::daemon {

class ChainGate final : public core::CallerGate {
 public:
  explicit ChainGate(std::shared_ptr<const core::vendor::Registry> reg);
  core::GateDecisionPtr checkLogin(CampaignId campaign, const std::string& caller_ref, TimePoint now) override;
  core::GateDecisionPtr checkRouting(CampaignId campaign, const std::string& caller_ref, TimePoint now) override;
  void setRegistry(std::shared_ptr<const core::vendor::Registry> reg);
  uint64_t generation() const { return reg_->generation(); }
  bool hasChain(CampaignId campaign, TimePoint now) const;

 private:
  std::shared_ptr<const core::vendor::Registry> reg_;
  core::vendor::VendorCallerGate gate_;
  core::AllowAllCallerGate none_;
  mutable std::unordered_map<int64_t, bool> has_chain_;  // per campaign, for reg_; cleared by setRegistry
};

}  // namespace clearline::daemon
