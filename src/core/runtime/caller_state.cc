#include "core/runtime/caller_state.h"

#include <string>

namespace clearline::core {

std::string_view toString(CallerState s) {
  switch (s) {
    case CallerState::kLoggedOut: return "logged_out";
    case CallerState::kReady: return "ready";
    case CallerState::kReserved: return "reserved";
    case CallerState::kOnCall: return "on_call";
    case CallerState::kWrapUp: return "wrap_up";
    case CallerState::kPaused: return "paused";
  }
  return "logged_out";
}

std::string_view toString(CallerEvent e) {
  switch (e) {
    case CallerEvent::kLogin: return "login";
    case CallerEvent::kReserve: return "reserve";
    case CallerEvent::kRelease: return "release";
    case CallerEvent::kConnect: return "connect";
    case CallerEvent::kCallEnded: return "call_ended";
    case CallerEvent::kWrapDone: return "wrap_done";
    case CallerEvent::kPause: return "pause";
    case CallerEvent::kUnpause: return "unpause";
    case CallerEvent::kLogout: return "logout";
    case CallerEvent::kLegLost: return "leg_lost";
    case CallerEvent::kDial: return "dial";
    case CallerEvent::kReleasePaused: return "release_paused";
  }
  return "logout";
}

Result<CallerState> transition(CallerState from, CallerEvent ev) {
  using S = CallerState;
  using E = CallerEvent;
  if (ev == E::kLegLost && from != S::kLoggedOut) return S::kLoggedOut;
  switch (from) {
    case S::kLoggedOut:
      if (ev == E::kLogin) return S::kReady;
      break;
    case S::kReady:
      if (ev == E::kReserve) return S::kReserved;
      if (ev == E::kDial) return S::kReserved;
      if (ev == E::kPause) return S::kPaused;
      if (ev == E::kLogout) return S::kLoggedOut;
      break;
    case S::kReserved:
      if (ev == E::kConnect) return S::kOnCall;
      if (ev == E::kRelease) return S::kReady;
      if (ev == E::kReleasePaused) return S::kPaused;
      break;
    case S::kOnCall:
      if (ev == E::kCallEnded) return S::kWrapUp;
      break;
    case S::kWrapUp:
      if (ev == E::kWrapDone) return S::kReady;
      if (ev == E::kPause) return S::kPaused;
      if (ev == E::kLogout) return S::kLoggedOut;
      break;
    case S::kPaused:
      if (ev == E::kUnpause) return S::kReady;
      if (ev == E::kDial) return S::kReserved;
      if (ev == E::kLogout) return S::kLoggedOut;
      break;
  }
  return Status::failedPrecondition("caller: no transition from " + std::string(toString(from)) +
                                    " on " + std::string(toString(ev)));
}

}  // namespace clearline::core
