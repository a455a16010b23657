#include "core/policy/recording_consent.h"

#include <gtest/gtest.h>

namespace clearline::core::policy {
namespace {

Json table() {
  return Json::parse(R"({"version": 1, "reviewed_by_counsel": false, "all_party_consent": [
    {"state": "CA", "citation": "Cal. Penal Code § 632"},
    {"state": "us-pa", "citation": "18 Pa.C.S. § 5704"}]})");
}

constexpr RecordingPolicy kAll = RecordingPolicy::kAll;

TEST(RecordingConsent, ParsesTheTableAndFindsStatesInAnySpelling) {
  auto t = parseRecordingConsent(table(), "t.json");
  ASSERT_TRUE(t.isOk()) << t.status().toString();
  EXPECT_EQ(t->version, 1);
  ASSERT_EQ(t->all_party.size(), 2u);
  ASSERT_NE(t->find("US-CA"), nullptr);
  EXPECT_EQ(t->find("ca")->citation, "Cal. Penal Code § 632");
  ASSERT_NE(t->find("PA"), nullptr);
  EXPECT_EQ(t->find("NY"), nullptr);
  EXPECT_EQ(t->find(""), nullptr);
}

TEST(RecordingConsent, BadTablesAreRefusedNamingTheField) {
  struct Case { const char* json; const char* field; };
  const Case cases[] = {
      {R"([])", ""},
      {R"({"all_party_consent": []})", "version"},
      {R"({"version": 1})", "all_party_consent"},
      {R"({"version": 1, "all_party_consent": [{"state": "California", "citation": "x"}]})", "state"},
      {R"({"version": 1, "all_party_consent": [{"state": "CA"}]})", "citation"},
      {R"({"version": 1, "all_party_consent": [{"state": "CA", "citation": "x"}, {"state": "ca", "citation": "y"}]})", "state"},
      {R"({"version": 1, "reviewed_by_counsel": "no", "all_party_consent": []})", "reviewed_by_counsel"},
  };
  for (const Case& c : cases) {
    auto t = parseRecordingConsent(Json::parse(c.json), "t.json");
    ASSERT_FALSE(t.isOk()) << c.json;
    if (*c.field) {
      EXPECT_EQ(t.status().field(), c.field) << c.json << " " << t.status().toString();
    }
  }
}

constexpr RecordingAnnouncement kAuto = RecordingAnnouncement::kAuto;
constexpr RecordingAnnouncement kAlways = RecordingAnnouncement::kAlways;
constexpr RecordingAnnouncement kNeverAnnounce = RecordingAnnouncement::kNever;

TEST(RecordingConsent, AnnouncementOnlyForRecordedCallsToAllPartyStatesOrAlways) {
  auto t = *parseRecordingConsent(table(), "t.json");
  // auto: any candidate location in an all-party state announces, naming the statute.
  auto d = recordingAnnouncementFor(kAll, kAuto, {"NY", "PA"}, t);
  EXPECT_TRUE(d.required);
  EXPECT_TRUE(d.record);
  EXPECT_NE(d.reason.find("18 Pa.C.S. § 5704"), std::string::npos) << d.reason;
  d = recordingAnnouncementFor(kAll, kAuto, {"NY", "NJ"}, t);
  EXPECT_FALSE(d.required);
  EXPECT_TRUE(d.record);
  EXPECT_FALSE(recordingAnnouncementFor(kAll, kAuto, {}, t).required);
  // On-demand recording: the announcement is due when it records.
  EXPECT_TRUE(recordingAnnouncementFor(RecordingPolicy::kOnDemand, kAuto, {"CA"}, t).required);
  // Not recorded: never, even when the campaign says always.
  EXPECT_FALSE(recordingAnnouncementFor(RecordingPolicy::kNever, kAuto, {"CA"}, t).required);
  EXPECT_FALSE(recordingAnnouncementFor(RecordingPolicy::kNever, kAlways, {"NY"}, t).required);
  EXPECT_FALSE(recordingAnnouncementFor(RecordingPolicy::kNever, kAlways, {"NY"}, t).record);
  // The campaign says always.
  d = recordingAnnouncementFor(kAll, kAlways, {"NY"}, t);
  EXPECT_TRUE(d.required);
  EXPECT_TRUE(d.record);
  EXPECT_EQ(d.reason, "campaign: always");
}

TEST(RecordingConsent, NeverAnnouncingFailsClosedInAllPartyStates) {
  auto t = *parseRecordingConsent(table(), "t.json");
  // One-party state: recorded, no announcement.
  auto d = recordingAnnouncementFor(kAll, kNeverAnnounce, {"NY"}, t);
  EXPECT_FALSE(d.required);
  EXPECT_TRUE(d.record);
  // All-party state: no announcement, so no recording either (never both off).
  for (auto rec : {kAll, RecordingPolicy::kOnDemand}) {
    d = recordingAnnouncementFor(rec, kNeverAnnounce, {"NY", "CA"}, t);
    EXPECT_FALSE(d.required);
    EXPECT_FALSE(d.record);
    EXPECT_NE(d.reason.find("Cal. Penal Code § 632"), std::string::npos) << d.reason;
    EXPECT_NE(d.reason.find("not recorded"), std::string::npos) << d.reason;
  }
  // Every combination: a recorded call to an all-party state is announced.
  for (auto mode : {kAuto, kAlways, kNeverAnnounce}) {
    for (auto rec : {kAll, RecordingPolicy::kOnDemand, RecordingPolicy::kNever}) {
      d = recordingAnnouncementFor(rec, mode, {"pa"}, t);
      EXPECT_TRUE(!d.record || d.required) << toString(mode) << " " << toString(rec);
    }
  }
}

TEST(RecordingConsent, TheCampaignsStateJurisdictionsAreCandidates) {
  auto t = *parseRecordingConsent(table(), "t.json");
  Campaign c = newCampaign("x", PurposeClass::kPolitical);
  c.recording = kAll;
  c.jurisdictions = {"US", "US-CA"};
  auto d = recordingAnnouncementForCall(c, {"NY"}, t);
  EXPECT_TRUE(d.required);
  EXPECT_NE(d.reason.find("US-CA"), std::string::npos) << d.reason;
  c.jurisdictions = {"US", "UK", "US-NY"};
  EXPECT_FALSE(recordingAnnouncementForCall(c, {"NY"}, t).required);
  EXPECT_TRUE(recordingAnnouncementForCall(c, {"CA"}, t).required);
  c.recording_announcement = kNeverAnnounce;
  d = recordingAnnouncementForCall(c, {"CA"}, t);
  EXPECT_FALSE(d.required);
  EXPECT_FALSE(d.record);
  c.recording_announcement = kAlways;
  EXPECT_TRUE(recordingAnnouncementForCall(c, {"NY"}, t).required);
}

}  // namespace
}  // namespace clearline::core::policy
