// Table-driven tests of the policy engine against the shipped rule tables
// (data/rules/*.toml), the research's rule index as the specification. Each
// case name starts with the rule id and its citation.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "common/time_util.h"
#include "core/policy/engine.h"
#include "core/policy/abandonment_ledger.h"
#include "policy_data/area_code_geocoder.h"
#include "policy_data/registry_store.h"
#include "policy_data/rules_loader.h"
#include "storage/sqlite/policy_store.h"
#include "storage/sqlite/sqlite_store.h"

namespace clearline::policy_data {
namespace {

namespace cp = core::policy;
using core::DialMode;
using core::LineType;
using core::ConsentType;
using core::PurposeClass;
using core::Verdict;

TimePoint T(const char* iso) { return *parseIso(iso); }

std::shared_ptr<const cp::RuleBook> shippedBook() {
  static auto book = [] {
    auto b = loadRuleBook(shippedDataDir() + "/rules");
    EXPECT_TRUE(b.isOk()) << b.status().toString();
    return *b;
  }();
  return book;
}

const cp::NpaTable& npaTable() {
  static cp::NpaTable t = AreaCodeGeocoder().buildNpaTable();
  return t;
}

std::shared_ptr<const cp::RegistrySnapshot> registry(std::vector<uint64_t> keys, TimePoint loaded) {
  auto s = std::make_shared<cp::RegistrySnapshot>();
  s->id = "test";
  s->kind = "US";
  s->full_loaded_at = loaded;
  s->as_of = loaded;
  std::sort(keys.begin(), keys.end());
  s->index = *cp::RegistryIndex::build(keys);
  return s;
}

struct Fixture {
  cp::PolicyData data;
  cp::InMemoryAbandonmentLedger ledger;
  std::unique_ptr<cp::PolicyEngine> engine;
  Fixture() {
    data.rules = shippedBook();
    data.npa = npaTable();
    data.ledger = &ledger;
    engine = std::make_unique<cp::PolicyEngine>(data, "t");
    Status st = engine->configure();
    EXPECT_TRUE(st.isOk()) << st.toString();
  }
};

struct Case {
  const char* name;
  const char* e164;
  const char* at;
  PurposeClass purpose = PurposeClass::kPolitical;
  DialMode mode = DialMode::kPreview;
  bool prerecorded = false;
  LineType line = LineType::kLandline;
  ConsentType consent = ConsentType::kNone;
  const char* state = "";
  const char* zip = "";
  Verdict want = Verdict::kAllow;
  std::vector<std::string> rules = {};
  const char* until = nullptr;
  std::optional<DialMode> route = std::nullopt;
};

void runCase(Fixture& f, const Case& c) {
  core::DialAttempt a;
  a.e164 = c.e164;
  a.purpose = c.purpose;
  a.mode = c.mode;
  a.prerecorded = c.prerecorded;
  a.line_type = c.line;
  a.consent = c.consent;
  a.state = c.state;
  a.zip = c.zip;
  auto d = f.engine->authorize(a, T(c.at));
  EXPECT_EQ(core::toString(d.verdict), core::toString(c.want)) << c.name << ": " << d.reason;
  for (const auto& r : c.rules)
    EXPECT_NE(std::find(d.rules.begin(), d.rules.end(), r), d.rules.end()) << c.name << ": missing " << r << " in " << d.reason;
  if (c.until) {
    ASSERT_TRUE(d.until.has_value()) << c.name;
    EXPECT_EQ(formatIsoUtc(*d.until), formatIsoUtc(T(c.until))) << c.name << ": " << d.reason;
  }
  if (c.route) {
    ASSERT_TRUE(d.route_to_mode.has_value()) << c.name << ": " << d.reason;
    EXPECT_EQ(*d.route_to_mode, *c.route) << c.name;
  }
  EXPECT_FALSE(d.authorization_id.empty()) << c.name;
}

TEST(PolicyTable, CallingWindowsAndLocations) {
  Fixture f;
  const Case cases[] = {
      {"R1_16CFR310.4c_before_0800_defers_to_0800_local", "+12125550123", "2026-12-01T07:59:00-05:00",
       PurposeClass::kPolitical, DialMode::kPreview, false, LineType::kLandline, ConsentType::kNone, "", "",
       Verdict::kDefer, {"R1"}, "2026-12-01T08:00:00-05:00"},
      {"R1_16CFR310.4c_at_0800_allows", "+12125550123", "2026-12-01T08:00:00-05:00"},
      {"R1_16CFR310.4c_at_2100_exactly_defers_to_next_morning", "+12125550123", "2026-12-01T21:00:00-05:00",
       PurposeClass::kPolitical, DialMode::kPreview, false, LineType::kLandline, ConsentType::kNone, "", "",
       Verdict::kDefer, {"R1"}, "2026-12-02T08:00:00-05:00"},
      {"R1_16CFR310.4c_DST_spring_forward_day_0800_EDT", "+12125550123", "2026-03-08T07:30:00-04:00",
       PurposeClass::kPolitical, DialMode::kPreview, false, LineType::kLandline, ConsentType::kNone, "", "",
       Verdict::kDefer, {"R1"}, "2026-03-08T08:00:00-04:00"},
      {"R1_16CFR310.4c_DST_fall_back_day_0800_EST", "+12125550123", "2026-11-01T07:30:00-05:00",
       PurposeClass::kPolitical, DialMode::kPreview, false, LineType::kLandline, ConsentType::kNone, "", "",
       Verdict::kDefer, {"R1"}, "2026-11-01T08:00:00-05:00"},
      {"S9_strictest_intersection_850_Florida_spans_Eastern_and_Central", "+18502345678", "2026-12-01T08:30:00-05:00",
       PurposeClass::kPolitical, DialMode::kPreview, false, LineType::kLandline, ConsentType::kNone, "", "",
       Verdict::kDefer, {"R1"}, "2026-12-01T08:00:00-06:00"},
      {"S9_strictest_intersection_208_Idaho_spans_Mountain_and_Pacific", "+12085551234", "2026-12-01T08:30:00-07:00",
       PurposeClass::kPolitical, DialMode::kPreview, false, LineType::kLandline, ConsentType::kNone, "", "",
       Verdict::kDefer, {"R1"}, "2026-12-01T08:00:00-08:00"},
      {"S9_strictest_intersection_915_Texas_spans_Central_and_Mountain", "+19155551234", "2026-12-01T08:30:00-06:00",
       PurposeClass::kPolitical, DialMode::kPreview, false, LineType::kLandline, ConsentType::kNone, "", "",
       Verdict::kDefer, {"R1"}, "2026-12-01T08:00:00-07:00"},
      {"S9_area_code_and_contact_state_both_apply_212_with_CA_address", "+12125550123", "2026-12-01T10:30:00-05:00",
       PurposeClass::kPolitical, DialMode::kPreview, false, LineType::kLandline, ConsentType::kNone, "CA", "",
       Verdict::kDefer, {"R1"}, "2026-12-01T08:00:00-08:00"},
      {"R1_fail_closed_toll_free_number_has_no_location", "+18005551234", "2026-12-01T12:00:00-05:00",
       PurposeClass::kPolitical, DialMode::kPreview, false, LineType::kLandline, ConsentType::kNone, "", "",
       Verdict::kDeny, {"R1"}},
      {"R1_toll_free_with_contact_zip_uses_the_zip", "+18005551234", "2026-12-01T12:00:00-05:00",
       PurposeClass::kPolitical, DialMode::kPreview, false, LineType::kLandline, ConsentType::kNone, "", "10001",
       Verdict::kAllow},
      {"P0_impossible_state_XX_denied", "+12125550123", "2026-12-01T12:00:00-05:00", PurposeClass::kPolitical,
       DialMode::kPreview, false, LineType::kLandline, ConsentType::kNone, "XX", "", Verdict::kDeny, {"P0"}},
      {"P0_impossible_zip_prefix_000_denied", "+12125550123", "2026-12-01T12:00:00-05:00", PurposeClass::kPolitical,
       DialMode::kPreview, false, LineType::kLandline, ConsentType::kNone, "", "00012", Verdict::kDeny, {"P0"}},
      {"P0_malformed_zip_denied", "+12125550123", "2026-12-01T12:00:00-05:00", PurposeClass::kPolitical,
       DialMode::kPreview, false, LineType::kLandline, ConsentType::kNone, "", "1234", Verdict::kDeny, {"P0"}},
      {"P0_malformed_number_denied", "+1212555", "2026-12-01T12:00:00-05:00", PurposeClass::kPolitical,
       DialMode::kPreview, false, LineType::kLandline, ConsentType::kNone, "", "", Verdict::kDeny, {"P0"}},
      {"S8_Fla.Stat.501.616_6a_FL_after_2000_defers", "+13052345678", "2026-12-01T20:00:00-05:00",
       PurposeClass::kPolitical, DialMode::kPreview, false, LineType::kLandline, ConsentType::kNone, "", "",
       Verdict::kDefer, {"S8"}},
      {"S8_RI_weekday_window_0900_1800", "+14015551234", "2026-12-01T18:30:00-05:00", PurposeClass::kPolitical,
       DialMode::kPreview, false, LineType::kLandline, ConsentType::kNone, "", "", Verdict::kDefer, {"S8"},
       "2026-12-02T09:00:00-05:00"},
      {"S5_Cal.PUC.2872c_CA_recorded_message_before_0900_defers", "+14155551234", "2026-12-01T08:30:00-08:00",
       PurposeClass::kPolitical, DialMode::kPreview, true, LineType::kLandline, ConsentType::kNone, "", "",
       Verdict::kDefer, {"S5"}, "2026-12-01T09:00:00-08:00"},
      {"S5_Cal.PUC.2872c_CA_live_call_at_0830_allowed", "+14155551234", "2026-12-01T08:30:00-08:00"},
      {"S7_AL_no_Sunday_calls_defers_to_Monday", "+12055551234", "2026-11-29T12:00:00-06:00", PurposeClass::kPolitical,
       DialMode::kPreview, false, LineType::kLandline, ConsentType::kNone, "", "", Verdict::kDefer, {"S7"},
       "2026-11-30T08:00:00-06:00"},
      {"S7_AL_no_calls_on_Thanksgiving", "+12055551234", "2026-11-26T12:00:00-06:00", PurposeClass::kPolitical,
       DialMode::kPreview, false, LineType::kLandline, ConsentType::kNone, "", "", Verdict::kDefer, {"S7"},
       "2026-11-27T08:00:00-06:00"},
      {"S7_NE_prerecorded_Sunday_only_1300_2100_in_both_NE_zones", "+14025551234", "2026-11-29T12:00:00-06:00",
       PurposeClass::kPolitical, DialMode::kPreview, true, LineType::kLandline, ConsentType::kNone, "", "",
       Verdict::kDefer, {"S7"}, "2026-11-29T13:00:00-07:00"},
  };
  for (const auto& c : cases) runCase(f, c);
}

TEST(PolicyTable, ConsentAndLineType) {
  Fixture f;
  const Case cases[] = {
      {"R11_47USC227b1A_wireless_predictive_political_without_consent_routes_to_human", "+12125550123",
       "2026-12-01T12:00:00-05:00", PurposeClass::kPolitical, DialMode::kPredictive, false, LineType::kWireless,
       ConsentType::kNone, "", "", Verdict::kDeny, {"R11"}, nullptr, DialMode::kHumanInitiated},
      {"R11_47USC227b1A_wireless_predictive_with_express_consent_allowed", "+12125550123", "2026-12-01T12:00:00-05:00",
       PurposeClass::kPolitical, DialMode::kPredictive, false, LineType::kWireless, ConsentType::kExpress},
      {"R11_47USC227b1A_unknown_line_type_fails_closed", "+12125550123", "2026-12-01T12:00:00-05:00",
       PurposeClass::kPolitical, DialMode::kProgressive, false, LineType::kUnknown, ConsentType::kNone, "", "",
       Verdict::kDeny, {"R11"}, nullptr, DialMode::kHumanInitiated},
      {"R11_47USC227b1A_manual_live_call_to_wireless_needs_no_consent", "+12125550123", "2026-12-01T12:00:00-05:00",
       PurposeClass::kPolitical, DialMode::kHumanInitiated, false, LineType::kWireless},
      {"R11_64.1200a2_telemarketing_needs_written_consent", "+12125550123", "2026-12-01T12:00:00-05:00",
       PurposeClass::kCommercial, DialMode::kPredictive, false, LineType::kWireless, ConsentType::kExpress, "", "",
       Verdict::kDeny, {"R11"}},
      {"R11_route_combined_with_window_defers_in_human_mode", "+12125550123", "2026-12-01T07:00:00-05:00",
       PurposeClass::kPolitical, DialMode::kPredictive, false, LineType::kWireless, ConsentType::kNone, "", "",
       Verdict::kDefer, {"R11", "R1"}, "2026-12-01T08:00:00-05:00", DialMode::kHumanInitiated},
      {"R12_64.1200a3_prerecorded_telemarketing_to_landline_needs_written_consent", "+12125550123",
       "2026-12-01T12:00:00-05:00", PurposeClass::kCommercial, DialMode::kPreview, true, LineType::kLandline,
       ConsentType::kExpress, "", "", Verdict::kDeny, {"R12"}},
      {"S1_Fla.Stat.501.059_FL_commercial_predictive_landline_needs_written_consent", "+13052345678",
       "2026-12-01T12:00:00-05:00", PurposeClass::kCommercial, DialMode::kPredictive, false, LineType::kLandline,
       ConsentType::kExpress, "", "", Verdict::kDeny, {"S1"}},
      {"S3_Md.Com.Law.14-4501_MD_poll_predictive_needs_written_consent", "+14105551234", "2026-12-01T12:00:00-05:00",
       PurposeClass::kSurvey, DialMode::kPredictive, false, LineType::kLandline, ConsentType::kNone, "", "",
       Verdict::kDeny, {"S3"}, nullptr, DialMode::kHumanInitiated},
      {"S6_IC.24-5-14_IN_political_robocall_without_consent_denied", "+13175551234", "2026-12-01T12:00:00-05:00",
       PurposeClass::kPolitical, DialMode::kPreview, true, LineType::kLandline, ConsentType::kNone, "", "",
       Verdict::kDeny, {"S6"}, nullptr, DialMode::kHumanInitiated},
      {"R4_310.4b4iii_predictive_default_profile_has_safe_harbor", "+12125550123", "2026-12-01T12:00:00-05:00",
       PurposeClass::kPolitical, DialMode::kPredictive, false, LineType::kLandline},
  };
  for (const auto& c : cases) runCase(f, c);
}

// compliance.md §0.3: every candidate location, intersected. A list's IANA
// zone is one more: a New York number whose list says Los Angeles waits for
// 08:00 there too, and the record names the zone among the locations.
TEST(PolicyTable, R1_AListsTimeZoneIsOneMoreCandidateLocation) {
  Fixture f;
  core::DialAttempt a;
  a.e164 = "+12125550123";
  a.state = "NY";
  // 10:00 in New York is 07:00 in Los Angeles.
  auto plain = f.engine->authorize(a, T("2026-12-01T10:00:00-05:00"));
  EXPECT_EQ(plain.verdict, Verdict::kAllow) << plain.reason;
  EXPECT_EQ(f.engine->lastRecord().locations(), std::vector<std::string>{"NY"});
  a.timezone = "America/Los_Angeles";
  auto west = f.engine->authorize(a, T("2026-12-01T10:00:00-05:00"));
  ASSERT_EQ(west.verdict, Verdict::kDefer) << west.reason;
  EXPECT_NE(std::find(west.rules.begin(), west.rules.end(), "R1"), west.rules.end()) << west.reason;
  ASSERT_TRUE(west.until.has_value());
  EXPECT_EQ(formatIsoUtc(*west.until), formatIsoUtc(T("2026-12-01T08:00:00-08:00")));
  EXPECT_EQ(f.engine->lastRecord().locations(),
            (std::vector<std::string>{"NY", "America/Los_Angeles"}));
  // In the evening the New York window closes first, as without the zone.
  auto late = f.engine->authorize(a, T("2026-12-01T21:30:00-05:00"));
  ASSERT_EQ(late.verdict, Verdict::kDefer) << late.reason;
  EXPECT_EQ(formatIsoUtc(*late.until), formatIsoUtc(T("2026-12-02T08:00:00-08:00")));
  // A zone the tz database does not know fails closed on the input rule.
  a.timezone = "Mars/Olympus_Mons";
  auto bad = f.engine->authorize(a, T("2026-12-01T12:00:00-05:00"));
  EXPECT_EQ(bad.verdict, Verdict::kDeny);
  EXPECT_EQ(bad.rules, std::vector<std::string>{"P0"});
  EXPECT_NE(bad.reason.find("Mars/Olympus_Mons"), std::string::npos) << bad.reason;
}

TEST(PolicyTable, R14_FCC24_24_ConsentRevokedMidCampaign) {
  Fixture f;
  core::DialAttempt a;
  a.e164 = "+12125550123";
  a.mode = DialMode::kPredictive;
  a.line_type = LineType::kWireless;
  a.consent = ConsentType::kExpress;
  a.consent_revoked_at = T("2026-12-01T12:00:00-05:00");
  auto before = f.engine->authorize(a, T("2026-12-01T11:59:00-05:00"));
  EXPECT_EQ(before.verdict, Verdict::kAllow) << before.reason;
  auto after = f.engine->authorize(a, T("2026-12-01T12:00:00-05:00"));
  EXPECT_EQ(after.verdict, Verdict::kDeny);
  EXPECT_NE(std::find(after.rules.begin(), after.rules.end(), "R14"), after.rules.end()) << after.reason;
  EXPECT_EQ(after.route_to_mode, DialMode::kHumanInitiated);
}

TEST(PolicyTable, R16_ReassignedNumberVoidsConsent) {
  Fixture f;
  core::DialAttempt a;
  a.e164 = "+12125550123";
  a.mode = DialMode::kPredictive;
  a.line_type = LineType::kWireless;
  a.consent = ConsentType::kExpress;
  a.rnd = core::RndStatus::kYes;
  auto d = f.engine->authorize(a, T("2026-12-01T12:00:00-05:00"));
  EXPECT_EQ(d.verdict, Verdict::kDeny);
  EXPECT_NE(d.reason.find("Reassigned"), std::string::npos) << d.reason;
  EXPECT_EQ(f.engine->lastRecord().rnd, core::RndStatus::kYes);
}

TEST(PolicyTable, R8_NationalRegistryScopeAndFreshness) {
  Fixture f;
  TimePoint now = T("2026-12-01T12:00:00-05:00");
  core::DialAttempt a;
  a.e164 = "+12125550123";
  a.line_type = LineType::kLandline;
  auto with = [&](PurposeClass p) {
    a.purpose = p;
    return f.engine->authorize(a, now);
  };
  // No copy loaded: covered purposes fail closed, exempt ones go ahead.
  EXPECT_EQ(with(PurposeClass::kCommercial).verdict, Verdict::kDeny);
  EXPECT_EQ(with(PurposeClass::kPolitical).verdict, Verdict::kAllow);
  f.data.us_registry = registry({2125550123ULL}, now - std::chrono::hours(24 * 5));
  // §1.4: registered number — commercial and telefunder denied; political, charity-run, survey exempt.
  auto d = with(PurposeClass::kCommercial);
  EXPECT_EQ(d.verdict, Verdict::kDeny);
  EXPECT_EQ(d.rules, std::vector<std::string>{"R8"});
  EXPECT_EQ(with(PurposeClass::kCharitableByTelemarketer).verdict, Verdict::kDeny);
  EXPECT_EQ(with(PurposeClass::kPolitical).verdict, Verdict::kAllow);
  EXPECT_EQ(with(PurposeClass::kCharitableByCharity).verdict, Verdict::kAllow);
  EXPECT_EQ(with(PurposeClass::kSurvey).verdict, Verdict::kAllow);
  EXPECT_EQ(f.engine->lastRecord().registry_snapshot, "test");
  // Established business relationship (commercial only).
  a.ebr_expires_at = now + std::chrono::hours(24);
  EXPECT_EQ(with(PurposeClass::kCommercial).verdict, Verdict::kAllow);
  EXPECT_EQ(with(PurposeClass::kCharitableByTelemarketer).verdict, Verdict::kDeny);
  a.ebr_expires_at.reset();
  // Unlisted number with a fresh copy: allowed.
  a.e164 = "+12125550124";
  EXPECT_EQ(with(PurposeClass::kCommercial).verdict, Verdict::kAllow);
  // 31 days old: still fresh; 32 days: stale, fail closed.
  f.data.us_registry = registry({2125550123ULL}, now - std::chrono::hours(24 * 31));
  EXPECT_EQ(with(PurposeClass::kCommercial).verdict, Verdict::kAllow);
  f.data.us_registry = registry({2125550123ULL}, now - std::chrono::hours(24 * 32));
  d = with(PurposeClass::kCommercial);
  EXPECT_EQ(d.verdict, Verdict::kDeny);
  EXPECT_NE(d.reason.find("32 days old"), std::string::npos) << d.reason;
}

TEST(PolicyTable, R10_InternalListsByScope) {
  Fixture f;
  TimePoint now = T("2026-12-01T12:00:00-05:00");
  auto add = [&](cp::DncScope s, int64_t id, const char* n) {
    cp::InternalDncEntry e;
    e.scope = s;
    e.scope_id = id;
    e.e164 = n;
    e.source = "test";
    e.requested_at = e.recorded_at = now - std::chrono::hours(1);
    f.data.internal_dnc.add(e);
  };
  add(cp::DncScope::kCampaign, 7, "+12125550001");
  add(cp::DncScope::kOrganisation, 3, "+12125550002");
  add(cp::DncScope::kPlatform, 0, "+12125550003");
  auto check = [&](const char* n, int64_t camp, int64_t org) {
    core::DialAttempt a;
    a.e164 = n;
    a.campaign_id = CampaignId(camp);
    a.org_id = OrgId(org);
    a.line_type = LineType::kLandline;
    return f.engine->authorize(a, now).verdict;
  };
  EXPECT_EQ(check("+12125550001", 7, 3), Verdict::kDeny);
  EXPECT_EQ(check("+12125550001", 8, 3), Verdict::kAllow);
  EXPECT_EQ(check("+12125550002", 8, 3), Verdict::kDeny);
  EXPECT_EQ(check("+12125550002", 8, 4), Verdict::kAllow);
  EXPECT_EQ(check("+12125550003", 9, 9), Verdict::kDeny);
}

TEST(PolicyTable, S9_FrequencyCapsAt24HourEdge) {
  Fixture f;
  TimePoint t0 = T("2026-12-01T10:00:00-05:00");
  core::DialAttempt a;
  a.e164 = "+13052345678";
  a.campaign_id = CampaignId(5);
  a.subject_key = "election-2026";
  a.line_type = LineType::kLandline;
  for (int i = 0; i < 3; ++i) {
    core::CompletedDial o;
    o.campaign_id = CampaignId(i == 0 ? 6 : 5);  // same subject, another campaign
    o.subject_key = "election-2026";
    o.e164 = a.e164;
    o.at = t0 + std::chrono::minutes(10 * i);
    f.engine->noteDial(o);
  }
  auto d = f.engine->authorize(a, t0 + std::chrono::hours(1));
  ASSERT_EQ(d.verdict, Verdict::kDefer) << d.reason << " " << f.engine->lastRecord().locations().size();
  EXPECT_EQ(d.rules, std::vector<std::string>{"S9"});
  ASSERT_TRUE(d.until.has_value());
  EXPECT_EQ(*d.until, t0 + std::chrono::hours(24));
  // The window is (now − 24 h, now]: 1 ms before 24 h the first call still counts; at 24 h it does not.
  EXPECT_EQ(f.engine->authorize(a, t0 + std::chrono::hours(24) - Millis(1)).verdict, Verdict::kDefer);
  EXPECT_EQ(f.engine->authorize(a, t0 + std::chrono::hours(24)).verdict, Verdict::kAllow);
}

TEST(PolicyTable, R12_PoliticalPrerecordedCapThreePer30Days) {
  Fixture f;
  TimePoint t0 = T("2026-11-01T12:00:00-05:00");
  core::DialAttempt a;
  a.e164 = "+12125550123";
  a.prerecorded = true;
  a.line_type = LineType::kLandline;
  for (int i = 0; i < 3; ++i) {
    core::CompletedDial o;
    o.e164 = a.e164;
    o.prerecorded = true;
    o.campaign_id = CampaignId(100 + i);
    o.at = t0 + std::chrono::hours(24 * 2 * i);
    f.engine->noteDial(o);
  }
  auto d = f.engine->authorize(a, t0 + std::chrono::hours(24 * 10));
  EXPECT_EQ(d.verdict, Verdict::kDeny) << d.reason;
  EXPECT_EQ(d.route_to_mode, DialMode::kHumanInitiated);
  // 30 days after the first of them, only 2 remain in the window.
  EXPECT_EQ(f.engine->authorize(a, t0 + std::chrono::hours(24 * 30) + Millis(1)).verdict, Verdict::kAllow);
}

TEST(PolicyTable, R3_AbandonmentBudgetSpentFallsBackToProgressive) {
  Fixture f;
  TimePoint now = T("2026-12-01T12:00:00-05:00");
  for (int i = 0; i < 100; ++i)
    f.ledger.recordLiveAnswer(CampaignId(1), CallId(i + 1), now - std::chrono::hours(2), i < 3, false);
  core::DialAttempt a;
  a.e164 = "+12125550123";
  a.campaign_id = CampaignId(1);
  a.mode = DialMode::kPredictive;
  a.line_type = LineType::kLandline;
  auto d = f.engine->authorize(a, now);
  EXPECT_EQ(d.verdict, Verdict::kDeny);
  EXPECT_EQ(d.rules, std::vector<std::string>{"R3"});
  EXPECT_EQ(d.route_to_mode, DialMode::kProgressive);
}

TEST(PolicyTable, U5_U7_UkRepeatRulesAndTps) {
  Fixture f;
  TimePoint now = T("2026-12-01T12:00:00Z");
  core::DialAttempt a;
  a.e164 = "+442079460000";
  a.mode = DialMode::kPredictive;
  a.purpose = PurposeClass::kPolitical;
  auto d = f.engine->authorize(a, now);
  EXPECT_EQ(d.verdict, Verdict::kDeny) << d.reason;  // no TPS copy: fail closed
  EXPECT_EQ(d.rules, std::vector<std::string>{"U7"});
  auto tps = std::make_shared<cp::RegistrySnapshot>();
  tps->kind = "TPS";
  tps->full_loaded_at = tps->as_of = now - std::chrono::hours(24);
  tps->index = *cp::RegistryIndex::build({2079460001ULL});
  f.data.tps = tps;
  EXPECT_EQ(f.engine->authorize(a, now).verdict, Verdict::kAllow);
  a.e164 = "+442079460001";
  EXPECT_EQ(f.engine->authorize(a, now).verdict, Verdict::kDeny);
  a.e164 = "+442079460000";
  core::CompletedDial o;
  o.e164 = a.e164;
  o.at = now - std::chrono::hours(71);
  o.live_answered = o.abandoned = true;
  f.engine->noteDial(o);
  d = f.engine->authorize(a, now);
  EXPECT_EQ(d.verdict, Verdict::kDeny) << d.reason;
  EXPECT_EQ(d.route_to_mode, DialMode::kPreview);
  EXPECT_EQ(f.engine->authorize(a, now + std::chrono::hours(1)).verdict, Verdict::kAllow);
  // Outside 08:00–21:00 London (P1): deferred.
  a.mode = DialMode::kPreview;
  EXPECT_EQ(f.engine->authorize(a, T("2026-12-01T21:30:00Z")).verdict, Verdict::kDefer);
}

// ---- Rules as versioned data ----

std::string writeTemp(const std::string& name, const std::string& text) {
  auto dir = std::filesystem::temp_directory_path() / ("clearline_policy_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto p = dir / name;
  std::ofstream(p) << text;
  return p.string();
}

TEST(RulesFile, BadInputNamesFileAndLine) {
  struct Bad {
    const char* name;
    const char* text;
    const char* want;
  } cases[] = {
      {"unknown_rule_id", "[[rule]]\nid = \"R99\"\nversion = 1\n", "x.toml:2: unknown rule id 'R99'"},
      {"bad_parameter_value",
       "[[rule]]\nid = \"R1\"\nversion = 1\njurisdiction = \"US\"\neffective_from = 2003-10-01\ncitation = \"c\"\n"
       "[rule.params]\npurposes = [\"all\"]\nwindow = \"8-21\"\n",
       "x.toml:9: rule R1: parameter 'window'"},
      {"unknown_parameter",
       "[[rule]]\nid = \"R8\"\nversion = 1\njurisdiction = \"US\"\neffective_from = 2003-10-01\ncitation = \"c\"\n"
       "[rule.params]\nmax_age_dayz = 31\n",
       "x.toml:8: rule R8: unknown parameter 'max_age_dayz'"},
      {"bad_purpose",
       "[[rule]]\nid = \"R8\"\nversion = 1\njurisdiction = \"US\"\neffective_from = 2003-10-01\ncitation = \"c\"\n"
       "params = { purposes = [\"robocalls\"] }\n",
       "x.toml:7: rule R8: parameter 'purposes'"},
      {"unknown_key", "[[rule]]\nid = \"R1\"\nversoin = 1\n", "x.toml:3: unknown key 'versoin'"},
      {"toml_syntax", "[[rule]]\nid = \"R1\nversion = 1\n", "x.toml:2"},
      {"missing_citation", "[[rule]]\nid = \"R1\"\nversion = 1\njurisdiction = \"US\"\neffective_from = 2003-10-01\n",
       "x.toml:1: rule R1 needs citation"},
  };
  for (const auto& c : cases) {
    auto r = parseRulesToml(c.text, "x.toml");
    ASSERT_FALSE(r.isOk()) << c.name;
    EXPECT_NE(r.status().message().find(c.want), std::string::npos) << c.name << ": " << r.status().message();
  }
}

TEST(RulesFile, NewVersionNeverChangesEarlierRecord) {
  const std::string v1 =
      "[[rule]]\nid = \"R1\"\nversion = 1\njurisdiction = \"US\"\neffective_from = 2003-10-01\ncitation = \"c\"\n"
      "params = { window = \"08:00-21:00\" }\n";
  const std::string v2 = v1 +
      "[[rule]]\nid = \"R1\"\nversion = 2\njurisdiction = \"US\"\neffective_from = 2027-01-01\ncitation = \"c2\"\n"
      "params = { window = \"09:00-20:00\" }\n";
  ManualClock clock(T("2026-12-01T00:00:00Z"));
  auto store = storage::SqliteStore::open(":memory:", clock);
  ASSERT_TRUE(store.isOk());
  storage::SqlitePolicyStore ps((*store)->db(), clock);
  auto decide = [&](const std::string& text, const char* at) {
    cp::PolicyData data;
    data.rules = *cp::RuleBook::build(*parseRulesToml(text, "r.toml"));
    cp::PolicyEngine e(data, "v" + std::to_string(text.size()));
    EXPECT_TRUE(e.configure().isOk());
    core::DialAttempt a;
    a.e164 = "+12125550123";
    a.state = "NY";
    a.line_type = LineType::kLandline;
    auto d = e.authorize(a, T(at));
    EXPECT_TRUE(ps.saveAuthorization(e.lastRecord()).isOk());
    return std::make_pair(d, e.lastRecord().evaluated.at(0)->ref);
  };
  auto [d1, ref1] = decide(v1, "2026-12-01T08:30:00-05:00");
  EXPECT_EQ(d1.verdict, Verdict::kAllow);
  EXPECT_EQ(ref1.substr(0, 5), "R1@1#");
  // The table gains version 2 (effective 2027): a 2027 decision uses it …
  auto [d2, ref2] = decide(v2, "2027-01-04T08:30:00-05:00");
  EXPECT_EQ(d2.verdict, Verdict::kDefer);
  EXPECT_EQ(ref2.substr(0, 5), "R1@2#");
  // … and the stored 2026 record still names version 1 with its parameters.
  auto rec = ps.getAuthorization(d1.authorization_id);
  ASSERT_TRUE(rec.isOk());
  EXPECT_EQ((*rec)["evaluated"][0], ref1);
  auto s = (*store)->db().prepare("SELECT params FROM policy_rule_versions WHERE ref=?");
  s->bind(1, ref1);
  ASSERT_TRUE(*s->step());
  EXPECT_NE(s->text(0).find("08:00-21:00"), std::string::npos);
}

// ---- Engine caches (per-decision speed-ups must not change any answer) ----

// Exact reason texts, rule ids, candidate locations and evaluated rule versions,
// as `clearline check` printed them before the speed-ups (main e32d751).
TEST(PolicyEngineCaches, P0_ReasonTextRulesAndRecordPinned) {
  Fixture f;
  struct Pin {
    const char* e164;
    const char* at;
    PurposeClass purpose;
    DialMode mode;
    LineType line;
    ConsentType consent;
    const char* state;
    const char* zip;
    Verdict verdict;
    std::vector<std::string> rules;
    std::vector<std::string> locations;
    const char* reason;
  };
  const Pin pins[] = {
      {"+12125550123", "2026-12-01T07:00:00-05:00", PurposeClass::kPolitical, DialMode::kPredictive, LineType::kWireless,
       ConsentType::kNone, "", "", Verdict::kDefer, {"R11", "R1"}, {"NY"},
       "R11: wireless number without prior express consent: an autodialed mode is not allowed; in human_initiated "
       "mode: outside the calling window: R1 allows 08:00-21:00 today in America/New_York (local time there 07:00); "
       "next allowed 2026-12-01T13:00:00.000Z"},
      {"+13052345678", "2026-12-01T12:00:00-05:00", PurposeClass::kCommercial, DialMode::kPredictive, LineType::kLandline,
       ConsentType::kExpress, "", "", Verdict::kDeny, {"R8", "S1"}, {"FL"},
       "R8: no National DNC Registry copy is loaded: covered calls are blocked; S1: a number that may be in FL: "
       "automated dialing needs prior express written consent"},
      {"+12125550123", "2026-12-01T12:00:00-05:00", PurposeClass::kPolitical, DialMode::kPredictive, LineType::kWireless,
       ConsentType::kNone, "FL", "33101", Verdict::kDeny, {"R11"}, {"FL", "NY"},
       "R11: wireless number without prior express consent: an autodialed mode is not allowed"},
      {"+14105551234", "2026-12-01T21:30:00-05:00", PurposeClass::kSurvey, DialMode::kPredictive, LineType::kLandline,
       ConsentType::kExpressWritten, "", "", Verdict::kDefer, {"R1", "S8"}, {"MD"},
       "outside the calling window: R1 allows 08:00-21:00 today in America/New_York (local time there 21:30); next "
       "allowed 2026-12-02T13:00:00.000Z"},
  };
  const std::vector<std::string> evaluated = {"R14", "R16", "R1", "R3", "R4", "R8", "R10", "R11", "R12",
                                              "S1",  "S2",  "S3", "S5", "S6", "S7", "S8", "S9"};
  // Twice through, so the second round runs on warm caches (plan, zones, campaign memo).
  for (int round = 0; round < 2; ++round) {
    for (const auto& p : pins) {
      core::DialAttempt a;
      a.e164 = p.e164;
      a.purpose = p.purpose;
      a.mode = p.mode;
      a.line_type = p.line;
      a.consent = p.consent;
      a.state = p.state;
      a.zip = p.zip;
      auto d = f.engine->authorize(a, T(p.at));
      EXPECT_EQ(d.verdict, p.verdict) << p.reason;
      EXPECT_EQ(d.reason, p.reason);
      EXPECT_EQ(d.rules, p.rules) << p.reason;
      const auto& rec = f.engine->lastRecord();
      EXPECT_EQ(rec.reason, d.reason);
      EXPECT_EQ(rec.rules, d.rules);
      EXPECT_EQ(rec.locations(), p.locations) << p.reason;
      std::vector<std::string> ids;
      for (const auto* v : rec.evaluated) ids.push_back(v->id);
      EXPECT_EQ(ids, evaluated) << p.reason;
      EXPECT_EQ(rec.id, d.authorization_id);
    }
  }
}

// The engine caches which rule versions are in force; a decision on either side
// of a new version's effective instant (in either order) must use the right one.
TEST(PolicyEngineCaches, RuleVersionPlanFollowsEffectiveDatesBothWays) {
  const std::string text =
      "[[rule]]\nid = \"R1\"\nversion = 1\njurisdiction = \"US\"\neffective_from = 2003-10-01\ncitation = \"c\"\n"
      "params = { window = \"08:00-21:00\" }\n"
      "[[rule]]\nid = \"R1\"\nversion = 2\njurisdiction = \"US\"\neffective_from = 2027-01-01\ncitation = \"c2\"\n"
      "params = { window = \"09:00-20:00\" }\n"
      "[[rule]]\nid = \"S9\"\nversion = 1\njurisdiction = \"US\"\neffective_from = 2027-02-01\ncitation = \"c3\"\n"
      "params = {}\n";
  cp::PolicyData data;
  data.rules = *cp::RuleBook::build(*parseRulesToml(text, "r.toml"));
  cp::PolicyEngine e(data, "p");
  ASSERT_TRUE(e.configure().isOk());
  core::DialAttempt a;
  a.e164 = "+12125550123";
  a.state = "NY";
  a.line_type = LineType::kLandline;
  auto refs = [&](const char* at) {
    e.authorize(a, T(at));
    std::string out;
    for (const auto* v : e.lastRecord().evaluated) out += v->id + "@" + std::to_string(v->version) + " ";
    return out;
  };
  EXPECT_EQ(refs("2026-12-01T08:30:00-05:00"), "R1@1 ");
  EXPECT_EQ(refs("2026-12-31T23:59:59.999Z"), "R1@1 ");
  EXPECT_EQ(refs("2027-01-01T00:00:00Z"), "R1@2 ");
  EXPECT_EQ(refs("2027-01-04T08:30:00-05:00"), "R1@2 ");
  EXPECT_EQ(refs("2026-12-31T23:59:59.999Z"), "R1@1 ");  // back in time
  EXPECT_EQ(refs("2027-02-01T00:00:00Z"), "R1@2 S9@1 ");  // a rule that did not exist before
  EXPECT_EQ(refs("2027-01-31T23:59:59.999Z"), "R1@2 ");
  // And the verdicts follow the version: 08:30 is inside v1's window, outside v2's.
  EXPECT_EQ(e.authorize(a, T("2026-12-01T08:30:00-05:00")).verdict, Verdict::kAllow);
  EXPECT_EQ(e.authorize(a, T("2027-01-04T08:30:00-05:00")).verdict, Verdict::kDefer);
  EXPECT_EQ(e.authorize(a, T("2026-12-02T08:30:00-05:00")).verdict, Verdict::kAllow);
}

// The engine remembers the last campaign it looked up; replacing that campaign's
// profile (setCampaign) must take effect on the next decision.
TEST(PolicyEngineCaches, CampaignProfileReplacedBetweenDecisions) {
  Fixture f;
  cp::CampaignProfile p = cp::defaultProfile(PurposeClass::kPolitical, false);
  p.id = CampaignId(7);
  f.engine->setCampaign(p);
  core::DialAttempt a;
  a.campaign_id = CampaignId(7);
  a.e164 = "+12125550123";
  a.line_type = LineType::kLandline;
  EXPECT_EQ(f.engine->authorize(a, T("2026-12-01T12:00:00-05:00")).verdict, Verdict::kAllow);
  EXPECT_EQ(f.engine->authorize(a, T("2026-12-01T12:00:01-05:00")).verdict, Verdict::kAllow);
  p.jurisdictions = {"UK"};
  f.engine->setCampaign(p);
  auto d = f.engine->authorize(a, T("2026-12-01T12:00:02-05:00"));
  EXPECT_EQ(d.verdict, Verdict::kDeny);
  EXPECT_EQ(d.reason, "the number is in the US, outside the campaign's jurisdictions");
  // Another campaign id with no profile uses the default profile again.
  a.campaign_id = CampaignId(8);
  EXPECT_EQ(f.engine->authorize(a, T("2026-12-01T12:00:03-05:00")).verdict, Verdict::kAllow);
  a.campaign_id = CampaignId(7);
  EXPECT_EQ(f.engine->authorize(a, T("2026-12-01T12:00:04-05:00")).verdict, Verdict::kDeny);
  // "GB" (the UK's ISO code, which the runtime reads as UK rules) is the UK here too.
  p.jurisdictions = {"GB"};
  f.engine->setCampaign(p);
  EXPECT_EQ(f.engine->authorize(a, T("2026-12-01T12:00:05-05:00")).reason,
            "the number is in the US, outside the campaign's jurisdictions");
  a.e164 = "+442071234567";
  auto uk = f.engine->authorize(a, T("2026-12-01T12:00:06Z"));
  EXPECT_EQ(uk.reason.find("outside the campaign's jurisdictions"), std::string::npos) << uk.reason;
}

// authorizeMany (the batch form, which answers the batch's registry look-ups in
// one containsMany and starts the other reads early) must give exactly the
// decisions and records of authorize() called one by one, in order. A generated
// mix covering every verdict: R8 listed / not listed / registry stale, internal
// DNC, caps from history, routed R11 denials, UK numbers, malformed input, and
// instants around the 2026 US and UK DST transitions and at night (defers).
struct RecordingSink final : cp::AuthorizationSink {
  std::vector<cp::AuthorizationRecord> records;
  void record(const cp::AuthorizationRecord& r) override { records.push_back(r); }
};

TEST(PolicyEngineBatch, AuthorizeManyAndAuthorizeIntoEqualOneByOneOnGeneratedMixWithDstEdges) {
  std::mt19937_64 rng(20261129);
  const TimePoint base = T("2026-03-01T00:00:00Z");
  const std::vector<const char*> edges = {"2026-03-08T07:00:00Z", "2026-11-01T06:00:00Z", "2026-03-29T01:00:00Z",
                                          "2026-10-25T01:00:00Z", "2026-03-08T09:00:00Z", "2026-11-01T08:00:00Z"};
  const std::vector<int> npas = {212, 305, 850, 208, 915, 415, 617, 312, 404, 713, 602, 206, 303, 405, 410, 317, 541, 270};
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  // Numbers: a pool, so that registry, DNC and history entries are hit.
  std::vector<std::string> pool;
  for (int i = 0; i < 600; ++i)
    pool.push_back("+1" + std::to_string(npas[pick(npas.size())]) + std::to_string(2000000 + rng() % 8000000));
  for (int i = 0; i < 40; ++i) pool.push_back("+4420" + std::to_string(70000000 + rng() % 9999999));
  pool.push_back("+1212011234");  // malformed NXX
  pool.push_back("12125550123");  // no +
  pool.push_back("+33142685300"); // outside NANP / UK
  std::vector<uint64_t> listed;
  for (size_t i = 0; i < 600; i += 2) listed.push_back(std::stoull(pool[i].substr(2)));
  // Two engines over identical data: one asked one by one, one in batches.
  auto setUp = [&](Fixture& f, std::shared_ptr<const cp::RegistrySnapshot> reg) {
    f.data.us_registry = reg;
    std::mt19937_64 r2(7);
    for (int i = 0; i < 60; ++i) {
      cp::InternalDncEntry e;
      e.scope = i % 3 == 0 ? cp::DncScope::kPlatform : cp::DncScope::kCampaign;
      e.scope_id = i % 3 == 0 ? 0 : 1 + i % 4;
      e.e164 = pool[static_cast<size_t>(r2() % 600)];
      e.requested_at = e.recorded_at = base - std::chrono::hours(24);
      f.data.internal_dnc.add(e);
    }
    core::PurposeClass purposes[] = {PurposeClass::kPolitical, PurposeClass::kCommercial, PurposeClass::kSurvey,
                                     PurposeClass::kCharitableByTelemarketer};
    for (int c = 1; c <= 4; ++c) {
      auto camp = core::newCampaign("batch", purposes[c - 1]);
      camp.id = CampaignId(c);
      camp.org_id = OrgId(1);
      camp.safe_harbor_message = "x";
      camp.callback_number = "+12025550100";
      if (c == 2) camp.schedule = core::Schedule{10 * 60, 19 * 60, {1, 2, 3, 4, 5}};
      if (c == 4) camp.jurisdictions = {"US", "UK"};
      f.engine->setCampaign(cp::profileFromCampaign(camp));
    }
    for (int i = 0; i < 80; ++i) {
      core::CompletedDial o;
      o.campaign_id = CampaignId(1 + i % 4);
      o.e164 = pool[static_cast<size_t>(r2() % pool.size())];
      o.at = base + std::chrono::hours(static_cast<int64_t>(r2() % (24 * 30)));
      o.disposition = i % 2 ? "no_answer" : "busy";
      o.prerecorded = i % 5 == 0;
      o.live_answered = i % 3 == 0;
      o.machine = i % 7 == 0;
      f.engine->noteDial(o);
    }
  };
  // The registry copy is 10 days old at `base`: instants from 21 days after `base` find it stale (R8 denies).
  auto reg = registry(listed, base - std::chrono::hours(24 * 10));
  Fixture one, many;
  setUp(one, reg);
  setUp(many, reg);
  RecordingSink sink_one, sink_many;
  one.engine->setSink(&sink_one);
  many.engine->setSink(&sink_many);

  const size_t n = 4000;
  std::vector<core::DialAttempt> attempts(n);
  std::vector<TimePoint> nows(n);
  const char* states[] = {"", "", "", "NY", "FL", "TX", "CA", "IN", "XX"};
  const char* zips[] = {"", "", "", "33101", "10001", "99999", "9021"};
  for (size_t i = 0; i < n; ++i) {
    auto& a = attempts[i];
    int c = 1 + static_cast<int>(pick(5));  // 5 = no campaign profile: the purpose's default
    a.campaign_id = CampaignId(c);
    a.org_id = OrgId(1);
    a.purpose = static_cast<PurposeClass>(pick(6));
    a.mode = static_cast<DialMode>(pick(4));
    a.prerecorded = pick(6) == 0;
    a.e164 = pool[pick(pool.size())];
    a.line_type = static_cast<LineType>(pick(4));
    a.consent = static_cast<ConsentType>(pick(3));
    if (pick(20) == 0) a.consent_revoked_at = base + std::chrono::hours(static_cast<int64_t>(pick(24 * 40)));
    a.state = states[pick(std::size(states))];
    a.zip = zips[pick(std::size(zips))];
    if (pick(10) == 0) a.candidate_states = {pick(2) ? "AZ" : "OR"};
    a.rnd = static_cast<core::RndStatus>(pick(4));
    if (pick(10) == 0) a.ebr_expires_at = base + std::chrono::hours(24 * 20);
    a.subject_key = pick(2) ? "s1" : "";
    if (i % 3 == 0) {
      // Around a DST edge, minute by minute.
      nows[i] = T(edges[pick(edges.size())]) + std::chrono::minutes(static_cast<int64_t>(pick(240)) - 120);
    } else {
      nows[i] = base + std::chrono::minutes(static_cast<int64_t>(pick(60 * 24 * 45)));
    }
  }
  std::vector<core::Decision> want(n), got(n);
  for (size_t i = 0; i < n; ++i) want[i] = one.engine->authorize(attempts[i], nows[i]);
  // Batches of varying sizes (including 1 and more than one group), and an
  // output vector reused across batches (authorizeMany overwrites every field).
  std::vector<cp::PolicyEngine::TimedAttempt> batch;
  std::vector<core::Decision> out(40);
  const size_t sizes[] = {1, 7, 16, 33, 40, 2};
  for (size_t i = 0, b = 0; i < n; ++b) {
    size_t m = std::min(sizes[b % std::size(sizes)], n - i);
    batch.clear();
    for (size_t k = 0; k < m; ++k) batch.push_back({&attempts[i + k], nows[i + k]});
    many.engine->authorizeMany(batch, out);
    for (size_t k = 0; k < m; ++k) got[i + k] = out[k];
    i += m;
  }
  int verdicts[3] = {0, 0, 0};
  int r8 = 0, r8_stale = 0, routed = 0, dst_defers = 0;
  for (size_t i = 0; i < n; ++i) {
    const auto& w = want[i];
    const auto& g = got[i];
    ASSERT_EQ(g.verdict, w.verdict) << i << ": " << w.reason;
    ASSERT_EQ(g.rules, w.rules) << i;
    ASSERT_EQ(g.reason, w.reason) << i;
    ASSERT_EQ(g.until, w.until) << i;
    ASSERT_EQ(g.route_to_mode, w.route_to_mode) << i;
    ASSERT_EQ(g.authorization_id, w.authorization_id) << i;
    verdicts[static_cast<int>(w.verdict)]++;
    if (w.reason.find("on the National Do Not Call Registry") != std::string::npos) r8++;
    if (w.reason.find("National DNC Registry copy is") != std::string::npos) r8_stale++;
    if (w.route_to_mode) routed++;
    if (w.verdict == Verdict::kDefer && i % 3 == 0) dst_defers++;
  }
  ASSERT_EQ(sink_one.records.size(), n);
  ASSERT_EQ(sink_many.records.size(), n);
  for (size_t i = 0; i < n; ++i) {
    const auto& w = sink_one.records[i];
    const auto& g = sink_many.records[i];
    ASSERT_EQ(g.id, w.id) << i;
    ASSERT_EQ(g.at, w.at) << i;
    ASSERT_EQ(g.e164, w.e164) << i;
    ASSERT_EQ(g.verdict, w.verdict) << i;
    ASSERT_EQ(g.rules, w.rules) << i;
    ASSERT_EQ(g.reason, w.reason) << i;
    ASSERT_EQ(g.until, w.until) << i;
    ASSERT_EQ(g.location_set, w.location_set) << i;
    ASSERT_EQ(g.registry_snapshot, w.registry_snapshot) << i;
    ASSERT_EQ(g.evaluated, w.evaluated) << i;
  }
  // authorizeInto one reused Decision (the runtime's path): every field is
  // overwritten, so a long reason or a routed mode never leaks into the next one.
  Fixture into;
  setUp(into, reg);
  core::Decision scratch;
  for (size_t i = 0; i < n; ++i) {
    into.engine->authorizeInto(attempts[i], nows[i], scratch);
    const auto& w = want[i];
    ASSERT_EQ(scratch.verdict, w.verdict) << i;
    ASSERT_EQ(scratch.rules, w.rules) << i;
    ASSERT_EQ(scratch.reason, w.reason) << i;
    ASSERT_EQ(scratch.until, w.until) << i;
    ASSERT_EQ(scratch.route_to_mode, w.route_to_mode) << i;
    ASSERT_EQ(scratch.authorization_id, w.authorization_id) << i;
  }
  // The mix really covers what it claims.
  EXPECT_GT(verdicts[0], 100);
  EXPECT_GT(verdicts[1], 100);
  EXPECT_GT(verdicts[2], 100);
  EXPECT_GT(r8, 10);
  EXPECT_GT(r8_stale, 10);
  EXPECT_GT(routed, 10);
  EXPECT_GT(dst_defers, 10);
}

// An empty batch, and a batch whose output span is shorter than the batch
// (only out.size() attempts are decided; no record for the rest).
TEST(PolicyEngineBatch, EmptyAndShortOutput) {
  Fixture f;
  RecordingSink sink;
  f.engine->setSink(&sink);
  core::DialAttempt a;
  a.e164 = "+12125550123";
  a.line_type = LineType::kLandline;
  const TimePoint at = T("2026-12-01T12:00:00-05:00");
  std::vector<cp::PolicyEngine::TimedAttempt> batch = {{&a, at}, {&a, at}, {&a, at}};
  std::vector<core::Decision> out(2);
  f.engine->authorizeMany({}, out);
  EXPECT_TRUE(sink.records.empty());
  f.engine->authorizeMany(batch, out);
  ASSERT_EQ(sink.records.size(), 2u);
  EXPECT_EQ(out[0].verdict, Verdict::kAllow);
  EXPECT_EQ(out[1].verdict, Verdict::kAllow);
  EXPECT_NE(out[0].authorization_id, out[1].authorization_id);
}

// ---- Registry import on disk ----

TEST(RegistryStore, R9_ImportFullThenChangeAndAtomicFailure) {
  auto dir = std::filesystem::temp_directory_path() / ("clearline_registry_test_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  TimePoint t0 = T("2026-11-01T00:00:00Z");
  auto full = writeTemp("202.txt", "# area codes: 202\n202,5550123\n202,5550124\n");
  auto r = importFullLists(dir.string(), "US", {full}, {202}, t0);
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(r->snapshot->index.size(), 2u);
  auto change = writeTemp("chg.txt", "202,5550123,D\n202,5550125,A\n202,5550123,A\n");
  auto r2 = importChangeLists(dir.string(), "US", {change}, {202}, t0 + std::chrono::hours(24));
  ASSERT_TRUE(r2.isOk()) << r2.status().toString();
  auto cur = loadSnapshot(dir.string(), "US");
  ASSERT_TRUE(cur.isOk());
  EXPECT_TRUE((*cur)->index.contains(2025550123ULL));  // deleted then re-added
  EXPECT_TRUE((*cur)->index.contains(2025550125ULL));
  EXPECT_EQ((*cur)->full_loaded_at, t0);
  EXPECT_EQ((*cur)->as_of, t0 + std::chrono::hours(24));
  // A malformed file aborts the import and leaves the current snapshot as it was.
  auto bad = writeTemp("bad.txt", "202,5550126\n202,555012\n");
  auto r3 = importFullLists(dir.string(), "US", {full, bad}, {202}, t0 + std::chrono::hours(48));
  ASSERT_FALSE(r3.isOk());
  EXPECT_NE(r3.status().message().find("bad.txt:2"), std::string::npos) << r3.status().message();
  auto again = loadSnapshot(dir.string(), "US");
  ASSERT_TRUE(again.isOk());
  EXPECT_EQ((*again)->id, (*cur)->id);
  EXPECT_EQ((*again)->index.size(), 3u);
  EXPECT_FALSE(std::filesystem::exists(snapshotPath(dir.string(), "US") + ".tmp"));
  // Wrong area code for the subscription.
  auto other = writeTemp("301.txt", "301,5550123\n");
  EXPECT_FALSE(importFullLists(dir.string(), "US", {other}, {202}, t0).isOk());
  std::filesystem::remove_all(dir);
}

// ---- Persisted ledger ----

TEST(LedgerStore, R3_SurvivesRestart) {
  ManualClock clock(T("2026-12-01T12:00:00Z"));
  auto path = (std::filesystem::temp_directory_path() / ("clearline_ledger_" + std::to_string(::getpid()) + ".db")).string();
  std::filesystem::remove(path);
  {
    auto store = storage::SqliteStore::open(path, clock);
    ASSERT_TRUE(store.isOk()) << store.status().toString();
    auto& db = (*store)->db();
    auto org = (*store)->campaigns().createOrganisation("o", core::Actor{});
    ASSERT_TRUE(org.isOk());
    auto c = core::newCampaign("c", PurposeClass::kPolitical);
    c.org_id = org->id;
    auto camp = (*store)->campaigns().createCampaign(c, core::Actor{});
    ASSERT_TRUE(camp.isOk()) << camp.status().toString();
    storage::SqliteAbandonmentLedger ledger(db);
    ASSERT_TRUE(ledger.load(clock.now()).isOk());
    for (int i = 1; i <= 10; ++i) {
      auto s = db.prepare("INSERT INTO calls(id, campaign_id, called_number, purpose_class, dial_mode, state)"
                          " VALUES (?, ?, '+12125550123', 'political', 'predictive', 'ended')");
      s->bind(1, i).bind(2, camp->id.value);
      ASSERT_TRUE(s->run().isOk());
      ledger.recordLiveAnswer(camp->id, CallId(i), clock.now() - std::chrono::minutes(i), i == 1, false);
    }
    EXPECT_TRUE(ledger.lastError().isOk()) << ledger.lastError().toString();
  }
  auto store = storage::SqliteStore::open(path, clock);
  ASSERT_TRUE(store.isOk());
  storage::SqliteAbandonmentLedger ledger((*store)->db());
  ASSERT_TRUE(ledger.load(clock.now()).isOk());
  auto b = ledger.budget(CampaignId(1), clock.now(), 3.0);
  EXPECT_EQ(b.answered_24h, 10);
  EXPECT_EQ(b.abandoned_30d, 1);
  std::filesystem::remove(path);
}

TEST(Geocoder, R1_DescriptionsMapToStates) {
  EXPECT_EQ(stateFromDescription("Miami, FL"), "FL");
  EXPECT_EQ(stateFromDescription("Florida"), "FL");
  EXPECT_EQ(stateFromDescription("United States"), "");
  // The library names the capital, not the district (every DC number without a
  // state or ZIP column was refused as "location unknown" before session 21).
  EXPECT_EQ(stateFromDescription("Washington D.C."), "DC");
  const auto& t = npaTable();
  EXPECT_TRUE(t.states[202] & (cp::StateSet{1} << cp::stateIndex("DC")));
  EXPECT_EQ(AreaCodeGeocoder().statesFor("+12024561111"), std::vector<std::string>{"DC"});
  EXPECT_TRUE(t.states[850] & (cp::StateSet{1} << cp::stateIndex("FL")));
  EXPECT_TRUE(t.states[208] & (cp::StateSet{1} << cp::stateIndex("ID")));
  EXPECT_EQ(t.states[800], 0u);
}

}  // namespace
}  // namespace clearline::policy_data
