#include "sip/hangup_causes.h"

#include <charconv>
#include <string>

namespace clearline::sip {

using core::HangupCause;

HangupCause causeForFinalResponse(int s) {
  switch (s) {
    case 486:  // Busy Here
    case 600:  // Busy Everywhere
      return HangupCause::kBusy;
    case 603:  // Decline
    case 403:  // Forbidden (carrier refuses this destination)
    case 607:  // Unwanted
    case 608:  // Rejected (by an intermediary / analytics)
      return HangupCause::kRejected;
    case 404:  // Not Found
    case 484:  // Address Incomplete
    case 604:  // Does Not Exist Anywhere
    case 410:  // Gone
    case 416:  // Unsupported URI Scheme
    case 485:  // Ambiguous
      return HangupCause::kInvalidNumber;
    case 480:  // Temporarily Unavailable (no answer / unreachable)
    case 408:  // Request Timeout (ring timeout on the far side / Timer B)
      return HangupCause::kNoAnswer;
    case 487:  // Request Terminated (our CANCEL took effect)
      return HangupCause::kCancelled;
    case 503:  // Service Unavailable
    case 502:  // Bad Gateway
    case 504:  // Server Time-out
    case 500:  // Server Internal Error
    case 513:  // Message Too Large
    case 580:  // Precondition Failure
      return HangupCause::kCongestion;
    case 401:  // Unauthorized (our credentials failed twice)
    case 407:  // Proxy Authentication Required (ditto)
    case 488:  // Not Acceptable Here (no common codec)
    case 606:  // Not Acceptable
    case 415:  // Unsupported Media Type
    case 420:  // Bad Extension
    case 481:  // Call/Transaction Does Not Exist
    case 482:  // Loop Detected
    case 483:  // Too Many Hops
      return HangupCause::kError;
    default:
      break;
  }
  if (s >= 300 && s < 400) return HangupCause::kError;        // redirects: we don't follow
  if (s >= 400 && s < 500) return HangupCause::kError;
  if (s >= 500 && s < 600) return HangupCause::kCongestion;
  if (s >= 600 && s < 700) return HangupCause::kRejected;
  return HangupCause::kError;
}

HangupCause causeForQ850(int q) {
  switch (q) {
    case 16:  // normal clearing
    case 31:  // normal, unspecified
      return HangupCause::kNormal;
    case 17:  // user busy
      return HangupCause::kBusy;
    case 18:  // no user responding
    case 19:  // no answer from user
      return HangupCause::kNoAnswer;
    case 21:  // call rejected
      return HangupCause::kRejected;
    case 1:   // unallocated number
    case 3:   // no route to destination
    case 22:  // number changed
    case 28:  // invalid number format
      return HangupCause::kInvalidNumber;
    case 34:  // no circuit available
    case 38:  // network out of order
    case 41:  // temporary failure
    case 42:  // switching equipment congestion
      return HangupCause::kCongestion;
    case 102:  // recovery on timer expiry: the far end saw no media (RTP timeout)
      return HangupCause::kMediaTimeout;
    default:
      return HangupCause::kNormal;
  }
}

HangupCause causeForRemoteBye(std::string_view reason) {
  // "Q.850;cause=16;text=..." or "SIP;cause=200" (RFC 3326). Anything else: normal.
  auto pos = reason.find("cause=");
  if (pos == std::string_view::npos) return HangupCause::kNormal;
  std::string_view num = reason.substr(pos + 6);
  int v = 0;
  auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), v);
  if (ec != std::errc()) return HangupCause::kNormal;
  bool q850 = reason.size() >= 5 && (reason.substr(0, 5) == "Q.850" || reason.substr(0, 5) == "q.850");
  if (q850) return causeForQ850(v);
  if (v >= 300) return causeForFinalResponse(v);
  return HangupCause::kNormal;
}

int q850ForCause(HangupCause c) {
  switch (c) {
    case HangupCause::kNormal: return 16;
    case HangupCause::kBusy: return 17;
    case HangupCause::kNoAnswer: return 19;
    case HangupCause::kRejected: return 21;
    case HangupCause::kInvalidNumber: return 1;
    case HangupCause::kCongestion: return 34;
    case HangupCause::kTrunkDown: return 38;
    case HangupCause::kCancelled: return 16;
    case HangupCause::kSafeHarborDone: return 16;
    case HangupCause::kCallerGone: return 16;
    case HangupCause::kMediaTimeout: return 102;  // recovery on timer expiry (no RTP for too long)
    case HangupCause::kSystemRestart: return 41;
    case HangupCause::kError: return 41;
  }
  return 31;
}

}  // namespace clearline::sip
