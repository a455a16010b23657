// The call-record port: what the campaign runtime (core/runtime) tells the
// daemon to persist. One CallRecord snapshot after every call state change
// (upsert by call_id into the `calls` table), and one LeadUpdate when an
// attempt is over (the contact's status and next attempt time).
//
// Implemented by the daemon (a storage worker writes them, in order); the
// simulator passes nullptr. Called on the signalling loop thread; the
// implementation must not block (queue the write).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/ids.h"
#include "core/campaign/campaign.h"
#include "core/ports/telephony.h"
#include "core/runtime/call_state.h"

namespace clearline::core {

struct CallRecord {
  CallId call_id;
  CampaignId campaign_id;
  ContactId contact_id;
  PhoneId phone_id;
  std::string called_number;
  std::string caller_id_number;
  CallState state = CallState::kQueued;
  std::string authorization_id;
  // The mode the dial was authorized in, when it is not the campaign's own:
  // set for caller-placed calls (human_initiated / preview, CallOrigin::kCaller).
  std::optional<DialMode> dial_mode;
  // Routing provenance (from CallerGate at routing), set once bridged.
  std::string caller_ref;
  std::vector<std::string> engagement_path;
  std::string site_id;
  std::string worker_category;
  std::string vetting_snapshot_hash;
  std::optional<TimePoint> queued_at, dialed_at, answered_at, greeting_end_at, bridged_at, ended_at;
  std::optional<TimePoint> wrapped_at;  // the caller finished wrap-up (gave the disposition)
  std::string answered_by;  // "human" | "machine" | "unknown" | ""
  bool abandoned = false;
  bool safe_harbor_played = false;
  std::optional<HangupCause> hangup_cause;
  int sip_status = 0;
  std::string disposition;  // set at wrap-up (or by the system for unanswered calls)
};

struct LeadUpdate {
  CampaignId campaign_id;
  ContactId contact_id;
  PhoneId phone_id;
  CallId last_call_id;
  std::string disposition;
  int attempts = 0;
  bool final = false;                       // no more attempts
  std::optional<TimePoint> next_attempt_at; // when recycled
  std::optional<TimePoint> callback_due;    // when a callback was scheduled
};

class CallRecordSink {
 public:
  virtual ~CallRecordSink() = default;
  virtual void onCallRecord(const CallRecord& rec) = 0;
  virtual void onLeadUpdate(const LeadUpdate& upd) = 0;
};

}  // namespace clearline::core
