#include "core/pacing/simple_pacers.h"

#include <cmath>

namespace clearline::core {

PacerDecision ProgressivePacer::decide(const PacerInput& in) {
  CallerCounts c = countCallers(in);
  int want = c.ready - dialsInFlight(in) - in.answered_waiting;
  return PacerDecision{want > 0 ? want : 0, std::nullopt};
}

PacerDecision FixedRatioPacer::decide(const PacerInput& in) {
  CallerCounts c = countCallers(in);
  int target = static_cast<int>(std::ceil(ratio_ * c.ready - 1e-9));
  int want = target - dialsInFlight(in) - in.answered_waiting;
  return PacerDecision{want > 0 ? want : 0, std::nullopt};
}

}  // namespace clearline::core
