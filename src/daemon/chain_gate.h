// ChainGate: the daemon's CallerGate. Campaigns with a vendor chain in the
// registry (a root engagement for the campaign) are decided by the vendor
// chain's VendorCallerGate (G1–G10, fail-closed); campaigns with no chain at
// all allow every caller ("no vendor chain configured").
// Loop thread only (like VendorCallerGate); setRegistry() installs a new
// snapshot after the store's generation changed.
#pragma once

#include <memory>

#include "core/ports/caller_gate.h"
#include "core/vendor/registry.h"
#include "core/vendor/vendor_gate.h"

namespace clearline::daemon {

class ChainGate final : public core::CallerGate {
 public:
  explicit ChainGate(std::shared_ptr<const core::vendor::Registry> reg);
  core::GateDecision checkLogin(CampaignId campaign, const std::string& caller_ref, TimePoint now) override;
  core::GateDecision checkRouting(CampaignId campaign, const std::string& caller_ref, TimePoint now) override;
  void setRegistry(std::shared_ptr<const core::vendor::Registry> reg);
  uint64_t generation() const { return reg_->generation(); }
  bool hasChain(CampaignId campaign, TimePoint now) const;

 private:
  std::shared_ptr<const core::vendor::Registry> reg_;
  core::vendor::VendorCallerGate gate_;
  core::AllowAllCallerGate none_;
};

}  // namespace clearline::daemon
