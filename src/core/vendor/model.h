// Vendor-chain registry records (compliance.md §6.2–§6.5): legal entities,
// engagements (one edge of the chain), sites, vetting records, callers, the
// campaign's vendor policy, policy overrides and sanctions checks.
//
// Every record is stored as versions (RecordVersion): the JSON document a user
// wrote, validated into the typed struct below. Parsing names the record and
// the field on every error ("site S1: site_type: unknown value 'prison'").
// Pure values; no I/O. Owned by the vendor area (issue 4).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "common/status.h"

namespace clearline::core::vendor {

enum class RecordKind { kEntity, kEngagement, kSite, kVetting, kCaller, kPolicy, kOverride, kSanctions };
inline constexpr RecordKind kAllKinds[] = {RecordKind::kEntity,   RecordKind::kEngagement, RecordKind::kSite,
                                           RecordKind::kVetting,  RecordKind::kCaller,     RecordKind::kPolicy,
                                           RecordKind::kOverride, RecordKind::kSanctions};
std::string_view toString(RecordKind k);
Result<RecordKind> parseRecordKind(std::string_view s);

enum class EntityType {
  kCorporation, kLlc, kPartnership, kSoleProp, kNonprofit, kGovernmentAgency, kCorrectionalIndustriesProgram, kCampaignCommittee
};
enum class SiteType {
  kCommercialOffice, kBpoCenter, kHomeRemote, kCorrectionalFacility, kWorkReleaseCenter, kDetentionCenter,
  kCampaignOffice, kVolunteerPhonebank, kOther
};
enum class WorkerCategory { kEmployee, kContractor, kTempAgency, kVolunteer, kIncarcerated, kWorkRelease };
enum class WagePaidTo { kWorker, kIntermediaryAuthority, kMixed };
enum class RiskRating { kLow, kMedium, kHigh, kProhibited };
enum class VettingStatus { kPending, kApproved, kConditional, kRejected, kExpired, kRevoked };
enum class HoursStandard { kSa8000, kRba, kCustom };

std::string_view toString(EntityType v);
std::string_view toString(SiteType v);
std::string_view toString(WorkerCategory v);
std::string_view toString(WagePaidTo v);
std::string_view toString(RiskRating v);
std::string_view toString(VettingStatus v);
std::string_view toString(HoursStandard v);
Result<SiteType> parseSiteType(std::string_view s);
// "correctional facility" style label for reports.
std::string siteTypeLabel(SiteType t);

struct Address {
  std::string line, city, state, postal_code, country;
};

struct Entity {
  std::string id;
  std::string legal_name;
  EntityType entity_type = EntityType::kCorporation;
  std::vector<std::string> dba_names;
  std::string jurisdiction_of_formation;
  std::string registration_number;
  Address address;
  std::string parent_entity_id;   // corporate parent (not the chain principal)
  Json beneficial_owners = Json::array();  // [{name, ownership_pct, control_role}]
  Json registrations = Json::array();      // [{kind, state, licence_no, expiry}]
};

struct Consent {
  std::string consented_by, title, doc_sha256;
  TimePoint date;
};

struct Engagement {
  std::string id;
  int64_t campaign_id = 0;             // root engagements only (principal = the campaign)
  std::string parent_engagement_id;    // empty for a root (tier 1) engagement
  std::string principal_entity_id;     // empty for a root; else = parent's agent
  std::string agent_entity_id;
  std::string contract_ref, contract_doc_sha256;
  Json scope = Json::object();
  TimePoint effective_from;
  std::optional<TimePoint> effective_to;
  bool subcontracting_allowed = false;
  std::optional<Consent> campaign_consent;  // the campaign's written consent (sub-tiers)
  bool terminated = false;
  Json payment_terms = Json::object();
};

struct Site {
  std::string id, name;
  std::string operator_entity_id;
  SiteType site_type = SiteType::kOther;
  std::string facility_authority_entity_id;
  Address address;
  std::string timezone;
  std::vector<std::string> network_identifiers;  // CIDRs ("203.0.113.0/24") or "AS64500"
  int max_seats = 0;
  bool active = true;
};

struct Evidence {
  std::string doc_type, issuer, sha256, file;  // file: a path at import, stored copy afterwards
};

struct Person {
  std::string name, title, entity_id;
};

struct Vetting {
  std::string id;
  std::string subject_kind;  // "entity" | "site"
  std::string subject_id;
  std::vector<WorkerCategory> worker_categories;
  bool incarcerated_workers_present = false;
  double wage_floor_hourly = 0;  // gross hourly wage attested
  std::string currency = "USD";
  WagePaidTo wage_paid_to = WagePaidTo::kWorker;
  std::string wage_paid_to_name;        // the intermediary, when not the worker
  std::optional<double> wage_received_by_worker_hourly;  // what workers actually receive
  std::optional<double> hours_normal_max, overtime_max, days_off_per_7;
  bool participation_voluntary = false, free_to_resign = false;
  bool id_documents_retained = false, recruitment_fees_charged = false;
  std::vector<std::string> verification_methods;
  std::vector<Evidence> evidence;
  Person signer, reviewer;
  TimePoint attested_at, reviewed_at, expires_at;
  RiskRating risk_rating = RiskRating::kMedium;
  VettingStatus status = VettingStatus::kPending;
  std::vector<std::string> findings;
  // What workers receive per hour: the attested wage if paid to the worker,
  // the attested received amount otherwise (0 when unknown: an intermediary's pay is no wage).
  double workerReceivedHourly() const;
};

struct Caller {
  std::string ref;  // pseudonymous caller id
  std::string site_id, engagement_id;
  WorkerCategory worker_category = WorkerCategory::kEmployee;
  std::vector<std::string> remote_networks;  // for home_remote sites (G8)
  bool active = true;
};

// One attributed campaign decision (who, why, when), required for every policy
// value that differs from the research default and for every override.
struct Decision {
  std::string field;  // the policy field it changes (policy decisions)
  std::string decided_by, title, reason, doc_sha256;
  TimePoint decided_at;
};

struct Policy {
  int64_t campaign_id = 0;
  std::set<SiteType> deny_site_types = {SiteType::kCorrectionalFacility, SiteType::kDetentionCenter,
                                        SiteType::kWorkReleaseCenter};
  double federal_min_wage = 7.25;
  std::map<std::string, double> state_min_wage;  // "OK" → 7.25, "CA" → 16.50 …
  double campaign_wage_floor = 0;
  int max_subcontract_depth = 2;
  int vetting_max_age_days = 365;
  int high_risk_vetting_max_age_days = 90;
  HoursStandard hours_standard = HoursStandard::kSa8000;
  double custom_hours_max_total = 60;  // hours_standard custom
  int sanctions_max_age_days = 30;
  std::vector<Decision> decisions;
};

// A campaign's explicit exception to G4 (denied site type) for one site.
// Valid only while the site's worker-received wage is at or above the floor.
struct Override {
  std::string id;
  int64_t campaign_id = 0;
  std::string gate = "G4";
  std::string site_id;
  Decision decision;
  std::optional<TimePoint> expires_at;
  std::string conditions;  // FAR 52.222-3-style conditions documented
};

struct SanctionsCheck {
  std::string id, entity_id;
  TimePoint checked_at;
  std::string result;  // "clear" | "hit"
  std::vector<std::string> lists;  // "OFAC SDN", "SAM exclusions" …
  std::string source;
};

// Parsing (validating) one record document. `context` prefixes every error.
Result<Entity> parseEntity(const Json& j);
Result<Engagement> parseEngagement(const Json& j);
Result<Site> parseSite(const Json& j);
Result<Vetting> parseVetting(const Json& j);
Result<Caller> parseCaller(const Json& j);
Result<Policy> parsePolicy(const Json& j);
Result<Override> parseOverride(const Json& j);
Result<SanctionsCheck> parseSanctions(const Json& j);
// Validates the document for its kind (parses and discards).
Status validateDocument(RecordKind kind, const Json& j);
// The record id inside a document ("id", "ref" for callers, "campaign_id" for policies).
Result<std::string> documentId(RecordKind kind, const Json& j);

Json toJson(const Policy& p);
// The research defaults, for the policy report.
Policy defaultPolicy(int64_t campaign_id);
// Policy fields whose value differs from the default (names as in the JSON).
std::vector<std::string> policyDeviations(const Policy& p);

// Accepts "YYYY-MM-DD" (start of day UTC) or a full ISO 8601 instant with offset.
Result<TimePoint> parseWhen(std::string_view s);

}  // namespace clearline::core::vendor
