// planFromHistory (planning.h).
#include "core/pacing/planning.h"

#include <algorithm>

namespace clearline::core {

PacerSettings planFromHistory(const DialHistory& h, PacerSettings s) {
  if (h.dials < kMinHistoryDials || h.live < 5) return s;
  const double n = static_cast<double>(h.dials);
  s.live_rate = std::clamp(static_cast<double>(h.live) / n, 0.005, 1.0);
  s.mean_resolution_s = std::clamp(h.resolution_s_sum / n, 1.0, 120.0);
  if (h.talks > 0) {
    const double talk = h.talk_s_sum / static_cast<double>(h.talks);
    const double handle =
        h.wraps >= 5 ? talk + h.wrap_s_sum / static_cast<double>(h.wraps) : talk / 0.8;
    s.mean_handle_s = std::clamp(handle, 5.0, 3600.0);
  }
  s.measured = true;
  return s;
}

}  // namespace clearline::core
