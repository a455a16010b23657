// The call state machine (one customer leg placed by a campaign):
//
//   queued → dialing → ringing → answered → bridged   → ended
//                 \________\__________\→ abandoned → ended
//                  \________\          \→ machine   → ended
//                            \→ failed → ended
//
// A call a caller placed by pressing Call (human-initiated/preview mode, or a
// lead the policy routed there) has the caller on the line from the start:
// it runs the same states but can never be abandoned or sent to AMD
// (CallOrigin::kCaller refuses kAbandon and kMachineDetected).
//
// Diagram and the meaning of each event: docs/state-machines.md ("Call").
// Pure values; owned by core/runtime. Any thread may call (no state).
#pragma once

#include <string_view>

#include "common/status.h"

namespace clearline::core {

enum class CallState {
  kQueued,     // lead chosen and authorized; not yet handed to telephony
  kDialing,    // INVITE sent, no ringing yet
  kRinging,    // 180/183 seen
  kAnswered,   // the callee picked up; waiting for AMD and/or a free caller
  kBridged,    // connected to a caller
  kAbandoned,  // answered live, no caller within the grace: safe-harbor played
  kMachine,    // answering-machine detection said machine; not routed
  kFailed,     // ended before answer (busy, no answer, invalid, refused …)
  kEnded,      // terminal: the customer leg is gone
};

enum class CallEvent {
  kOriginate,        // queued → dialing
  kRinging,          // dialing → ringing
  kAnswer,           // dialing|ringing → answered
  kMachineDetected,  // answered → machine
  kBridge,           // answered → bridged
  kAbandon,          // answered → abandoned (grace expired with no caller free)
  kFail,             // queued|dialing|ringing → failed
  kEnd,              // any non-terminal resolved state → ended (also answered → ended
                     // when the callee hangs up before routing)
};

// Who placed the call: the pacer (autodial) or a caller pressing Call.
enum class CallOrigin {
  kPaced,   // the pacer dialed; routed to a free caller after answer
  kCaller,  // a caller pressed Call and was reserved before the dial
};

std::string_view toString(CallState s);
std::string_view toString(CallEvent e);
std::string_view toString(CallOrigin o);

// The single transition function. Illegal pairs return FailedPrecondition
// naming both; the runtime treats that as a bug in its own bookkeeping (it
// logs and ignores the event) because events come from the edge.
// A caller-placed call (kCaller) refuses kAbandon and kMachineDetected: its
// callee is bridged to the caller who dialed, never played the safe-harbor
// prompt for want of a caller, never hung up as a machine.
Result<CallState> transition(CallState from, CallEvent ev, CallOrigin origin = CallOrigin::kPaced);

// True for the states in which a dial still occupies a line without an answer
// (what pacers call "in flight").
inline bool isInFlight(CallState s) {
  return s == CallState::kQueued || s == CallState::kDialing || s == CallState::kRinging;
}

}  // namespace clearline::core
