// The compliance port: "may this number be dialed now, in this mode, by this
// campaign?" Implemented by core/policy (the rule chain). The campaign runtime
// asks it for every lead at the moment it would be dialed; the call record
// references the returned authorization id.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/ids.h"
#include "core/campaign/campaign.h"
#include "core/contact/contact.h"

namespace clearline::core {

enum class Verdict { kAllow, kDeny, kDefer };
std::string_view toString(Verdict v);

// Reassigned Numbers Database answer for a consented number (R16).
enum class RndStatus { kNotQueried, kNo, kYes, kNoData };
std::string_view toString(RndStatus r);

struct DialAttempt {
  CampaignId campaign_id;
  OrgId org_id;
  PurposeClass purpose = PurposeClass::kPolitical;
  DialMode mode = DialMode::kPreview;
  bool prerecorded = false;            // prerecorded/artificial voice (incl. safe-harbor risk)
  std::vector<std::string> jurisdictions;
  std::string subject_key;
  ContactId contact_id;
  std::string e164;
  LineType line_type = LineType::kUnknown;
  ConsentType consent = ConsentType::kNone;
  std::optional<TimePoint> consent_revoked_at;
  std::string state;                   // contact's address state, if known
  std::string zip;
  // The list's IANA time zone for the contact ("America/Chicago"), if it gave
  // one: one more candidate location (its windows apply too), never a
  // replacement for the number's and address's.
  std::string timezone;
  // Added by policy (all optional; defaults keep older callers correct):
  // candidate states from outside the core (area-code geocoder, last known
  // location), two-letter codes; unioned with state/zip and the NPA table.
  std::vector<std::string> candidate_states;
  RndStatus rnd = RndStatus::kNotQueried;        // R16
  std::optional<TimePoint> rnd_checked_at;
  std::optional<TimePoint> ebr_expires_at;       // established business relationship (R8)
};

// What happened on a dial, told back to the authorizer so that frequency caps
// and repeat rules (S9, R12, U5) see it. The runtime calls noteDial() once the
// attempt has ended.
struct CompletedDial {
  CampaignId campaign_id;
  OrgId org_id;
  std::string subject_key;
  std::string e164;
  TimePoint at;                    // when the dial started
  bool prerecorded = false;
  bool live_answered = false;
  bool abandoned = false;          // live answer, no caller within 2 s (R2)
  bool machine = false;            // answering-machine detection hit (U5)
  std::string disposition;         // for recycle delays
};

struct Decision {
  Verdict verdict = Verdict::kDeny;
  std::vector<std::string> rules;      // rule ids that decided it ("R1", "S2" …)
  std::string reason;                  // plain words
  std::optional<TimePoint> until;      // for kDefer: the next allowed instant
  // When autodialing is not allowed but a human-initiated dial would be (R11):
  std::optional<DialMode> route_to_mode;
  std::string authorization_id;        // the stored authorization record
};

class DialAuthorizer {
 public:
  virtual ~DialAuthorizer() = default;
  virtual Decision authorize(const DialAttempt& attempt, TimePoint now) = 0;
  // The same decision written into `out`, which keeps its buffers' capacity from
  // one call to the next (the runtime's per-lead path reuses one Decision). The
  // default assigns authorize()'s result; the policy engine decides in place.
  virtual void authorizeInto(const DialAttempt& attempt, TimePoint now, Decision& out) {
    out = authorize(attempt, now);
  }
  // Optional feedback for caps and repeat rules; the default ignores it.
  virtual void noteDial(const CompletedDial& /*outcome*/) {}
};

// Abandonment ledger (R2–R4, U1–U2): live-answered calls and whether each was
// abandoned, per campaign, over rolling 30 days and 24 hours.
struct AbandonmentBudget {
  int64_t answered_30d = 0, abandoned_30d = 0;
  int64_t answered_24h = 0, abandoned_24h = 0;
  double rate_30d = 0.0, rate_24h = 0.0;  // percent
  // How many more abandons keep both windows at or under the cap if no other
  // call were answered (the pacer uses it as its remaining risk budget).
  int64_t remaining_abandons = 0;
};

class AbandonmentLedger {
 public:
  virtual ~AbandonmentLedger() = default;
  virtual void recordLiveAnswer(CampaignId campaign, CallId call, TimePoint answered_at,
                                bool abandoned, bool amd_false_positive) = 0;
  virtual AbandonmentBudget budget(CampaignId campaign, TimePoint now, double cap_pct) const = 0;
};

}  // namespace clearline::core
