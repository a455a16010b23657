// The telephony port: commands from the core to the telephony edge, and the
// events the edge reports back. Implemented by src/sip (LibreTelephony, real
// SIP/RTP) and src/sim (the discrete-event simulator). The core never sees SIP.
//
// Threading: both directions happen on the signalling loop thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/ids.h"

namespace clearline::core {

// Why a leg ended, in domain terms (src/sip maps SIP responses and BYE reasons
// to these in one table-tested file).
enum class HangupCause {
  kNormal,          // a party hung up after answer
  kBusy,            // 486/600
  kNoAnswer,        // ring timeout (never before 15 s, R5)
  kRejected,        // 603 / declined
  kInvalidNumber,   // 404/484/604
  kCongestion,      // 503 / all circuits busy
  kTrunkDown,       // no route: the trunk is marked down
  kCancelled,       // we cancelled before answer
  kSafeHarborDone,  // the safe-harbor message played, then we hung up
  kCallerGone,      // the caller's phone leg dropped
  kMediaTimeout,    // no RTP for too long
  kSystemRestart,   // closed by recovery after a crash
  kError,
};
std::string_view toString(HangupCause c);

struct OriginateRequest {
  CallId call_id;
  CampaignId campaign_id;
  std::string to_e164;
  std::string caller_id;       // E.164 presented in From / P-Asserted-Identity
  std::string caller_id_name;
  Millis ring_timeout{30000};  // the edge never cancels before max(15 s, this)
  bool detect_machine = false; // run answering-machine detection after answer
};

class Telephony {
 public:
  virtual ~Telephony() = default;
  // Starts an outbound call to the trunk. Progress comes back as events.
  virtual void originate(const OriginateRequest& req) = 0;
  // Ends a call in any state (CANCEL before answer, BYE after).
  virtual void hangup(CallId call, HangupCause cause) = 0;
  // Connects an answered customer leg to the caller's open phone leg.
  virtual void bridge(CallId call, const std::string& caller_ref) = 0;
  // Plays the campaign's safe-harbor prompt on an answered call, then hangs up.
  virtual void playSafeHarbor(CallId call) = 0;
  // Calls the caller's phone once at login and keeps that leg open (no ringing per customer).
  virtual void openCallerLeg(const std::string& caller_ref) = 0;
  virtual void closeCallerLeg(const std::string& caller_ref) = 0;
  // True when new originations can be placed (the trunk answers OPTIONS).
  virtual bool trunkUp() const = 0;
};

struct TelephonyEvent {
  enum class Kind {
    kRinging,          // 180/183
    kAnswered,         // 200 OK on the customer leg
    kMachine,          // answering-machine detection said machine
    kHuman,            // answering-machine detection said human
    kGreetingEnded,    // the callee's greeting ended (R2 reference point)
    kBridged,          // media flows customer <-> caller
    kSafeHarborPlayed, // the prompt finished playing
    kEnded,            // the customer leg ended (cause, sip_status)
    kCallerLegUp,      // the caller's phone answered our login call
    kCallerLegDown,    // the caller's phone hung up / vanished
    kTrunkUp,
    kTrunkDown,
  };
  Kind kind;
  CallId call_id;           // customer-leg events
  std::string caller_ref;   // caller-leg events and kBridged
  HangupCause cause = HangupCause::kNormal;
  int sip_status = 0;
  TimePoint at;
};

class TelephonyListener {
 public:
  virtual ~TelephonyListener() = default;
  virtual void onTelephonyEvent(const TelephonyEvent& ev) = 0;
};

}  // namespace clearline::core
