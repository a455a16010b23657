// recordCallerState and CallerSessionRecorder (session_recorder.h).
#include "daemon/session_recorder.h"

#include <spdlog/spdlog.h>

#include <charconv>

#include "storage/sqlite/sqlite_store.h"

namespace clearline::daemon {

Status recordCallerState(storage::CallerSessionLog& log, const Dialer& dialer, const core::DomainEvent& ev,
                         const std::string& site_known) {
  std::string state = ev.data.value("state", "");
  auto v = dialer.caller(ev.caller_ref);
  CampaignId campaign = v ? v->campaign : CampaignId();
  if (!campaign.valid()) {
    int64_t id = 0;
    std::from_chars(ev.campaign_id.data(), ev.campaign_id.data() + ev.campaign_id.size(), id);
    campaign = CampaignId(id);
  }
  std::string site = site_known;
  if (site.empty())
    if (auto d = dialer.lastLoginDecision(ev.caller_ref)) site = d->site_id;
  return log.onState(ev.caller_ref, campaign, site, state == "reserved" ? "on_call" : state,
                     ev.data.value("reason", ""), ev.at);
}

Status CallerSessionRecorder::attach(Dialer& dialer) {
  ASSIGN_OR_RETURN(log_, storage::CallerSessionLog::open(dialer.store().db(), clock_));
  dialer_ = &dialer;
  return Status::ok();
}

void CallerSessionRecorder::publish(const core::DomainEvent& ev) {
  if (ev.type != "caller.state" || !log_ || !dialer_) return;
  Status st = recordCallerState(*log_, *dialer_, ev);
  if (!st.isOk()) {
    errors_++;
    spdlog::error("dialer: caller session of {}: {}", ev.caller_ref, st.toString());
  }
}

Status CallerSessionRecorder::closeAll(const std::string& reason) {
  if (!log_) return Status::ok();
  Status st = log_->closeAll(clock_.now(), reason);
  log_.reset();
  dialer_ = nullptr;
  return st;
}

}  // namespace clearline::daemon
