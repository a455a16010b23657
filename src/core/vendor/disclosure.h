// The disclosure report (issue 4 §5; compliance.md §6.8): for one campaign and
// period, per tier and payee — legal name, parent, sites (city, state, type),
// callers active, hours worked, calls made, the wage workers attest to
// receive, policy overrides and findings — plus every recorded refusal.
//
// buildDisclosure() makes the report as JSON (the single source); the HTML and
// CSV renderings are views of that JSON. The caller (cmd_disclosure) gathers
// the stored inputs, prints the bytes and anchors their SHA-256 in the audit
// chain (docs/vendor-chain.md has the outsider's recipe).
// Pure; no I/O.
#pragma once

#include <string>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "core/vendor/registry.h"

namespace clearline::core::vendor {

struct DisclosureInputs {
  int64_t campaign_id = 0;
  std::string campaign_name;
  TimePoint from, to, generated_at;
  struct Refusal {
    TimePoint at;
    std::string caller_ref, site_id, kind, reason;
    std::vector<std::string> failed_gates;
    int tier = 0;
  };
  std::vector<Refusal> refusals;
  struct Calls {
    std::string site_id, caller_ref;
    int64_t calls = 0;
    double seconds = 0;
  };
  std::vector<Calls> calls;
  struct LoginSeen {
    std::string site_id, caller_ref;
  };
  std::vector<LoginSeen> allowed_logins;
  int64_t audit_head_seq = 0;
  std::string audit_head_hash;
};

Json buildDisclosure(const Registry& reg, const DisclosureInputs& in);
std::string renderDisclosureHtml(const Json& report);
std::string renderDisclosureCsv(const Json& report);

}  // namespace clearline::core::vendor
