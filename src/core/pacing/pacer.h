// The pacer interface: "how many more numbers should this campaign dial now?"
//
// One interface for every algorithm (progressive … ours). The campaign runtime
// (core/runtime) builds a PacerInput from its live state after every relevant
// event and on every tick, and dials what the pacer returns (capped by leads,
// lines and compliance). The same pacer object runs in the simulator and in
// the daemon. A pacer sees only the present and the past, never a future
// outcome (the clairvoyant oracle in src/sim is the one sanctioned exception,
// and it gets its foresight from the simulator, not from this input).
//
// Owned by core/pacing. Not thread-safe: one runtime (one loop thread) calls it.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "core/ports/dial_authorizer.h"
#include "core/runtime/call_state.h"
#include "core/runtime/caller_state.h"

namespace clearline::core {

// One logged-in caller as the pacer sees it.
struct CallerView {
  CallerState state = CallerState::kReady;
  Millis in_state{0};        // time in the current state
  Millis talk_elapsed{0};    // on_call: time since bridge; wrap_up: length of the talk just ended
};

// One dial that holds a line and has not been answered yet.
struct DialView {
  Millis age{0};         // since originate
  bool screened = true;  // placed with AMD (without it, every answer needs a caller)
  Millis ring_timeout{0};  // the edge cancels it unanswered at this age (0: not known)
};

// How a dial resolved, for the outcome history.
enum class DialOutcome : uint8_t { kLive, kMachine, kNoAnswer, kFailed };

struct DialRecord {
  TimePoint dialed_at;
  Millis age{0};  // originate → resolution (routable or AMD's machine verdict, or end unanswered)
  DialOutcome outcome = DialOutcome::kFailed;
  bool screened = true;  // placed with AMD; without it a machine's answer resolves as kLive
  Millis answer_age{-1};   // originate → answer (-1: not answered, or not known)
  Millis ring_timeout{0};  // the ring timeout it was placed with (0: not known)
};
struct LiveRecord {
  TimePoint at;          // answered (live, i.e. routed or abandoned)
  bool abandoned = false;
  Millis answer_age{-1};  // originate → answer (-1: not known)
  bool screened = true;   // placed with AMD
};
// A routed call whose caller finished wrap-up. Without AMD, its answer age and
// the caller's verdict (machine or not) are the evidence of who answers when.
struct HandleRecord {
  TimePoint at;          // wrap-up finished
  Millis talk{0};
  Millis wrap{0};
  bool machine = false;  // the caller's disposition: an answering machine reached them
  Millis answer_age{-1};  // originate → answer (-1: not known)
  bool screened = true;   // placed with AMD
};

// Append-only outcome logs with absolute indexes, trimmed from the front so
// memory stays bounded in a long-running daemon. A pacer remembers the index
// it has read up to and consumes new entries incrementally.
template <typename T>
class OutcomeLog {
 public:
  void push(const T& v) {
    items_.push_back(v);
    if (items_.size() > kKeep) {
      items_.pop_front();
      ++base_;
    }
  }
  int64_t begin() const { return base_; }
  int64_t end() const { return base_ + static_cast<int64_t>(items_.size()); }
  const T& at(int64_t i) const { return items_[static_cast<size_t>(i - base_)]; }
  bool empty() const { return items_.empty(); }

 private:
  static constexpr size_t kKeep = 1 << 16;
  std::deque<T> items_;
  int64_t base_ = 0;
};

struct PacingHistory {
  OutcomeLog<DialRecord> dials;
  OutcomeLog<LiveRecord> live;
  OutcomeLog<HandleRecord> handles;
  // Campaign totals since the runtime started.
  int64_t total_dials = 0, total_live = 0, total_abandoned = 0;
};

// Callers by state (countCallers below; PacerInput::counts).
struct CallerCounts {
  int logged_in = 0, ready = 0, reserved = 0, on_call = 0, wrap_up = 0, paused = 0;
  int active() const { return logged_in - paused; }  // logged in, not paused
  int busy() const { return reserved + on_call + wrap_up; }
};

struct PacerInput {
  TimePoint now;
  std::span<const CallerView> callers;  // logged-in callers (paused included)
  // The callers by state (the runtime keeps them as callers change state, so
  // that no pacer need walk every caller); nullopt: count `callers`. A pacer
  // that does not read each caller and dial (Pacer::readsViews) gets only
  // these and `dials`, and empty `callers` and `in_flight`.
  std::optional<CallerCounts> counts;
  std::span<const DialView> in_flight;  // queued/dialing/ringing dials
  std::optional<int> dials;             // how many dials are in flight; nullopt: in_flight.size()
  int answered_waiting = 0;    // answered live calls waiting for a caller right now
  // Answered autodialed calls still being screened by AMD (no verdict yet): the
  // humans among them need a caller within moments. Always 0 without AMD.
  int screening = 0;
  int lines_in_use = 0;        // every call holding a line (in flight + answered + bridged …)
  int line_cap = 0;            // 0 = unlimited
  Millis ring_timeout{25000};  // the campaign's ring timeout (PacerDecision::ring_timeout)
  int64_t leads_ready = 0;     // leads that could be dialed now
  double target_pct = 3.0;     // the campaign's abandonment target (percent)
  double cap_pct = 3.0;        // the legal cap (percent)
  AbandonmentBudget budget;    // from the ledger, both legal windows
  Millis grace{2000};          // the grace the runtime honours
  // The part of the grace left once a callee becomes routable (after the AMD
  // verdict): what a caller freeing late can still use.
  Millis routable_grace{0};
  bool amd = false;            // answering-machine detection on
  // The share of the people answering whom AMD judged before the runtime routed
  // them: AMD can hang up on a person (a false positive, which no ledger sees)
  // only among those. It is the share of the paced dials placed with AMD
  // (PacerDecision::screen) times, among the people AMD screened, the share whose
  // verdict came before the runtime routed them anyway
  // (RuntimeOptions::amd_yield_margin). 1 when every dial is screened and AMD never
  // yields (the grace counted from the greeting's end), or with no evidence yet.
  double amd_verdict_share = 1.0;
  const PacingHistory* history = nullptr;
};

struct PacerDecision {
  int dial = 0;                        // place this many new dials now (≥ 0)
  std::optional<TimePoint> wake_at;    // ask again at this instant even if nothing happens
  // Screen the answers of the dials placed from now on with AMD (when the
  // campaign has it on, PacerInput::amd). A pacer may dial without it: every
  // answer then goes to a caller, machines included, and AMD's false positives
  // (people hung up on, abandoned in law) cannot happen. Holds until the next
  // decision; dials already placed keep the mode they were placed with.
  bool screen = true;
  // Ring the dials placed from now on for at most this long (0: the campaign's
  // ring timeout). The runtime keeps it within [15 s (the legal minimum ring),
  // the campaign's]. While the line cap binds, a line spent ringing on after
  // the people have mostly answered (answering machines pick up late) is a
  // line not dialing the next number. Holds until the next decision.
  Millis ring_timeout{0};
};

class Pacer {
 public:
  virtual ~Pacer() = default;
  virtual std::string_view name() const = 0;
  virtual PacerDecision decide(const PacerInput& in) = 0;
  // The aggressiveness knob the benchmark tunes (ratio, safety factor …);
  // pacers without one return false.
  virtual bool hasKnob() const { return false; }
  virtual void setKnob(double) {}
  virtual double knob() const { return 0.0; }
  // Knob range for bisection: larger = more aggressive.
  virtual std::pair<double, double> knobRange() const { return {0.0, 0.0}; }
  // False for a pacer that needs only PacerInput::counts and ::dials, not each
  // caller's and dial's view: the runtime then spares itself building the
  // views on every decision.
  virtual bool readsViews() const { return true; }
};

// Counts helpers many pacers share. tally adds one logged-in caller in state s
// (d = −1 takes one away).
inline void tally(CallerCounts& c, CallerState s, int d = 1) {
  c.logged_in += d;
  int* by_state = s == CallerState::kReady      ? &c.ready
                  : s == CallerState::kReserved ? &c.reserved
                  : s == CallerState::kOnCall   ? &c.on_call
                  : s == CallerState::kWrapUp   ? &c.wrap_up
                  : s == CallerState::kPaused   ? &c.paused
                                                : nullptr;  // kLoggedOut
  if (by_state) *by_state += d;
}
CallerCounts countCallers(std::span<const CallerView> callers);
// in.counts when the caller of decide() tallied them, else countCallers(in.callers).
inline CallerCounts countCallers(const PacerInput& in) {
  return in.counts ? *in.counts : countCallers(in.callers);
}
// in.dials when the caller of decide() counted them, else in.in_flight.size().
inline int dialsInFlight(const PacerInput& in) {
  return in.dials ? *in.dials : static_cast<int>(in.in_flight.size());
}

}  // namespace clearline::core
