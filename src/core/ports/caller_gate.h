// The vendor-chain gate port (G1–G10): may this caller, at this site, work on
// this campaign now? Asked at login and again at every routing. Implemented by
// core/vendor (cached, invalidated on any chain change).
//
// Decisions are immutable and shared (GateDecisionPtr): a check returns a
// pointer to a decision nobody will change, so the gate's cache, the runtime's
// current call (its provenance) and a logging worker on another thread may all
// hold the same one. A cached routing check therefore costs a lookup and a
// reference-count increment, never a copy of the gates, engagement path and
// record versions (docs/bench/vendor.md). An implementation that needs a
// different answer (e.g. a refusal it synthesises) makes a new decision; it
// never modifies one it has handed out.
//
// Thread-safety: each implementation says which thread may call it
// (VendorCallerGate and daemon::ChainGate: one thread, the signalling loop);
// a returned decision is immutable and may be read from any thread.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/ids.h"

namespace clearline::core {

struct GateResult {
  std::string gate;  // "G1" … "G10"
  bool passed = false;
  std::string detail;
};

struct GateDecision {
  bool allowed = false;
  std::vector<GateResult> gates;
  std::string reason;  // plain words, shown to the caller and the manager
  // Provenance for the call record when allowed:
  std::vector<std::string> engagement_path;
  std::string site_id;
  std::string worker_category;
  std::string vetting_snapshot_hash;
  // Extensions (vendor area, issue 4):
  std::string caller_ref;
  int tier = 0;  // length of the engagement path (1 = the prime vendor's own site)
  // "kind:id@version#record_hash" of every record version the decision used
  // (sorted); vetting_snapshot_hash = SHA-256 of these lines joined by "\n".
  std::vector<std::string> record_versions;
};

// An immutable, shared gate decision. Never null when returned by a CallerGate.
using GateDecisionPtr = std::shared_ptr<const GateDecision>;

// Wraps a freshly made decision (moves it; no copy of an existing shared one).
inline GateDecisionPtr shareDecision(GateDecision d) { return std::make_shared<const GateDecision>(std::move(d)); }

class CallerGate {
 public:
  virtual ~CallerGate() = default;
  // Both return a non-null pointer; a refusal is a decision with allowed == false.
  virtual GateDecisionPtr checkLogin(CampaignId campaign, const std::string& caller_ref, TimePoint now) = 0;
  virtual GateDecisionPtr checkRouting(CampaignId campaign, const std::string& caller_ref, TimePoint now) = 0;
};

// Allows everyone; only for tests and for campaigns with no vendor chain configured.
// Every check returns the same static decision (no allocation).
class AllowAllCallerGate final : public CallerGate {
 public:
  GateDecisionPtr checkLogin(CampaignId, const std::string&, TimePoint) override { return allow(); }
  GateDecisionPtr checkRouting(CampaignId, const std::string&, TimePoint) override { return allow(); }

  static const GateDecisionPtr& allow() {
    static const GateDecisionPtr kAllow = [] {
      GateDecision d;
      d.allowed = true;
      d.reason = "no vendor chain configured";
      return shareDecision(std::move(d));
    }();
    return kAllow;
  }
};

}  // namespace clearline::core
