// The caller (agent, volunteer) state machine:
//
//   logged_out → ready → reserved → on_call → wrap_up → ready
//                  ⇅ paused (with a reason)       wrap_up → paused
//   any logged-in state → logged_out on leg loss; ready|paused|wrap_up → logged_out on logout
//   ready|paused → reserved when the caller presses Call (dial), BEFORE the
//   call is placed; reserved → ready (release) or → paused (release_paused,
//   the caller had pressed Call while paused) when that call ends unanswered
//
// Diagram: docs/state-machines.md ("Caller"). Pure values; any thread may call.
#pragma once

#include <string_view>

#include "common/status.h"

namespace clearline::core {

enum class CallerState {
  kLoggedOut,
  kReady,     // waiting for a call
  kReserved,  // a live callee is being bridged to this caller
  kOnCall,    // talking
  kWrapUp,    // call over; entering the disposition
  kPaused,    // logged in, not taking calls (reason kept by the runtime)
};

enum class CallerEvent {
  kLogin,       // logged_out → ready (the caller's phone leg is up and the gate allowed)
  kReserve,     // ready → reserved
  kRelease,     // reserved → ready (the callee vanished before the bridge)
  kConnect,     // reserved → on_call (media flows)
  kCallEnded,   // on_call → wrap_up
  kWrapDone,    // wrap_up → ready (disposition saved)
  kPause,       // ready|wrap_up → paused
  kUnpause,     // paused → ready
  kLogout,      // ready|paused|wrap_up → logged_out (from on_call it waits for wrap-up)
  kLegLost,     // any logged-in state → logged_out (phone leg dropped)
  kDial,        // ready|paused → reserved (the caller pressed Call: reserved before the dial)
  kReleasePaused,  // reserved → paused (a call dialed from paused ended unanswered)
};

std::string_view toString(CallerState s);
std::string_view toString(CallerEvent e);

// The single transition function; illegal pairs return FailedPrecondition.
Result<CallerState> transition(CallerState from, CallerEvent ev);

// Busy in the occupancy sense (talk or wrap-up; reserved counts as talk).
inline bool isBusy(CallerState s) {
  return s == CallerState::kReserved || s == CallerState::kOnCall || s == CallerState::kWrapUp;
}

}  // namespace clearline::core
