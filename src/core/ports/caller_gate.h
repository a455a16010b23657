// The vendor-chain gate port (G1–G10): may this caller, at this site, work on
// this campaign now? Asked at login and again at every routing. Implemented by
// core/vendor (cached, invalidated on any chain change).
#pragma once

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

class CallerGate {
 public:
  virtual ~CallerGate() = default;
  virtual GateDecision checkLogin(CampaignId campaign, const std::string& caller_ref, TimePoint now) = 0;
  virtual GateDecision checkRouting(CampaignId campaign, const std::string& caller_ref, TimePoint now) = 0;
};

// Allows everyone; only for tests and for campaigns with no vendor chain configured.
class AllowAllCallerGate final : public CallerGate {
 public:
  GateDecision checkLogin(CampaignId, const std::string&, TimePoint) override { return allow(); }
  GateDecision checkRouting(CampaignId, const std::string&, TimePoint) override { return allow(); }

 private:
  static GateDecision allow() {
    GateDecision d;
    d.allowed = true;
    d.reason = "no vendor chain configured";
    return d;
  }
};

}  // namespace clearline::core
