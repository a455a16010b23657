// The one table that turns SIP outcomes into domain hang-up causes
// (core::HangupCause). Every final response class and every BYE reason we
// know is mapped here and pinned by hangup_causes_test.cc. Pure functions,
// any thread.
#pragma once

#include <string_view>

#include "core/ports/telephony.h"

namespace clearline::sip {

// A final response (>= 300) to our INVITE. Unknown codes map by class.
core::HangupCause causeForFinalResponse(int sip_status);

// A BYE (or CANCEL) received from the far end after answer. `reason` is the
// Reason header's value if any ("Q.850;cause=16", "SIP;cause=480" …).
core::HangupCause causeForRemoteBye(std::string_view reason);

// Q.850 cause value (from a Reason header) to a domain cause.
core::HangupCause causeForQ850(int q850);

// What we send in a Reason header when we hang up with `cause` (RFC 3326).
int q850ForCause(core::HangupCause cause);

}  // namespace clearline::sip
