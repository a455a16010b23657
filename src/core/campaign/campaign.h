// Campaign domain: purpose classes, dial modes, the campaign record and its
// lifecycle state machine (docs/state-machines.md).
//
// Pure values; no I/O. The store persists them (core/ports/campaign_store.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/ids.h"
#include "common/json.h"
#include "common/status.h"

namespace clearline::core {

// Why the call is made: federal and state coverage depends on it (compliance.md §0).
enum class PurposeClass {
  kPolitical,
  kCharitableByCharity,
  kCharitableByTelemarketer,
  kCommercial,
  kSurvey,
  kInformational,
};

enum class DialMode {
  kPreview,         // caller sees the contact, then presses Call
  kProgressive,     // one line per free caller
  kPredictive,      // the pacer dials ahead of free callers
  kHumanInitiated,  // "clicker": a human starts every dial (not an autodialer)
};

enum class CampaignState { kDraft, kActive, kPaused, kFinished };

enum class CampaignEvent { kActivate, kPause, kResume, kFinish };

enum class RecordingPolicy { kNever, kAll, kOnDemand };

// The recording announcement ("this call is recorded") at the start of a
// recorded call (issue 6 §5; core/policy/recording_consent.h decides per call):
enum class RecordingAnnouncement {
  kAuto,    // where all-party consent is required: the callee's candidate states
            // or the campaign's US-XX jurisdictions include an all-party state
  kAlways,  // on every recorded call
  kNever,   // never; a call where all-party consent is required is then NOT
            // recorded (fail-closed: no recording without the announcement)
};

// Answering-machine detection on the campaign's autodialed calls.
enum class AmdSetting {
  kDefault,  // the dialer's default ([sip] amd, `clearline dialer run --amd`)
  kOn,
  kOff,
};

std::string_view toString(PurposeClass p);
std::string_view toString(DialMode m);
std::string_view toString(CampaignState s);
std::string_view toString(CampaignEvent e);
std::string_view toString(RecordingPolicy r);
std::string_view toString(RecordingAnnouncement a);
std::string_view toString(AmdSetting a);
Result<PurposeClass> parsePurposeClass(std::string_view s);
Result<DialMode> parseDialMode(std::string_view s);
Result<CampaignState> parseCampaignState(std::string_view s);
Result<RecordingPolicy> parseRecordingPolicy(std::string_view s);
Result<RecordingAnnouncement> parseRecordingAnnouncement(std::string_view s);
Result<AmdSetting> parseAmdSetting(std::string_view s);
// AMD for a campaign: its own setting, or `dialer_default` when it has none.
bool amdEnabled(AmdSetting a, bool dialer_default);
// Every accepted spelling, for --help and error messages.
std::string purposeClassNames();
std::string dialModeNames();

// The campaign lifecycle: draft → active ⇄ paused → finished (active or paused
// may finish; finished is terminal). Returns the next state or
// FailedPrecondition naming the illegal transition.
Result<CampaignState> transition(CampaignState from, CampaignEvent event);

// A daily calling schedule in the callee's local time, narrowed further by the
// compliance engine's legal windows. Minutes after local midnight.
struct Schedule {
  int start_minute = 9 * 60;
  int end_minute = 20 * 60;
  std::vector<int> weekdays = {1, 2, 3, 4, 5, 6};  // 0 = Sunday … 6 = Saturday
};

struct SurveyQuestion {
  std::string key;       // stable id, used in exports ("support")
  std::string text;      // shown to the caller
  std::vector<std::string> choices;  // empty = free text
};

// The caller's script: text with {first_name}-style fields, and questions.
struct Script {
  int version = 1;
  std::string text;
  std::vector<SurveyQuestion> questions;
};

// What happens after a disposition: retry after a delay, or never again.
struct RecycleRule {
  std::string disposition;  // e.g. "no_answer", "busy", "machine"
  int delay_minutes = 0;
  int max_attempts = 3;
};
inline constexpr int kMaxRecycleDelayMinutes = 366 * 24 * 60;  // a year
// The dispositions a call can end with, so those a recycle rule may name: the
// campaign's (defaultDispositions()) and the runtime's own ("abandoned", …).
const std::vector<std::string>& recyclableDispositions();
bool isRecyclableDisposition(const std::string& code);

struct Campaign {
  CampaignId id;
  OrgId org_id;
  std::string name;
  PurposeClass purpose = PurposeClass::kPolitical;
  std::string subject_key;                 // for per-subject caps (FL/OK/MD)
  std::vector<std::string> jurisdictions;  // "US", "US-FL", "UK" …
  DialMode dial_mode = DialMode::kPreview;
  std::string caller_id;                   // E.164 presented to callees
  std::string callback_number;             // E.164 that takes do-not-call requests
  std::string safe_harbor_message;         // text of the safe-harbor prompt (R4)
  std::string disclaimer;                  // "Paid for by …" (R18)
  Schedule schedule;
  Script script;
  std::vector<RecycleRule> recycle_rules;
  int max_attempts_per_contact = 3;
  double abandon_target_pct = 2.0;
  RecordingPolicy recording = RecordingPolicy::kNever;
  RecordingAnnouncement recording_announcement = RecordingAnnouncement::kAuto;
  AmdSetting amd = AmdSetting::kDefault;
  CampaignState state = CampaignState::kDraft;
  TimePoint created_at;
  TimePoint updated_at;
};

// Validates the fields a user sets; errors name the field.
Status validate(const Campaign& c);
// The jurisdictions a campaign may be given (US, US-XX, UK or GB): checked when a
// user creates or changes one, not when a stored campaign is read (one stored
// before the check still loads).
Status validateJurisdictions(const Campaign& c);
// What a user may set (the stores' create and update call it; a campaign
// stored before a check existed still loads): validateJurisdictions, at least
// one weekday, recycle rules that name a disposition a call can end with
// (recyclableDispositions) with a delay up to a year and 1..50 attempts, and
// survey question keys that are unique.
// `before`: the stored campaign an update changes (only changed fields are checked).
Status validateForWrite(const Campaign& c, const Campaign* before = nullptr);

// Stable JSON forms (API, CLI --json, audit payloads).
Json toJson(const Campaign& c);
// Reads the user-settable fields from JSON (unknown keys are an error naming them).
// All or nothing: on error `c` is unchanged.
Status applyJson(const Json& j, Campaign& c);

// The inverse of toJson(), read-only fields included (stores read records with it).
Result<Campaign> campaignFromJson(const Json& j);

// The fields that differ, as {field: {from, to}} (audit payloads of updates).
Json campaignChanges(const Campaign& before, const Campaign& after);

// Defaults for a new campaign of this purpose: recycle rules and safe-harbor text.
Campaign newCampaign(std::string name, PurposeClass purpose);

}  // namespace clearline::core
