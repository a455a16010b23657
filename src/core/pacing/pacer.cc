#include "core/pacing/pacer.h"

namespace clearline::core {

CallerCounts countCallers(std::span<const CallerView> callers) {
  CallerCounts c;
  for (const auto& v : callers) {
    c.logged_in++;
    switch (v.state) {
      case CallerState::kReady: c.ready++; break;
      case CallerState::kReserved: c.reserved++; break;
      case CallerState::kOnCall: c.on_call++; break;
      case CallerState::kWrapUp: c.wrap_up++; break;
      case CallerState::kPaused: c.paused++; break;
      case CallerState::kLoggedOut: break;
    }
  }
  return c;
}

}  // namespace clearline::core
