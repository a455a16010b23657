// Consent to record a telephone call (issue 6 §5): which US states require
// the consent of every party (all-party / "two-party" consent), as data
// (data/rules/recording_consent.json, loaded by
// policy_data::loadRecordingConsent, each state with its citation), and the
// decision whether a recorded call must start with the campaign's recording
// announcement. Pure values and functions; any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/status.h"
#include "core/campaign/campaign.h"

namespace clearline::core::policy {

struct RecordingConsentTable {
  struct State {
    std::string state;     // two-letter USPS code ("CA")
    std::string citation;  // the statute
    std::string note;
  };
  int version = 0;
  std::string source;            // file name, for messages
  bool reviewed_by_counsel = false;
  std::vector<State> all_party;  // states where every party must consent
  // The entry for `state` ("CA", "ca" or "US-CA"), or null.
  const State* find(std::string_view state) const;
};

// {"version": N, "reviewed_by_counsel": bool, "all_party_consent": [{"state",
// "citation", "note"?}, ...]}. Errors name the entry and the field.
Result<RecordingConsentTable> parseRecordingConsent(const Json& j, const std::string& source);

struct AnnouncementDecision {
  bool required = false;  // the recorded conversation starts with the recording announcement
  bool record = true;     // false: this call must not be recorded (fail-closed, below)
  std::string reason;     // "campaign: always", "US-PA all-party consent (18 Pa.C.S. § 5704)", …
};

// Whether a recorded call of a campaign (its recording policy and its
// recording_announcement setting) to a callee whose candidate locations are
// `candidate_states` (the contact's address state, the area code's states and
// the campaign's US-XX jurisdictions) must start with the recording
// announcement:
//  - the campaign does not record: no (and nothing is recorded);
//  - always: yes;
//  - auto: yes when any candidate state is an all-party consent state (the
//    conservative reading, as the dial-time policy does with candidate
//    states), naming the state and statute;
//  - never: no announcement; where one would be required the call is NOT
//    recorded (record = false: no recording without consent, fail-closed);
//    elsewhere it is recorded without one.
AnnouncementDecision recordingAnnouncementFor(RecordingPolicy recording, RecordingAnnouncement mode,
                                              const std::vector<std::string>& candidate_states,
                                              const RecordingConsentTable& table);

// The same for a call of campaign `c` to a callee located in `callee_states`
// (the contact's address state, the area code's states): the campaign's
// "US-XX" jurisdictions are candidates too.
AnnouncementDecision recordingAnnouncementForCall(const Campaign& c, const std::vector<std::string>& callee_states,
                                                  const RecordingConsentTable& table);

}  // namespace clearline::core::policy
