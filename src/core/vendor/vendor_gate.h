// VendorCallerGate: the CallerGate (core/ports/caller_gate.h) over a Registry
// snapshot, with a routing cache.
//
// checkLogin() always evaluates G1–G10 from the registry (logins are rare and
// carry the session address for G8). checkRouting() answers from a cache keyed
// by (campaign, caller): an entry is reused only while (a) the registry
// generation it was computed on is current and (b) `now` lies inside the
// decision's validity window (the next vetting expiry, engagement end, version
// change … ends it). setRegistry() with a new snapshot bumps the generation, so
// any change in the chain takes effect at the next routing, without a restart.
//
// Cache entries hold the decision as a GateDecisionPtr (immutable, shared): a
// hit through the port (checkRouting) is one map lookup plus a reference-count
// increment. A refresh replaces the entry's pointer; decisions already handed
// out stay valid and unchanged for as long as their holders keep them.
//
// Thread-safety: one thread (the signalling loop) calls check*/setRegistry.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>

#include "core/ports/caller_gate.h"
#include "core/vendor/gates.h"
#include "core/vendor/registry.h"

namespace clearline::core::vendor {

class VendorCallerGate final : public CallerGate {
 public:
  explicit VendorCallerGate(std::shared_ptr<const Registry> registry);

  // Never null (CallerGate contract). checkLogin evaluates afresh every time.
  GateDecisionPtr checkLogin(CampaignId campaign, const std::string& caller_ref, TimePoint now) override;
  GateDecisionPtr checkRouting(CampaignId campaign, const std::string& caller_ref, TimePoint now) override;
  // Login with the session's address (G8 compares it with the site's networks).
  GateDecisionPtr checkLogin(CampaignId campaign, const std::string& caller_ref, TimePoint now,
                             const std::string& session_ip);
  // The cached routing decision without touching the reference count: the
  // reference is valid until the next check of the same (campaign, caller) on
  // this gate (a refresh may drop the cache's pointer); hold checkRouting's
  // pointer to keep a decision longer.
  const GateDecision& routingDecision(CampaignId campaign, const std::string& caller_ref, TimePoint now);

  // The hot path: a stable handle for one (campaign, caller), taken once (at
  // login); routingDecision(handle, now) then costs two comparisons on a hit —
  // no hashing, no lookup. Handles stay valid for the gate's lifetime (across
  // setRegistry: staleness is by generation, entries are never freed).
  struct Entry;
  Entry* handle(CampaignId campaign, const std::string& caller_ref);
  const GateDecision& routingDecision(Entry* handle, TimePoint now);
  // The same, as the entry's shared pointer (never null).
  const GateDecisionPtr& routingDecisionPtr(Entry* handle, TimePoint now);

  // Installs a new registry snapshot (after any change in the store); every
  // cached decision is stale from now on (entries are kept, so handles stay valid).
  void setRegistry(std::shared_ptr<const Registry> registry);
  void setComplianceHook(ComplianceHook hook) {
    hook_ = std::move(hook);
    ++generation_;
  }
  uint64_t generation() const { return generation_; }
  const Registry& registry() const { return *registry_; }

  struct Stats {
    uint64_t hits = 0, misses = 0;
  };
  Stats stats() const { return stats_; }

  struct Entry {
    uint64_t generation = 0;  // 0: never computed
    Window window;
    CampaignId campaign;
    std::string caller_ref;
    GateDecisionPtr decision;  // null until first computed
  };

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using CallerMap = std::unordered_map<std::string, Entry, StringHash, std::equal_to<>>;

  GateContext context() const;
  const GateDecisionPtr& refresh(Entry& e, TimePoint now);

  std::shared_ptr<const Registry> registry_;
  ComplianceHook hook_;
  uint64_t generation_ = 1;
  std::unordered_map<int64_t, CallerMap> cache_;
  Stats stats_;
};

}  // namespace clearline::core::vendor
