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

TEST(RecordingConsent, AnnouncementOnlyForRecordedCallsToAllPartyStatesOrAlways) {
  auto t = *parseRecordingConsent(table(), "t.json");
  // Any candidate location in an all-party state: announce, naming the statute.
  auto d = recordingAnnouncementFor(kAll, false, {"NY", "PA"}, t);
  EXPECT_TRUE(d.required);
  EXPECT_NE(d.reason.find("18 Pa.C.S. § 5704"), std::string::npos) << d.reason;
  EXPECT_FALSE(recordingAnnouncementFor(kAll, false, {"NY", "NJ"}, t).required);
  EXPECT_FALSE(recordingAnnouncementFor(kAll, false, {}, t).required);
  // On-demand recording: the announcement is due when it records.
  EXPECT_TRUE(recordingAnnouncementFor(RecordingPolicy::kOnDemand, false, {"CA"}, t).required);
  // Not recorded: never, even when the campaign says always.
  EXPECT_FALSE(recordingAnnouncementFor(RecordingPolicy::kNever, false, {"CA"}, t).required);
  EXPECT_FALSE(recordingAnnouncementFor(RecordingPolicy::kNever, true, {"NY"}, t).required);
  // The campaign says always.
  d = recordingAnnouncementFor(kAll, true, {"NY"}, t);
  EXPECT_TRUE(d.required);
  EXPECT_EQ(d.reason, "campaign: always");
}

}  // namespace
}  // namespace clearline::core::policy
