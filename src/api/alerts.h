// Dashboard alerts (issue 8 §1), derived on the server from the DomainEvents
// the WebSocket hub carries, so every dashboard sees the same alerts and a
// reconnecting one gets them replayed with the rest:
//   - the abandonment ledger nears its cap: a `campaign.metrics` event whose
//     ledger shows abandoned / answered at or above `abandon_pct` (config
//     server.alert_abandon_pct, 2.5 % of the 3 % cap) over 24 h or 30 days,
//     with at least `min_answered` answered calls — once when it crosses up,
//     and an "info" alert when it falls back below;
//   - a gate refuses a caller: every `gate.refused` (the runtime's
//     {stage, reason} or the console desk's {reason, gates, site_id});
//   - the trunk goes down: `trunk.state` {"up": false, "reason"} (the SIP
//     dialer publishes it) while it was up or unknown, and "up again" after.
// Alerts are DomainEvents of type "alert": data {kind: ledger|gate|trunk,
// severity: critical|warning|info, message, …the facts}; caller_ref is left
// empty (callers do not get alerts), site_id is kept for gate alerts so a
// vendor supervisor sees its own sites' refusals.
// Thread-safety: observe() and setOptions() may be called from any thread.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/ports/event_sink.h"

namespace clearline::api {

struct AlertOptions {
  double abandon_pct = 2.5;   // alert at or above this abandonment rate (percent)
  int64_t min_answered = 1;   // …with at least this many answered calls in the window
};

class AlertRules {
 public:
  explicit AlertRules(AlertOptions opt = {}) : opt_(opt) {}
  void setOptions(AlertOptions opt);
  // The alerts `ev` raises; usually none.
  std::vector<core::DomainEvent> observe(const core::DomainEvent& ev);

 private:
  std::mutex mu_;
  AlertOptions opt_;
  std::map<std::string, bool> ledger_high_;  // "campaign|24h" → at/above the threshold
  std::map<std::string, bool> trunk_up_;     // trunk name ("" = the trunk) → last state
};

}  // namespace clearline::api
