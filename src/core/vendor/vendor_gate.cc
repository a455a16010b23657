#include "core/vendor/vendor_gate.h"

namespace clearline::core::vendor {

VendorCallerGate::VendorCallerGate(std::shared_ptr<const Registry> registry)
    : registry_(std::move(registry)) {}

GateContext VendorCallerGate::context() const {
  GateContext ctx;
  ctx.g10 = hook_ ? &hook_ : nullptr;
  return ctx;
}

void VendorCallerGate::setRegistry(std::shared_ptr<const Registry> registry) {
  registry_ = std::move(registry);
  ++generation_;
  cache_.clear();
}

GateDecision VendorCallerGate::checkLogin(CampaignId campaign, const std::string& caller_ref, TimePoint now) {
  return evaluateGates(*registry_, campaign, caller_ref, now, context()).decision;
}

GateDecision VendorCallerGate::checkLogin(CampaignId campaign, const std::string& caller_ref, TimePoint now,
                                          const std::string& session_ip) {
  GateContext ctx = context();
  ctx.session_ip = session_ip;
  return evaluateGates(*registry_, campaign, caller_ref, now, ctx).decision;
}

GateDecision VendorCallerGate::checkRouting(CampaignId campaign, const std::string& caller_ref, TimePoint now) {
  return routingDecision(campaign, caller_ref, now);
}

const GateDecision& VendorCallerGate::routingDecision(CampaignId campaign, const std::string& caller_ref,
                                                      TimePoint now) {
  CallerMap& callers = cache_[campaign.value];
  auto it = callers.find(std::string_view(caller_ref));
  if (it != callers.end()) {
    Entry& e = it->second;
    if (e.generation == generation_ && e.window.since <= now && now < e.window.until) {
      ++stats_.hits;
      return e.decision;
    }
  } else {
    it = callers.emplace(caller_ref, Entry{}).first;
  }
  ++stats_.misses;
  GateEvaluation ev = evaluateGates(*registry_, campaign, caller_ref, now, context());
  // A G10 hook's answer may change at any time: never cache across calls then.
  if (hook_) ev.window = Window{now, now + Millis(1)};
  it->second = Entry{generation_, ev.window, std::move(ev.decision)};
  return it->second.decision;
}

}  // namespace clearline::core::vendor
