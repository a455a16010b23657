#include "core/runtime/call_state.h"

#include <string>

namespace clearline::core {

std::string_view toString(CallState s) {
  switch (s) {
    case CallState::kQueued: return "queued";
    case CallState::kDialing: return "dialing";
    case CallState::kRinging: return "ringing";
    case CallState::kAnswered: return "answered";
    case CallState::kBridged: return "bridged";
    case CallState::kAbandoned: return "abandoned";
    case CallState::kMachine: return "machine";
    case CallState::kFailed: return "failed";
    case CallState::kEnded: return "ended";
  }
  return "ended";
}

std::string_view toString(CallEvent e) {
  switch (e) {
    case CallEvent::kOriginate: return "originate";
    case CallEvent::kRinging: return "ringing";
    case CallEvent::kAnswer: return "answer";
    case CallEvent::kMachineDetected: return "machine_detected";
    case CallEvent::kBridge: return "bridge";
    case CallEvent::kAbandon: return "abandon";
    case CallEvent::kFail: return "fail";
    case CallEvent::kEnd: return "end";
  }
  return "end";
}

std::string_view toString(CallOrigin o) {
  return o == CallOrigin::kCaller ? "caller" : "paced";
}

Result<CallState> transition(CallState from, CallEvent ev, CallOrigin origin) {
  using S = CallState;
  using E = CallEvent;
  if (origin == CallOrigin::kCaller && (ev == E::kAbandon || ev == E::kMachineDetected)) {
    return Status::failedPrecondition("call: a caller-placed call is never " +
                                      std::string(ev == E::kAbandon ? "abandoned" : "sent to AMD") +
                                      " (" + std::string(toString(from)) + " on " +
                                      std::string(toString(ev)) + ")");
  }
  switch (from) {
    case S::kQueued:
      if (ev == E::kOriginate) return S::kDialing;
      if (ev == E::kFail) return S::kFailed;
      break;
    case S::kDialing:
      if (ev == E::kRinging) return S::kRinging;
      [[fallthrough]];
    case S::kRinging:
      if (ev == E::kRinging) return S::kRinging;  // repeated 180/183
      if (ev == E::kAnswer) return S::kAnswered;
      if (ev == E::kFail) return S::kFailed;
      break;
    case S::kAnswered:
      if (ev == E::kMachineDetected) return S::kMachine;
      if (ev == E::kBridge) return S::kBridged;
      if (ev == E::kAbandon) return S::kAbandoned;
      if (ev == E::kEnd) return S::kEnded;
      break;
    case S::kBridged:
    case S::kAbandoned:
    case S::kMachine:
    case S::kFailed:
      if (ev == E::kEnd) return S::kEnded;
      break;
    case S::kEnded:
      break;
  }
  return Status::failedPrecondition("call: no transition from " + std::string(toString(from)) +
                                    " on " + std::string(toString(ev)));
}

}  // namespace clearline::core
