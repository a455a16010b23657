#include "core/pacing/registry.h"

#include "core/pacing/clearline_pacer.h"
#include "core/pacing/cmdp_pacer.h"
#include "core/pacing/erlang_pacer.h"
#include "core/pacing/feedback_pacers.h"
#include "core/pacing/simple_pacers.h"
#include "core/pacing/vicidial_pacer.h"

namespace clearline::core {

const std::vector<PacerInfo>& pacerCatalog() {
  static const std::vector<PacerInfo> kCatalog = {
      {"progressive", "one dial in flight per ready caller (power 1:1)", false, false, false},
      {"fixed-ratio", "c dials in flight per ready caller; c tuned", true, false, false},
      {"erlang", "open-loop Poisson dial rate from Erlang B at the planning abandonment", true, false, false},
      {"vicidial-hard-limit", "VICIdial ADAPT_HARD_LIMIT (daily drop guard sets the level to 1.0)", true, false, false},
      {"vicidial-tapered", "VICIdial ADAPT_TAPERED (guard tapers by HHMM to the latest time)", true, false, false},
      {"vicidial-average", "VICIdial ADAPT_AVERAGE (guard halves the level)", true, false, false},
      {"aimd", "Kooragang-style AIMD on the ratio every 180 s over the last 600 s", true, false, false},
      {"impact", "Impact-Dialing-style: simulate 6 dial factors on recent attempts, pick the best", true, false, false},
      {"cmdp", "exact CMDP-optimal policy of the Markov model (relative value iteration)", false, true, false},
      {"clearline", "ours: elapsed-time release hazards, answer hazard by dial age, budget-aware", true, false, false},
  };
  return kCatalog;
}

Result<std::unique_ptr<Pacer>> makePacer(std::string_view name, const PacerSettings& s) {
  std::unique_ptr<Pacer> p;
  if (name == "progressive") {
    p = std::make_unique<ProgressivePacer>();
  } else if (name == "fixed-ratio") {
    p = std::make_unique<FixedRatioPacer>();
  } else if (name == "erlang") {
    p = std::make_unique<ErlangPacer>(s);
  } else if (name == "vicidial-hard-limit" || name == "vicidial-tapered" || name == "vicidial-average") {
    VicidialSettings v;
    v.mode = name == "vicidial-hard-limit" ? VicidialMode::kHardLimit
             : name == "vicidial-tapered"  ? VicidialMode::kTapered
                                           : VicidialMode::kAverage;
    v.dropped_pct = s.alpha_pct;
    p = std::make_unique<VicidialPacer>(v);
  } else if (name == "aimd") {
    p = std::make_unique<AimdPacer>(s.alpha_pct);
  } else if (name == "impact") {
    p = std::make_unique<ImpactPacer>(s.alpha_pct);
  } else if (name == "cmdp") {
    if (!s.markov)
      return Status::failedPrecondition("the cmdp pacer applies to Markov scenarios only", "pacer");
    p = std::make_unique<CmdpPacer>(s);
  } else if (name == "clearline") {
    p = std::make_unique<ClearlinePacer>(s);
  } else {
    return Status::invalidArgument("unknown pacer '" + std::string(name) +
                                       "' (see clearline simulate --list-pacers)",
                                   "pacer");
  }
  if (s.knob && p->hasKnob()) p->setKnob(*s.knob);
  return p;
}

}  // namespace clearline::core
