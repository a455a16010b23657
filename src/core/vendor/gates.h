// The vendor-chain gates G1–G10 (compliance.md §5), evaluated for one caller on
// one campaign at one instant against a Registry snapshot. Fail-closed: a
// missing record, an unknown value or an unevaluable gate denies.
//
// evaluateGates() is the slow, exact path (tens of microseconds); the
// VendorCallerGate (vendor_gate.h) caches its result per (campaign, caller)
// for the Window in which the decision cannot change, and drops the cache on a
// new registry generation.
// Pure; no I/O. Callable from any thread on a const Registry.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/ids.h"
#include "core/ports/caller_gate.h"
#include "core/vendor/registry.h"

namespace clearline::core::vendor {

// G10 is the compliance engine's decision (core/policy); the gate only carries it.
using ComplianceHook = std::function<GateResult(CampaignId, const std::string& caller_ref, TimePoint)>;

struct GateContext {
  std::optional<std::string> session_ip;  // the caller's session address (login / session), for G8
  const ComplianceHook* g10 = nullptr;    // nullptr: G10 is decided per dial by the DialAuthorizer
};

struct GateEvaluation {
  GateDecision decision;
  Window window;  // the decision holds for every instant in [since, until) on this registry
};

GateEvaluation evaluateGates(const Registry& reg, CampaignId campaign, const std::string& caller_ref,
                             TimePoint t, const GateContext& ctx = {});

// The effective policy for a campaign at t (the stored one, or the research defaults).
Policy effectivePolicy(const Registry& reg, CampaignId campaign, TimePoint t, Window* w = nullptr,
                       const RecordVersion** version = nullptr);

// The engagement path from the campaign root down to `leaf_engagement_id`
// (root first), or an error naming the broken link.
Result<std::vector<const Versioned<Engagement>*>> engagementPath(const Registry& reg, const std::string& leaf,
                                                            TimePoint t, Window* w = nullptr);

// The freshest vetting record for a subject that is valid at t (nullptr when none).
const Versioned<Vetting>* currentVetting(const Registry& reg, const std::string& subject_kind,
                                         const std::string& subject_id, TimePoint t, Window* w = nullptr);

// True when `ip` (dotted IPv4) lies in `cidr` ("203.0.113.0/24" or a plain address).
bool ipInCidr(const std::string& ip, const std::string& cidr);

}  // namespace clearline::core::vendor
