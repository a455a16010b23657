#include "core/pacing/registry.h"

#include "core/pacing/simple_pacers.h"

namespace clearline::core {

const std::vector<PacerInfo>& pacerCatalog() {
  static const std::vector<PacerInfo> kCatalog = {
      {"progressive", "one dial in flight per ready caller (power 1:1)", false, false, false},
      {"fixed-ratio", "c dials in flight per ready caller; c tuned", true, false, false},
  };
  return kCatalog;
}

Result<std::unique_ptr<Pacer>> makePacer(std::string_view name, const PacerSettings& s) {
  std::unique_ptr<Pacer> p;
  if (name == "progressive") {
    p = std::make_unique<ProgressivePacer>();
  } else if (name == "fixed-ratio") {
    p = std::make_unique<FixedRatioPacer>();
  } else {
    return Status::invalidArgument("unknown pacer '" + std::string(name) +
                                       "' (see clearline simulate --list-pacers)",
                                   "pacer");
  }
  if (s.knob && p->hasKnob()) p->setKnob(*s.knob);
  return p;
}

}  // namespace clearline::core
