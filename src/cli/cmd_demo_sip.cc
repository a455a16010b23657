// `clearline demo`, live phase (order 200): after phase 1 (cmd_demo.cc,
// owner: import) created and imported the campaign, activate it and run the
// SIP dialer against clearline-carrier and clearline-agentbot on loopback for
// --minutes (daemon/sip_demo.h). Adds calls_placed, calls_bridged, abandoned,
// safe_harbor_played, callers_refused and audit_ok to the summary.
// Compiles to nothing until cli/demo.h (the phase registry) is on main.
#if __has_include("cli/demo.h")
#include "cli/demo.h"
#include "daemon/sip_demo.h"

namespace clearline::cli {
namespace {

Status runLivePhase(DemoRun& d) {
  if (d.campaign.valid()) {
    auto c = d.ctx.store->campaigns().getCampaign(d.campaign);
    if (c.isOk() && c->state == core::CampaignState::kDraft) {
      RETURN_IF_ERROR(d.ctx.store->campaigns().changeCampaignState(d.campaign, core::CampaignEvent::kActivate,
                                                                   d.ctx.actor).status());
    }
  }
  daemon::LiveDemoOptions o;
  o.config = d.ctx.config;
  o.data_dir = d.ctx.data_dir;
  o.db_path = d.ctx.store->db().path();
  o.minutes = d.opts.minutes;
  ASSIGN_OR_RETURN(Json live, daemon::runLiveSipDemo(o));
  for (auto& [k, v] : live.items()) d.summary[k] = v;
  d.lines.push_back("Clearline demo — live dialing over SIP on loopback (" + std::to_string(o.minutes) + " min)");
  for (const char* k : {"calls_placed", "calls_bridged", "abandoned", "safe_harbor_played", "callers_refused", "audit_ok"}) {
    d.lines.push_back(std::string("  ") + k + std::string(20 - std::string(k).size(), ' ') + live[k].dump());
  }
  return Status::ok();
}

const RegisterDemoPhase kLive({200, "live-dialer", runLivePhase});

}  // namespace
}  // namespace clearline::cli
#endif
