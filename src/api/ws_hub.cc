#include "api/ws_hub.h"

#include <chrono>

#include "api/accounts.h"
#include "api/metrics.h"
#include "common/time_util.h"

namespace clearline::api {

WsHub::WsHub(const EntityScope& scope, Metrics* metrics, size_t replay_capacity)
    : scope_(scope), metrics_(metrics), capacity_(replay_capacity), epoch_(randomToken().substr(0, 16)) {}

bool WsHub::visibleTo(const Principal& who, const core::DomainEvent& ev, const EntityScope& scope) {
  switch (who.role) {
    case Role::kAdministrator:
    case Role::kCampaignManager:
    case Role::kAuditor:
      return true;
    case Role::kCaller:
      return !ev.caller_ref.empty() && ev.caller_ref == who.callerRef();
    case Role::kVendorSupervisor: {
      if (ev.type == "screen_pop") return false;  // the callee's record, never theirs
      // Only events that name a site/entity inside the supervisor's subtree.
      for (const char* key : {"site_id", "entity_id"}) {
        auto it = ev.data.find(key);
        if (it != ev.data.end() && it->is_string() && scope.withinSubtree(who.entity_id, it->get<std::string>()))
          return true;
      }
      return false;
    }
  }
  return false;
}

Json WsHub::withoutCalleeData(const Json& data) {
  if (!data.is_object()) return data;
  Json out = data;
  // The callee's record, number and name wherever the desks put them (the SIP
  // desk's caller.state carries `dialing` and `last_dial` objects).
  for (const char* key :
       {"contact", "contact_id", "called_number", "phone", "e164", "number", "screen_pop",
        "dialing", "last_dial", "name", "first_name", "last_name", "address", "to", "from"})
    out.erase(key);
  if (auto it = out.find("call"); it != out.end() && it->is_object()) out.erase(it);
  return out;
}

void WsHub::publish(const core::DomainEvent& ev) {
  std::vector<core::DomainEvent> raised = alerts_.observe(ev);
  publishOne(ev);
  for (auto& a : raised) publishOne(a);
}

void WsHub::publishOne(const core::DomainEvent& ev) {
  int64_t t_us = std::chrono::duration_cast<std::chrono::microseconds>(
                     std::chrono::system_clock::now().time_since_epoch()).count();
  std::lock_guard<std::mutex> l(mu_);
  int64_t seq = ++seq_;
  Json j{{"seq", seq},          {"type", ev.type},
         {"campaign_id", ev.campaign_id}, {"caller_ref", ev.caller_ref},
         {"at", formatIsoUtc(ev.at)}, {"t_us", t_us},
         {"data", ev.data}};
  auto frame = std::make_shared<const std::string>(j.dump(-1, ' ', false, Json::error_handler_t::replace));
  std::shared_ptr<const std::string> vendor_frame = frame;
  if (Json redacted = withoutCalleeData(ev.data); redacted != ev.data) {
    j["data"] = std::move(redacted);
    vendor_frame =
        std::make_shared<const std::string>(j.dump(-1, ' ', false, Json::error_handler_t::replace));
  }
  buffer_.push_back(Entry{seq, ev, frame, vendor_frame});
  while (buffer_.size() > capacity_) buffer_.pop_front();
  if (metrics_) metrics_->countWsEvent();
  const Entry& e = buffer_.back();
  for (auto& [id, sub] : subs_)
    if (visibleTo(sub.who, ev, scope_)) sub.sink->deliver(frameFor(sub.who, e));
}

uint64_t WsHub::subscribe(std::shared_ptr<WsSubscriber> sub, const Principal& who, int64_t since,
                          const std::string& epoch) {
  std::lock_guard<std::mutex> l(mu_);
  Json hello{{"type", "hello"}, {"epoch", epoch_}, {"seq", seq_},
             {"user", who.name}, {"role", toString(who.role)}};
  sub->deliver(std::make_shared<const std::string>(hello.dump()));
  if (since > 0) {
    int64_t oldest = buffer_.empty() ? seq_ + 1 : buffer_.front().seq;
    if (epoch != epoch_ || since > seq_ || since + 1 < oldest) {
      Json resync{{"type", "resync"}, {"seq", seq_},
                  {"reason", epoch != epoch_ ? "server restarted" : "events no longer buffered"}};
      sub->deliver(std::make_shared<const std::string>(resync.dump()));
    } else {
      for (auto& e : buffer_)
        if (e.seq > since && visibleTo(who, e.ev, scope_)) sub->deliver(frameFor(who, e));
    }
  }
  uint64_t id = next_sub_++;
  subs_.emplace(id, Sub{std::move(sub), who});
  if (metrics_) metrics_->setWsConnections(static_cast<int64_t>(subs_.size()));
  return id;
}

void WsHub::unsubscribe(uint64_t id) {
  std::lock_guard<std::mutex> l(mu_);
  subs_.erase(id);
  if (metrics_) metrics_->setWsConnections(static_cast<int64_t>(subs_.size()));
}

int64_t WsHub::headSeq() const {
  std::lock_guard<std::mutex> l(mu_);
  return seq_;
}

size_t WsHub::subscriberCount() const {
  std::lock_guard<std::mutex> l(mu_);
  return subs_.size();
}

}  // namespace clearline::api
