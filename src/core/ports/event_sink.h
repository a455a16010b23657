// The event sink port: what the core tells the outside world (the API's
// WebSocket push, the dashboard, logs). Events are facts, already happened.
//
// Types in use (extend, never rename): "caller.state", "call.state",
// "screen_pop" (contact + script for a caller at connect), "campaign.metrics",
// "gate.refused", "alert".
#pragma once

#include <string>

#include "common/clock.h"
#include "common/json.h"

namespace clearline::core {

struct DomainEvent {
  std::string type;
  std::string campaign_id;  // "" when not campaign-specific
  std::string caller_ref;   // "" when not caller-specific
  Json data = Json::object();
  TimePoint at;
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void publish(const DomainEvent& ev) = 0;
};

class NullEventSink final : public EventSink {
 public:
  void publish(const DomainEvent&) override {}
};

}  // namespace clearline::core
