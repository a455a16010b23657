// The WebSocket hub: every DomainEvent gets a sequence number, is serialised
// once into a frame, kept in a bounded replay buffer and handed to every
// subscriber whose filter matches. A client that reconnects with ?since=SEQ
// (and the epoch it saw in "hello") gets every matching event after SEQ
// before any new one, so nothing is lost across a reconnect; if SEQ fell out
// of the buffer or the daemon restarted, it gets {"type":"resync"} and reloads
// its state over REST (server state is the authority).
//
// Frames: {"seq":N,"type":"caller.state","campaign_id":"1","caller_ref":"ann",
//          "at":"…Z","t_us":<publish time, µs since epoch>,"data":{…}}
// Thread-safety: publish(), subscribe(), unsubscribe() are safe from any
// thread. Subscribers' deliver() is called under the hub's lock: it must only
// enqueue (post to the connection's thread), never block.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "api/alerts.h"
#include "api/authz.h"
#include "core/ports/event_sink.h"

namespace clearline::api {

class Metrics;

class WsSubscriber {
 public:
  virtual ~WsSubscriber() = default;
  virtual void deliver(std::shared_ptr<const std::string> frame) = 0;
};

class WsHub final : public core::EventSink {
 public:
  WsHub(const EntityScope& scope, Metrics* metrics, size_t replay_capacity = 50000);

  // Publishes `ev`, then the alerts it raises (api/alerts.h), each its own event.
  void publish(const core::DomainEvent& ev) override;
  void setAlertOptions(AlertOptions opt) { alerts_.setOptions(opt); }

  // Registers `sub` for `who`'s events; replays events after `since` when
  // `epoch` matches this hub's. Sends "hello" first. Returns a subscription id.
  uint64_t subscribe(std::shared_ptr<WsSubscriber> sub, const Principal& who, int64_t since,
                     const std::string& epoch);
  void unsubscribe(uint64_t id);

  const std::string& epoch() const { return epoch_; }
  int64_t headSeq() const;
  size_t subscriberCount() const;

  // Whether `who` may see an event (the WebSocket side of authorization).
  // Vendor supervisors see their subtree's events without the callee's
  // personal data (the role has no contact.* permission): never a screen pop,
  // and other events with `contact`, the call on screen and numbers removed.
  static bool visibleTo(const Principal& who, const core::DomainEvent& ev, const EntityScope& scope);
  // The event's data as a vendor supervisor gets it (see visibleTo).
  static Json withoutCalleeData(const Json& data);

 private:
  struct Entry {
    int64_t seq;
    core::DomainEvent ev;  // kept for filtering on replay
    std::shared_ptr<const std::string> frame;
    std::shared_ptr<const std::string>
        vendor_frame;  // without the callee's data (the same frame if none)
  };
  const std::shared_ptr<const std::string>& frameFor(const Principal& who, const Entry& e) const {
    return who.role == Role::kVendorSupervisor ? e.vendor_frame : e.frame;
  }
  struct Sub {
    std::shared_ptr<WsSubscriber> sink;
    Principal who;
  };
  void publishOne(const core::DomainEvent& ev);

  const EntityScope& scope_;
  Metrics* metrics_;
  AlertRules alerts_;
  size_t capacity_;
  std::string epoch_;
  mutable std::mutex mu_;
  int64_t seq_ = 0;
  std::deque<Entry> buffer_;
  uint64_t next_sub_ = 1;
  std::map<uint64_t, Sub> subs_;
};

}  // namespace clearline::api
