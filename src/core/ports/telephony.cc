#include "core/ports/telephony.h"

namespace clearline::core {

std::string_view toString(HangupCause c) {
  switch (c) {
    case HangupCause::kNormal: return "normal";
    case HangupCause::kBusy: return "busy";
    case HangupCause::kNoAnswer: return "no_answer";
    case HangupCause::kRejected: return "rejected";
    case HangupCause::kInvalidNumber: return "invalid_number";
    case HangupCause::kCongestion: return "congestion";
    case HangupCause::kTrunkDown: return "trunk_down";
    case HangupCause::kCancelled: return "cancelled";
    case HangupCause::kSafeHarborDone: return "safe_harbor_done";
    case HangupCause::kCallerGone: return "caller_gone";
    case HangupCause::kMediaTimeout: return "media_timeout";
    case HangupCause::kSystemRestart: return "system_restart";
    case HangupCause::kError: return "error";
  }
  return "error";
}

}  // namespace clearline::core
