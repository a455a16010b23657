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
}

GateDecisionPtr VendorCallerGate::checkLogin(CampaignId campaign, const std::string& caller_ref, TimePoint now) {
  return shareDecision(std::move(evaluateGates(*registry_, campaign, caller_ref, now, context()).decision));
}

GateDecisionPtr VendorCallerGate::checkLogin(CampaignId campaign, const std::string& caller_ref, TimePoint now,
                                             const std::string& session_ip) {
  GateContext ctx = context();
  ctx.session_ip = session_ip;
  return shareDecision(std::move(evaluateGates(*registry_, campaign, caller_ref, now, ctx).decision));
}

GateDecisionPtr VendorCallerGate::checkRouting(CampaignId campaign, const std::string& caller_ref, TimePoint now) {
  return routingDecisionPtr(handle(campaign, caller_ref), now);
}

VendorCallerGate::Entry* VendorCallerGate::handle(CampaignId campaign, const std::string& caller_ref) {
  CallerMap& callers = cache_[campaign.value];
  auto it = callers.find(std::string_view(caller_ref));
  if (it == callers.end()) {
    it = callers.emplace(caller_ref, Entry{}).first;
    it->second.campaign = campaign;
    it->second.caller_ref = caller_ref;
  }
  return &it->second;
}

const GateDecision& VendorCallerGate::routingDecision(CampaignId campaign, const std::string& caller_ref,
                                                      TimePoint now) {
  return *routingDecisionPtr(handle(campaign, caller_ref), now);
}

const GateDecision& VendorCallerGate::routingDecision(Entry* e, TimePoint now) { return *routingDecisionPtr(e, now); }

const GateDecisionPtr& VendorCallerGate::routingDecisionPtr(Entry* e, TimePoint now) {
  if (e->generation == generation_ && e->window.since <= now && now < e->window.until) {
    ++stats_.hits;
    return e->decision;
  }
  return refresh(*e, now);
}

const GateDecisionPtr& VendorCallerGate::refresh(Entry& e, TimePoint now) {
  ++stats_.misses;
  GateEvaluation ev = evaluateGates(*registry_, e.campaign, e.caller_ref, now, context());
  // A G10 hook's answer may change at any time: never cache across instants then.
  if (hook_) ev.window = Window{now, now + Millis(1)};
  e.generation = generation_;
  e.window = ev.window;
  e.decision = shareDecision(std::move(ev.decision));
  return e.decision;
}

}  // namespace clearline::core::vendor
