#include "core/vendor/model.h"

#include <algorithm>
#include <cmath>

#include "common/time_util.h"

namespace clearline::core::vendor {
namespace {

template <typename E, size_t N>
struct EnumTable {
  std::pair<E, std::string_view> rows[N];
  std::string_view name(E v) const {
    for (auto& r : rows)
      if (r.first == v) return r.second;
    return "?";
  }
  std::optional<E> parse(std::string_view s) const {
    for (auto& r : rows)
      if (r.second == s) return r.first;
    return std::nullopt;
  }
  std::string all() const {
    std::string out;
    for (auto& r : rows) {
      if (!out.empty()) out += ", ";
      out += r.second;
    }
    return out;
  }
};

constexpr EnumTable<RecordKind, 8> kKinds{{{RecordKind::kEntity, "entity"},
                                           {RecordKind::kEngagement, "engagement"},
                                           {RecordKind::kSite, "site"},
                                           {RecordKind::kVetting, "vetting"},
                                           {RecordKind::kCaller, "caller"},
                                           {RecordKind::kPolicy, "policy"},
                                           {RecordKind::kOverride, "override"},
                                           {RecordKind::kSanctions, "sanctions"}}};
constexpr EnumTable<EntityType, 8> kEntityTypes{{{EntityType::kCorporation, "corporation"},
                                                 {EntityType::kLlc, "llc"},
                                                 {EntityType::kPartnership, "partnership"},
                                                 {EntityType::kSoleProp, "sole_prop"},
                                                 {EntityType::kNonprofit, "nonprofit"},
                                                 {EntityType::kGovernmentAgency, "government_agency"},
                                                 {EntityType::kCorrectionalIndustriesProgram,
                                                  "correctional_industries_program"},
                                                 {EntityType::kCampaignCommittee, "campaign_committee"}}};
constexpr EnumTable<SiteType, 9> kSiteTypes{{{SiteType::kCommercialOffice, "commercial_office"},
                                             {SiteType::kBpoCenter, "bpo_center"},
                                             {SiteType::kHomeRemote, "home_remote"},
                                             {SiteType::kCorrectionalFacility, "correctional_facility"},
                                             {SiteType::kWorkReleaseCenter, "work_release_center"},
                                             {SiteType::kDetentionCenter, "detention_center"},
                                             {SiteType::kCampaignOffice, "campaign_office"},
                                             {SiteType::kVolunteerPhonebank, "volunteer_phonebank"},
                                             {SiteType::kOther, "other"}}};
constexpr EnumTable<WorkerCategory, 6> kWorkerCats{{{WorkerCategory::kEmployee, "employee"},
                                                    {WorkerCategory::kContractor, "contractor"},
                                                    {WorkerCategory::kTempAgency, "temp_agency"},
                                                    {WorkerCategory::kVolunteer, "volunteer"},
                                                    {WorkerCategory::kIncarcerated, "incarcerated"},
                                                    {WorkerCategory::kWorkRelease, "work_release"}}};
constexpr EnumTable<WagePaidTo, 3> kWagePaidTo{{{WagePaidTo::kWorker, "worker"},
                                                {WagePaidTo::kIntermediaryAuthority, "intermediary_authority"},
                                                {WagePaidTo::kMixed, "mixed"}}};
constexpr EnumTable<RiskRating, 4> kRisk{{{RiskRating::kLow, "low"},
                                          {RiskRating::kMedium, "medium"},
                                          {RiskRating::kHigh, "high"},
                                          {RiskRating::kProhibited, "prohibited"}}};
constexpr EnumTable<VettingStatus, 6> kVetStatus{{{VettingStatus::kPending, "pending"},
                                                  {VettingStatus::kApproved, "approved"},
                                                  {VettingStatus::kConditional, "conditional"},
                                                  {VettingStatus::kRejected, "rejected"},
                                                  {VettingStatus::kExpired, "expired"},
                                                  {VettingStatus::kRevoked, "revoked"}}};
constexpr EnumTable<HoursStandard, 3> kHours{{{HoursStandard::kSa8000, "SA8000"},
                                              {HoursStandard::kRba, "RBA"},
                                              {HoursStandard::kCustom, "custom"}}};

const std::set<std::string> kVerificationMethods = {
    "self_attestation", "document_review", "third_party_audit", "site_visit_announced",
    "site_visit_unannounced", "worker_voice_survey"};

// Reads fields of one record document; the first error wins and names record and field.
class Reader {
 public:
  Reader(const Json& j, std::string context) : j_(j), ctx_(std::move(context)) {
    if (!j_.is_object()) fail("", "must be a JSON object");
  }
  bool ok() const { return st_.isOk(); }
  Status status() const { return st_; }

  void fail(const std::string& field, const std::string& why) {
    if (!st_.isOk()) return;
    st_ = Status::invalidArgument(ctx_ + (field.empty() ? "" : ": " + field) + ": " + why, field);
  }
  const Json* get(const std::string& f, bool required) {
    seen_.insert(f);
    if (!j_.is_object()) return nullptr;
    auto it = j_.find(f);
    if (it == j_.end() || it->is_null()) {
      if (required) fail(f, "is required");
      return nullptr;
    }
    return &*it;
  }
  std::string str(const std::string& f, bool required) {
    const Json* v = get(f, required);
    if (!v) return {};
    if (!v->is_string()) {
      fail(f, "must be a string");
      return {};
    }
    if (required && v->get<std::string>().empty()) fail(f, "must not be empty");
    return v->get<std::string>();
  }
  bool boolean(const std::string& f, bool required, bool dflt = false) {
    const Json* v = get(f, required);
    if (!v) return dflt;
    if (!v->is_boolean()) {
      fail(f, "must be true or false (an explicit attestation)");
      return dflt;
    }
    return v->get<bool>();
  }
  std::optional<double> num(const std::string& f, bool required) {
    const Json* v = get(f, required);
    if (!v) return std::nullopt;
    if (!v->is_number()) {
      fail(f, "must be a number");
      return std::nullopt;
    }
    double d = v->get<double>();
    if (!std::isfinite(d) || d < 0) {
      fail(f, "must be a non-negative number");
      return std::nullopt;
    }
    return d;
  }
  int64_t integer(const std::string& f, bool required, int64_t dflt = 0) {
    const Json* v = get(f, required);
    if (!v) return dflt;
    if (!v->is_number_integer()) {
      fail(f, "must be an integer");
      return dflt;
    }
    return v->get<int64_t>();
  }
  std::optional<TimePoint> when(const std::string& f, bool required) {
    std::string s = str(f, required);
    if (s.empty()) return std::nullopt;
    auto t = parseWhen(s);
    if (!t.isOk()) {
      fail(f, t.status().message());
      return std::nullopt;
    }
    return *t;
  }
  std::vector<std::string> strings(const std::string& f, bool required) {
    std::vector<std::string> out;
    const Json* v = get(f, required);
    if (!v) return out;
    if (!v->is_array()) {
      fail(f, "must be an array of strings");
      return out;
    }
    for (auto& e : *v) {
      if (!e.is_string()) {
        fail(f, "must be an array of strings");
        return out;
      }
      out.push_back(e.get<std::string>());
    }
    return out;
  }
  template <typename E, size_t N>
  E enumeration(const std::string& f, const EnumTable<E, N>& t, bool required, E dflt) {
    std::string s = str(f, required);
    if (s.empty()) return dflt;
    auto v = t.parse(s);
    if (!v) {
      fail(f, "unknown value '" + s + "' (expected one of: " + t.all() + ")");
      return dflt;
    }
    return *v;
  }
  Json raw(const std::string& f, const Json& dflt, bool want_array) {
    const Json* v = get(f, false);
    if (!v) return dflt;
    if (want_array ? !v->is_array() : !v->is_object()) {
      fail(f, want_array ? "must be an array" : "must be an object");
      return dflt;
    }
    return *v;
  }
  // Unknown keys are errors: a misspelt attestation must not pass silently.
  void noUnknownKeys() {
    if (!ok() || !j_.is_object()) return;
    for (auto it = j_.begin(); it != j_.end(); ++it) {
      if (!seen_.count(it.key())) fail(it.key(), "unknown field");
    }
  }
  Address address(const std::string& f, bool required) {
    Address a;
    const Json* v = get(f, required);
    if (!v) return a;
    Reader r(*v, ctx_ + ": " + f);
    a.line = r.str("line", false);
    a.city = r.str("city", required);
    a.state = r.str("state", false);
    a.postal_code = r.str("postal_code", false);
    a.country = r.str("country", required);
    r.noUnknownKeys();
    if (!r.ok()) st_ = r.status();
    return a;
  }
  Person person(const std::string& f, bool required) {
    Person p;
    const Json* v = get(f, required);
    if (!v) return p;
    Reader r(*v, ctx_ + ": " + f);
    p.name = r.str("name", true);
    p.title = r.str("title", false);
    p.entity_id = r.str("entity_id", false);
    r.noUnknownKeys();
    if (!r.ok()) st_ = r.status();
    return p;
  }
  Decision decision(const Json& v, const std::string& f, bool need_field) {
    Decision d;
    Reader r(v, ctx_ + ": " + f);
    if (need_field) d.field = r.str("field", true);
    d.decided_by = r.str("decided_by", true);
    d.title = r.str("title", false);
    d.reason = r.str("reason", true);
    d.doc_sha256 = r.str("doc_sha256", false);
    d.decided_at = r.when("decided_at", true).value_or(TimePoint{});
    r.noUnknownKeys();
    if (!r.ok()) st_ = r.status();
    return d;
  }
  const std::string& context() const { return ctx_; }

 private:
  const Json& j_;
  std::string ctx_;
  Status st_;
  std::set<std::string> seen_;
};

std::string ctxOf(const char* kind, const Json& j, const char* key = "id") {
  std::string id = "(no id)";
  if (j.is_object()) {
    auto it = j.find(key);
    if (it != j.end() && it->is_string()) id = it->get<std::string>();
    if (it != j.end() && it->is_number_integer()) id = std::to_string(it->get<int64_t>());
  }
  return std::string(kind) + " " + id;
}

bool isHex64(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

void checkHash(Reader& r, const std::string& field, const std::string& v) {
  if (!v.empty() && !isHex64(v)) r.fail(field, "must be a lowercase hex SHA-256 (64 characters)");
}

void checkId(Reader& r, const std::string& field, const std::string& id) {
  if (id.size() > 128) r.fail(field, "is longer than 128 characters");
  for (char c : id) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == ':')) {
      r.fail(field, "may contain only letters, digits, '-', '_', '.', ':'");
      return;
    }
  }
}

}  // namespace

std::string_view toString(RecordKind k) { return kKinds.name(k); }
Result<RecordKind> parseRecordKind(std::string_view s) {
  auto v = kKinds.parse(s);
  if (!v) return Status::invalidArgument("unknown record kind '" + std::string(s) + "' (expected one of: " + kKinds.all() + ")", "kind");
  return *v;
}
std::string_view toString(EntityType v) { return kEntityTypes.name(v); }
std::string_view toString(SiteType v) { return kSiteTypes.name(v); }
std::string_view toString(WorkerCategory v) { return kWorkerCats.name(v); }
std::string_view toString(WagePaidTo v) { return kWagePaidTo.name(v); }
std::string_view toString(RiskRating v) { return kRisk.name(v); }
std::string_view toString(VettingStatus v) { return kVetStatus.name(v); }
std::string_view toString(HoursStandard v) { return kHours.name(v); }
Result<SiteType> parseSiteType(std::string_view s) {
  auto v = kSiteTypes.parse(s);
  if (!v) return Status::invalidArgument("unknown site type '" + std::string(s) + "' (expected one of: " + kSiteTypes.all() + ")", "site_type");
  return *v;
}
std::string siteTypeLabel(SiteType t) {
  std::string s(toString(t));
  std::replace(s.begin(), s.end(), '_', ' ');
  return s;
}

Result<TimePoint> parseWhen(std::string_view s) {
  if (s.size() == 10) return parseDateUtc(s);
  return parseIso(s);
}

double Vetting::workerReceivedHourly() const {
  if (wage_paid_to == WagePaidTo::kWorker) return wage_floor_hourly;
  return wage_received_by_worker_hourly.value_or(0.0);
}

Result<Entity> parseEntity(const Json& j) {
  Reader r(j, ctxOf("entity", j));
  Entity e;
  e.id = r.str("id", true);
  checkId(r, "id", e.id);
  e.legal_name = r.str("legal_name", true);
  e.entity_type = r.enumeration("entity_type", kEntityTypes, true, EntityType::kCorporation);
  e.dba_names = r.strings("dba_names", false);
  e.jurisdiction_of_formation = r.str("jurisdiction_of_formation", true);
  e.registration_number = r.str("registration_number", true);
  r.str("tax_id_hash", false);
  e.address = r.address("registered_address", true);
  e.parent_entity_id = r.str("parent_entity_id", false);
  e.beneficial_owners = r.raw("beneficial_owners", Json::array(), true);
  e.registrations = r.raw("registrations", Json::array(), true);
  r.raw("voice_provider_info", Json::object(), false);
  r.str("notes", false);
  r.noUnknownKeys();
  if (!r.ok()) return r.status();
  if (e.parent_entity_id == e.id) r.fail("parent_entity_id", "an entity cannot be its own parent");
  for (auto& o : e.beneficial_owners) {
    if (!o.is_object() || !o.contains("name") || !o["name"].is_string()) {
      r.fail("beneficial_owners", "each owner needs a name");
      break;
    }
  }
  if (!r.ok()) return r.status();
  return e;
}

Result<Engagement> parseEngagement(const Json& j) {
  Reader r(j, ctxOf("engagement", j));
  Engagement e;
  e.id = r.str("id", true);
  checkId(r, "id", e.id);
  e.campaign_id = r.integer("campaign_id", false);
  e.parent_engagement_id = r.str("parent_engagement_id", false);
  e.principal_entity_id = r.str("principal_entity_id", false);
  e.agent_entity_id = r.str("agent_entity_id", true);
  e.contract_ref = r.str("contract_ref", true);
  e.contract_doc_sha256 = r.str("contract_doc_sha256", true);
  checkHash(r, "contract_doc_sha256", e.contract_doc_sha256);
  e.scope = r.raw("scope", Json::object(), false);
  e.effective_from = r.when("effective_from", true).value_or(TimePoint{});
  e.effective_to = r.when("effective_to", false);
  e.subcontracting_allowed = r.boolean("subcontracting_allowed", true);
  e.terminated = r.boolean("terminated", false);
  e.payment_terms = r.raw("payment_terms", Json::object(), false);
  r.raw("flowdown_clauses", Json::array(), true);
  if (const Json* c = r.get("campaign_consent", false)) {
    Reader cr(*c, r.context() + ": campaign_consent");
    Consent k;
    k.consented_by = cr.str("consented_by", true);
    k.title = cr.str("title", false);
    k.date = cr.when("date", true).value_or(TimePoint{});
    k.doc_sha256 = cr.str("doc_sha256", true);
    checkHash(cr, "doc_sha256", k.doc_sha256);
    cr.noUnknownKeys();
    if (!cr.ok()) return cr.status();
    e.campaign_consent = k;
  }
  r.noUnknownKeys();
  if (!r.ok()) return r.status();
  if (e.parent_engagement_id.empty()) {
    if (e.campaign_id <= 0) r.fail("campaign_id", "a root engagement (no parent_engagement_id) needs the campaign id");
    if (!e.principal_entity_id.empty())
      r.fail("principal_entity_id", "a root engagement's principal is the campaign: leave it empty");
  } else {
    if (e.principal_entity_id.empty()) r.fail("principal_entity_id", "is required for a sub-tier engagement");
    if (e.campaign_id != 0) r.fail("campaign_id", "only a root engagement names the campaign");
    if (e.parent_engagement_id == e.id) r.fail("parent_engagement_id", "an engagement cannot be its own parent (cycle)");
  }
  if (e.agent_entity_id == e.principal_entity_id) r.fail("agent_entity_id", "principal and agent are the same entity (cycle)");
  if (e.effective_to && *e.effective_to <= e.effective_from) r.fail("effective_to", "must be after effective_from");
  if (!r.ok()) return r.status();
  return e;
}

Result<Site> parseSite(const Json& j) {
  Reader r(j, ctxOf("site", j));
  Site s;
  s.id = r.str("id", true);
  checkId(r, "id", s.id);
  s.name = r.str("name", true);
  s.operator_entity_id = r.str("operator_entity_id", true);
  s.site_type = r.enumeration("site_type", kSiteTypes, true, SiteType::kOther);
  s.facility_authority_entity_id = r.str("facility_authority_entity_id", false);
  s.address = r.address("address", true);
  s.timezone = r.str("timezone", true);
  s.network_identifiers = r.strings("network_identifiers", false);
  s.max_seats = static_cast<int>(r.integer("max_seats", false));
  r.integer("typical_headcount", false);
  r.str("caller_disclosure_policy", false);
  r.str("data_access_controls", false);
  s.active = r.boolean("active", false, true);
  r.noUnknownKeys();
  if (!r.ok()) return r.status();
  if (s.address.country == "US" && s.address.state.size() != 2)
    r.fail("address.state", "a US address needs a two-letter state");
  for (auto& n : s.network_identifiers) {
    if (n.empty()) r.fail("network_identifiers", "empty identifier");
  }
  if (!r.ok()) return r.status();
  return s;
}

Result<Vetting> parseVetting(const Json& j) {
  Reader r(j, ctxOf("vetting", j));
  Vetting v;
  v.id = r.str("id", true);
  checkId(r, "id", v.id);
  v.subject_kind = r.str("subject_kind", true);
  if (r.ok() && v.subject_kind != "entity" && v.subject_kind != "site")
    r.fail("subject_kind", "must be 'entity' or 'site'");
  v.subject_id = r.str("subject_id", true);
  r.raw("campaign_scope", Json::array(), true);
  if (const Json* cats = r.get("worker_categories", true)) {
    if (!cats->is_array() || cats->empty()) r.fail("worker_categories", "must be a non-empty array");
    else
      for (auto& c : *cats) {
        auto wc = c.is_string() ? kWorkerCats.parse(c.get<std::string>()) : std::nullopt;
        if (!wc) {
          r.fail("worker_categories", "unknown category " + c.dump() + " (expected: " + kWorkerCats.all() + ")");
          break;
        }
        v.worker_categories.push_back(*wc);
      }
  }
  v.incarcerated_workers_present = r.boolean("incarcerated_workers_present", true);
  v.wage_floor_hourly = r.num("wage_floor_hourly_gross", true).value_or(0);
  v.currency = r.str("currency", true);
  v.wage_paid_to = r.enumeration("wage_paid_to", kWagePaidTo, true, WagePaidTo::kWorker);
  v.wage_paid_to_name = r.str("wage_paid_to_name", false);
  v.wage_received_by_worker_hourly = r.num("wage_received_by_worker_hourly", false);
  r.raw("applicable_min_wage_ref", Json::object(), false);
  r.num("deductions_pct_max", false);
  r.str("pay_frequency", false);
  v.hours_normal_max = r.num("hours_normal_max", true);
  v.overtime_max = r.num("overtime_max", true);
  v.days_off_per_7 = r.num("days_off_per_7", true);
  v.participation_voluntary = r.boolean("participation_voluntary", true);
  v.free_to_resign = r.boolean("free_to_resign", true);
  v.id_documents_retained = r.boolean("id_documents_retained", true);
  v.recruitment_fees_charged = r.boolean("recruitment_fees_charged", true);
  r.raw("forced_labour_indicators", Json::array(), true);
  r.raw("third_party_certs", Json::array(), true);
  r.raw("prison_labour", Json::object(), false);
  v.verification_methods = r.strings("verification_methods", true);
  for (auto& m : v.verification_methods)
    if (!kVerificationMethods.count(m)) r.fail("verification_methods", "unknown method '" + m + "'");
  if (const Json* ev = r.get("evidence_docs", true)) {
    if (!ev->is_array()) r.fail("evidence_docs", "must be an array");
    else
      for (size_t i = 0; i < ev->size() && r.ok(); ++i) {
        Reader er((*ev)[i], r.context() + ": evidence_docs[" + std::to_string(i) + "]");
        Evidence e;
        e.doc_type = er.str("doc_type", true);
        e.issuer = er.str("issuer", false);
        e.sha256 = er.str("sha256", true);
        checkHash(er, "sha256", e.sha256);
        e.file = er.str("file", false);
        er.str("issue_date", false);
        er.str("storage_uri", false);
        er.noUnknownKeys();
        if (!er.ok()) return er.status();
        v.evidence.push_back(e);
      }
  }
  v.signer = r.person("attestation_signer", true);
  v.attested_at = r.when("attested_at", true).value_or(TimePoint{});
  r.str("signature", false);
  v.reviewer = r.person("reviewer", true);
  v.reviewed_at = r.when("reviewed_at", true).value_or(TimePoint{});
  v.risk_rating = r.enumeration("risk_rating", kRisk, true, RiskRating::kMedium);
  v.status = r.enumeration("status", kVetStatus, true, VettingStatus::kPending);
  v.expires_at = r.when("expires_at", true).value_or(TimePoint{});
  r.raw("re_vet_triggers", Json::array(), true);
  v.findings = r.strings("findings", false);
  r.raw("corrective_actions", Json::array(), true);
  r.noUnknownKeys();
  if (!r.ok()) return r.status();
  bool incarcerated_cat = std::any_of(v.worker_categories.begin(), v.worker_categories.end(), [](auto c) {
    return c == WorkerCategory::kIncarcerated;
  });
  if (incarcerated_cat && !v.incarcerated_workers_present)
    r.fail("incarcerated_workers_present", "is false but worker_categories lists incarcerated workers");
  if (v.wage_paid_to != WagePaidTo::kWorker && v.wage_paid_to_name.empty())
    r.fail("wage_paid_to_name", "is required when the wage is not paid to the worker");
  if (v.expires_at <= v.attested_at) r.fail("expires_at", "must be after attested_at");
  if (v.reviewed_at < v.attested_at) r.fail("reviewed_at", "must not be before attested_at");
  if (v.evidence.empty() && v.status == VettingStatus::kApproved)
    r.fail("evidence_docs", "an approved vetting record needs at least one evidence document");
  if (!r.ok()) return r.status();
  return v;
}

Result<Caller> parseCaller(const Json& j) {
  Reader r(j, ctxOf("caller", j, "ref"));
  Caller c;
  c.ref = r.str("ref", true);
  checkId(r, "ref", c.ref);
  c.site_id = r.str("site_id", true);
  c.engagement_id = r.str("engagement_id", true);
  c.worker_category = r.enumeration("worker_category", kWorkerCats, true, WorkerCategory::kEmployee);
  c.remote_networks = r.strings("remote_networks", false);
  c.active = r.boolean("active", false, true);
  r.noUnknownKeys();
  if (!r.ok()) return r.status();
  return c;
}

Result<Policy> parsePolicy(const Json& j) {
  Reader r(j, ctxOf("policy", j, "campaign_id"));
  Policy p;
  p.campaign_id = r.integer("campaign_id", true);
  if (r.ok() && p.campaign_id <= 0) r.fail("campaign_id", "must be a campaign id");
  if (const Json* d = r.get("deny_site_types", false)) {
    if (!d->is_array()) r.fail("deny_site_types", "must be an array of site types");
    else {
      p.deny_site_types.clear();
      for (auto& t : *d) {
        auto st = t.is_string() ? kSiteTypes.parse(t.get<std::string>()) : std::nullopt;
        if (!st) {
          r.fail("deny_site_types", "unknown site type " + t.dump() + " (expected: " + kSiteTypes.all() + ")");
          break;
        }
        p.deny_site_types.insert(*st);
      }
    }
  }
  p.federal_min_wage = r.num("federal_min_wage", false).value_or(p.federal_min_wage);
  if (const Json* m = r.get("state_min_wage", false)) {
    if (!m->is_object()) r.fail("state_min_wage", "must be an object of state → hourly wage");
    else
      for (auto it = m->begin(); it != m->end(); ++it) {
        if (!it.value().is_number() || it.value().get<double>() < 0) {
          r.fail("state_min_wage." + it.key(), "must be a non-negative number");
          break;
        }
        p.state_min_wage[it.key()] = it.value().get<double>();
      }
  }
  p.campaign_wage_floor = r.num("campaign_wage_floor", false).value_or(0);
  p.max_subcontract_depth = static_cast<int>(r.integer("max_subcontract_depth", false, 2));
  p.vetting_max_age_days = static_cast<int>(r.integer("vetting_max_age_days", false, 365));
  p.high_risk_vetting_max_age_days = static_cast<int>(r.integer("high_risk_vetting_max_age_days", false, 90));
  p.hours_standard = r.enumeration("hours_standard", kHours, false, HoursStandard::kSa8000);
  p.custom_hours_max_total = r.num("custom_hours_max_total", false).value_or(60);
  p.sanctions_max_age_days = static_cast<int>(r.integer("sanctions_max_age_days", false, 30));
  if (const Json* d = r.get("decisions", false)) {
    if (!d->is_array()) r.fail("decisions", "must be an array");
    else
      for (size_t i = 0; i < d->size() && r.ok(); ++i)
        p.decisions.push_back(r.decision((*d)[i], "decisions[" + std::to_string(i) + "]", true));
  }
  r.noUnknownKeys();
  if (!r.ok()) return r.status();
  if (p.max_subcontract_depth < 1 || p.max_subcontract_depth > 10) r.fail("max_subcontract_depth", "must be 1..10");
  if (p.vetting_max_age_days < 1 || p.high_risk_vetting_max_age_days < 1 || p.sanctions_max_age_days < 1)
    r.fail("vetting_max_age_days", "ages must be at least one day");
  if (p.federal_min_wage < 7.25) r.fail("federal_min_wage", "cannot be below the federal minimum of 7.25");
  // Every deviation from the research defaults needs an attributed decision.
  for (auto& f : policyDeviations(p)) {
    bool decided = std::any_of(p.decisions.begin(), p.decisions.end(), [&](auto& d) { return d.field == f; });
    if (!decided) {
      r.fail(f, "differs from the default; add a decision {field: \"" + f +
                    "\", decided_by, reason, decided_at} to 'decisions'");
      break;
    }
  }
  if (!r.ok()) return r.status();
  return p;
}

Result<Override> parseOverride(const Json& j) {
  Reader r(j, ctxOf("override", j));
  Override o;
  o.id = r.str("id", true);
  checkId(r, "id", o.id);
  o.campaign_id = r.integer("campaign_id", true);
  o.gate = r.str("gate", true);
  if (r.ok() && o.gate != "G4")
    r.fail("gate", "only G4 (denied site type) takes a per-site override; other defaults change through the policy's decisions");
  o.site_id = r.str("site_id", true);
  if (const Json* d = r.get("decision", true)) o.decision = r.decision(*d, "decision", false);
  o.expires_at = r.when("expires_at", false);
  o.conditions = r.str("conditions", true);
  r.noUnknownKeys();
  if (!r.ok()) return r.status();
  return o;
}

Result<SanctionsCheck> parseSanctions(const Json& j) {
  Reader r(j, ctxOf("sanctions", j));
  SanctionsCheck s;
  s.id = r.str("id", true);
  checkId(r, "id", s.id);
  s.entity_id = r.str("entity_id", true);
  s.checked_at = r.when("checked_at", true).value_or(TimePoint{});
  s.result = r.str("result", true);
  if (r.ok() && s.result != "clear" && s.result != "hit") r.fail("result", "must be 'clear' or 'hit'");
  s.lists = r.strings("lists", true);
  s.source = r.str("source", false);
  r.noUnknownKeys();
  if (!r.ok()) return r.status();
  return s;
}

Status validateDocument(RecordKind kind, const Json& j) {
  switch (kind) {
    case RecordKind::kEntity: return parseEntity(j).status();
    case RecordKind::kEngagement: return parseEngagement(j).status();
    case RecordKind::kSite: return parseSite(j).status();
    case RecordKind::kVetting: return parseVetting(j).status();
    case RecordKind::kCaller: return parseCaller(j).status();
    case RecordKind::kPolicy: return parsePolicy(j).status();
    case RecordKind::kOverride: return parseOverride(j).status();
    case RecordKind::kSanctions: return parseSanctions(j).status();
  }
  return Status::internal("unknown kind");
}

Result<std::string> documentId(RecordKind kind, const Json& j) {
  const char* key = kind == RecordKind::kCaller ? "ref" : kind == RecordKind::kPolicy ? "campaign_id" : "id";
  if (!j.is_object() || !j.contains(key))
    return Status::invalidArgument(std::string(toString(kind)) + " record: " + key + ": is required", key);
  const Json& v = j[key];
  if (v.is_string() && !v.get<std::string>().empty()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  return Status::invalidArgument(std::string(toString(kind)) + " record: " + key + ": must be a non-empty string", key);
}

Policy defaultPolicy(int64_t campaign_id) {
  Policy p;
  p.campaign_id = campaign_id;
  return p;
}

std::vector<std::string> policyDeviations(const Policy& p) {
  Policy d;
  std::vector<std::string> out;
  if (p.deny_site_types != d.deny_site_types) out.push_back("deny_site_types");
  if (p.max_subcontract_depth > d.max_subcontract_depth) out.push_back("max_subcontract_depth");
  if (p.vetting_max_age_days > d.vetting_max_age_days) out.push_back("vetting_max_age_days");
  if (p.high_risk_vetting_max_age_days > d.high_risk_vetting_max_age_days)
    out.push_back("high_risk_vetting_max_age_days");
  if (p.hours_standard != d.hours_standard) out.push_back("hours_standard");
  if (p.sanctions_max_age_days > d.sanctions_max_age_days) out.push_back("sanctions_max_age_days");
  return out;
}

Json toJson(const Policy& p) {
  Json types = Json::array();
  for (auto t : p.deny_site_types) types.push_back(toString(t));
  Json decisions = Json::array();
  for (auto& d : p.decisions)
    decisions.push_back({{"field", d.field}, {"decided_by", d.decided_by}, {"title", d.title},
                         {"reason", d.reason}, {"decided_at", formatIsoUtc(d.decided_at)}});
  Json states = Json::object();
  for (auto& [k, v] : p.state_min_wage) states[k] = v;
  return Json{{"campaign_id", p.campaign_id},
              {"deny_site_types", types},
              {"federal_min_wage", p.federal_min_wage},
              {"state_min_wage", states},
              {"campaign_wage_floor", p.campaign_wage_floor},
              {"max_subcontract_depth", p.max_subcontract_depth},
              {"vetting_max_age_days", p.vetting_max_age_days},
              {"high_risk_vetting_max_age_days", p.high_risk_vetting_max_age_days},
              {"hours_standard", toString(p.hours_standard)},
              {"custom_hours_max_total", p.custom_hours_max_total},
              {"sanctions_max_age_days", p.sanctions_max_age_days},
              {"decisions", decisions}};
}

}  // namespace clearline::core::vendor
