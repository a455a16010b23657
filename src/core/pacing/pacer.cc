#include "core/pacing/pacer.h"

namespace clearline::core {

void tally(CallerCounts& c, CallerState s) {
  c.logged_in++;
  switch (s) {
    case CallerState::kReady:
      c.ready++;
      break;
    case CallerState::kReserved:
      c.reserved++;
      break;
    case CallerState::kOnCall:
      c.on_call++;
      break;
    case CallerState::kWrapUp:
      c.wrap_up++;
      break;
    case CallerState::kPaused:
      c.paused++;
      break;
    case CallerState::kLoggedOut:
      break;
  }
}

CallerCounts countCallers(std::span<const CallerView> callers) {
  CallerCounts c;
  for (const auto& v : callers) tally(c, v.state);
  return c;
}

}  // namespace clearline::core
