#include "core/pacing/pacer.h"

namespace clearline::core {

CallerCounts countCallers(std::span<const CallerView> callers) {
  CallerCounts c;
  for (const auto& v : callers) tally(c, v.state);
  return c;
}

}  // namespace clearline::core
