// Planning figures from a campaign's own call history. The daemon builds its
// pacer with PacerSettings; with the defaults (8 % of dials live, 105 s
// handle) a model-based pacer is far off for most lists, and our pacer dials
// progressively until it has 30 outcomes of its own (the cold start). A
// campaign that has dialled before knows better: this turns the aggregates of
// its recent autodialled calls into measured figures.
//
// Pure (core): the daemon reads the aggregates from the store
// (storage::dialHistory) and calls planFromHistory. Any thread.
#pragma once

#include <cstdint>
#include <string>

#include "core/pacing/registry.h"

namespace clearline::core {

// Aggregates over a campaign's recent autodialled calls that ended.
struct DialHistory {
  int64_t dials = 0;             // calls dialled and ended
  int64_t live = 0;              // of them, calls that needed a caller (bridged or abandoned)
  double resolution_s_sum = 0;   // Σ (answer, else end) − dial
  int64_t talks = 0;             // bridged calls with a talk time
  double talk_s_sum = 0;         // Σ end − bridge over them
  int64_t wraps = 0;             // of them, calls whose caller finished wrap-up (wrapped_at)
  double wrap_s_sum = 0;         // Σ wrapped − end over those
};

// One autodialled call that ended, as a simulation scenario is fitted to it
// (sim::scenarioFromHistory; storage::callSamples reads them). Times in
// seconds from the dial; −1 where the call has none.
struct CallSample {
  enum class Kind : uint8_t { kPerson, kMachine, kNoAnswer, kBusy };
  Kind kind = Kind::kNoAnswer;
  double answer_s = -1;    // dial → answer
  double end_s = 0;        // dial → end
  double greeting_s = -1;  // answer → end of the callee's greeting (when detected)
  double talk_s = -1;      // bridge → end (calls routed to a caller)
  double wrap_s = -1;      // end → the caller's disposition (wrap-up), where given
  bool screened = false;   // AMD judged it
  bool abandoned = false;
  std::string caller;  // who took it ("" if nobody)
};

// Fewer dials than this and the defaults stand (as with the cold start,
// which needs 30 of the pacer's own outcomes).
constexpr int64_t kMinHistoryDials = 50;

// The defaults with live_rate, mean_resolution_s and mean_handle_s replaced
// by the history's, and measured = true, when the history has at least
// kMinHistoryDials dials and at least 5 live ones; the defaults unchanged
// otherwise. Handle = mean talk + mean wrap-up, with at least 5 wrap-up
// times (calls.wrapped_at, kept since session 15); otherwise mean talk / 0.8,
// wrap-up taken as a fifth of the handle time as the pacer's own prior does
// (it then learns the real split from the campaign's calls). Without talk
// times the default handle stays. Figures are clamped to sane ranges
// (live rate 0.5 %..100 %, resolution 1..120 s, handle 5 s..1 h).
PacerSettings planFromHistory(const DialHistory& h, PacerSettings defaults);

}  // namespace clearline::core
