#include "core/campaign/campaign.h"

#include <gtest/gtest.h>

namespace clearline::core {
namespace {

using S = CampaignState;
using E = CampaignEvent;

TEST(CampaignLifecycle, EveryTransitionOfTheTable) {
  struct Case {
    S from;
    E ev;
    bool ok;
    S to;
  };
  const Case cases[] = {
      {S::kDraft, E::kActivate, true, S::kActive},   {S::kDraft, E::kPause, false, S::kDraft},
      {S::kDraft, E::kResume, false, S::kDraft},     {S::kDraft, E::kFinish, true, S::kFinished},
      {S::kActive, E::kActivate, false, S::kActive}, {S::kActive, E::kPause, true, S::kPaused},
      {S::kActive, E::kResume, false, S::kActive},   {S::kActive, E::kFinish, true, S::kFinished},
      {S::kPaused, E::kActivate, false, S::kPaused}, {S::kPaused, E::kPause, false, S::kPaused},
      {S::kPaused, E::kResume, true, S::kActive},    {S::kPaused, E::kFinish, true, S::kFinished},
      {S::kFinished, E::kActivate, false, S::kFinished},
      {S::kFinished, E::kPause, false, S::kFinished},
      {S::kFinished, E::kResume, false, S::kFinished},
      {S::kFinished, E::kFinish, false, S::kFinished},
  };
  for (const auto& c : cases) {
    auto r = transition(c.from, c.ev);
    EXPECT_EQ(r.isOk(), c.ok) << toString(c.from) << " + " << toString(c.ev);
    if (c.ok && r.isOk()) {
      EXPECT_EQ(*r, c.to);
    }
    if (!c.ok && !r.isOk()) {
      EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
    }
  }
}

TEST(Campaign, JsonRoundTripKeepsEverySettableField) {
  Campaign c = newCampaign("Get out the vote", PurposeClass::kPolitical);
  c.caller_id = "+12025550123";
  c.dial_mode = DialMode::kPredictive;
  c.script.questions = {{"support", "Will you vote for Ada?", {"yes", "no", "maybe"}}};
  Json j = toJson(c);
  Campaign d;
  ASSERT_TRUE(applyJson(j, d).isOk());
  EXPECT_EQ(d.name, c.name);
  EXPECT_EQ(d.caller_id, c.caller_id);
  EXPECT_EQ(d.dial_mode, DialMode::kPredictive);
  ASSERT_EQ(d.script.questions.size(), 1u);
  EXPECT_EQ(d.script.questions[0].choices.size(), 3u);
  EXPECT_EQ(d.recycle_rules.size(), c.recycle_rules.size());
  EXPECT_EQ(d.schedule.start_minute, c.schedule.start_minute);
}

TEST(Campaign, BadFieldsAreNamed) {
  Campaign c = newCampaign("x", PurposeClass::kSurvey);
  Status st = applyJson(Json{{"caller_id", "555-0123"}}, c);
  EXPECT_EQ(st.field(), "caller_id");
  st = applyJson(Json{{"colour", "red"}}, c);
  EXPECT_EQ(st.field(), "colour");
  st = applyJson(Json{{"abandon_target_pct", 5.0}}, c);
  EXPECT_EQ(st.field(), "abandon_target_pct");
  st = applyJson(Json{{"schedule", {{"start", "25:00"}}}}, c);
  EXPECT_EQ(st.field(), "schedule.start");
  st = applyJson(Json{{"purpose", "lobbying"}}, c);
  EXPECT_EQ(st.field(), "purpose");
  st = applyJson(Json{{"name", 42}}, c);
  EXPECT_FALSE(st.isOk());
  EXPECT_EQ(st.field(), "name");
  // Jurisdictions the policy has rules for, and no others (a campaign in "FR"
  // would only fail closed on every dial): checked when a user sets them (the
  // stores' create and update), not when a stored campaign is read.
  auto juris = [&](std::vector<std::string> js) {
    Campaign x = c;
    x.jurisdictions = std::move(js);
    return validateJurisdictions(x);
  };
  st = juris({"US", "FR"});
  EXPECT_EQ(st.field(), "jurisdictions");
  EXPECT_NE(st.message().find("'FR'"), std::string::npos) << st.message();
  EXPECT_EQ(juris({"us-ca"}).field(), "jurisdictions");
  EXPECT_EQ(juris({"US-ZZ"}).field(), "jurisdictions");
  EXPECT_EQ(juris({"US-"}).field(), "jurisdictions");
  EXPECT_TRUE(juris({"US", "US-CA", "US-DC", "UK", "GB"}).isOk());
  EXPECT_TRUE(applyJson(Json{{"jurisdictions", {"FR"}}}, c).isOk());  // (read as stored)
  c.jurisdictions = {"US"};
  st = applyJson(Json{{"abandon_target_pct", "x"}}, c);
  EXPECT_EQ(st.field(), "abandon_target_pct");
  EXPECT_EQ(
      st.message(),
      "campaign field 'abandon_target_pct' has the wrong type: type must be number, but is string");
}

// Numbers are whole and in range (no wrapping of 2^32 + 1 to 1, no 3.9 → 3),
// nested objects take only their own keys, and what a user sets is checked
// for sense (validateForWrite, the stores' create and update), each error
// naming its field.
TEST(Campaign, NestedFieldsAreReadStrictlyAndNamed) {
  Campaign c = newCampaign("x", PurposeClass::kPolitical);
  auto field = [&](Json j) {
    Campaign x = c;
    Status st = applyJson(j, x);
    if (st.isOk()) st = validateForWrite(x);
    return st.field();
  };
  EXPECT_EQ(field({{"max_attempts_per_contact", 4294967297ULL}}), "max_attempts_per_contact");
  EXPECT_EQ(field({{"max_attempts_per_contact", 3.9}}), "max_attempts_per_contact");
  EXPECT_EQ(field({{"max_attempts_per_contact", -1}}), "max_attempts_per_contact");
  EXPECT_EQ(field({{"schedule", {{"weekdays", {4294967296ULL, 2}}}}}), "schedule.weekdays[0]");
  EXPECT_EQ(field({{"schedule", {{"weekdays", Json::array()}}}}), "schedule.weekdays");
  EXPECT_EQ(field({{"schedule", {{"begin", "08:00"}}}}), "schedule.begin");
  EXPECT_EQ(field({{"script", {{"txt", "typo"}}}}), "script.txt");
  EXPECT_EQ(field({{"script", {{"questions", {{{"key", "q"}, {"choise", {"a"}}}}}}}}),
            "script.questions[0].choise");
  EXPECT_EQ(field({{"script", {{"questions", {{{"key", "vote"}}, {{"key", "vote"}}}}}}}),
            "script.questions[1].key");
  EXPECT_EQ(field({{"recycle_rules", {{{"disposition", "no_anwser"}}}}}),
            "recycle_rules[0].disposition");
  EXPECT_EQ(field({{"recycle_rules", {{{"disposition", "busy"}, {"max_attempts", -3}}}}}),
            "recycle_rules[0].max_attempts");
  EXPECT_EQ(field({{"recycle_rules", {{{"disposition", "busy"}, {"delay_minutes", 1e10}}}}}),
            "recycle_rules[0].delay_minutes");
  EXPECT_EQ(field({{"recycle_rules", {{{"disposition", "busy"}, {"colour", 1}}}}}),
            "recycle_rules[0].colour");
  // The runtime's own endings may be recycled too.
  EXPECT_EQ(field({{"recycle_rules",
                    {{{"disposition", "abandoned"}, {"delay_minutes", 60}, {"max_attempts", 2}}}}}),
            "");
  // A script's version moves only when what callers read changes.
  Campaign v = c;
  const int v0 = v.script.version;
  ASSERT_TRUE(applyJson(Json{{"script", {{"text", "Hello"}}}}, v).isOk());
  EXPECT_EQ(v.script.version, v0 + 1);
  ASSERT_TRUE(applyJson(Json{{"script", {{"text", "Hello"}, {"version", 99}}}}, v).isOk());
  EXPECT_EQ(v.script.version, v0 + 1);
  // A stored campaign with duplicate keys (written before the check) still loads.
  Campaign old = c;
  EXPECT_TRUE(
      applyJson(Json{{"script", {{"questions", {{{"key", "a"}}, {{"key", "a"}}}}}}}, old).isOk());
  old.recycle_rules = {{"do_not_call", 0, 3}};
  // …and can be renamed without mending them first; changing them checks them.
  Campaign renamed = old;
  renamed.name = "Renamed";
  EXPECT_TRUE(validateForWrite(renamed, &old).isOk());
  EXPECT_EQ(validateForWrite(renamed).field(), "recycle_rules[0].disposition");
  Campaign rules = old;
  rules.recycle_rules = {{"no_anwser", 0, 3}};
  EXPECT_EQ(validateForWrite(rules, &old).field(), "recycle_rules[0].disposition");
}

TEST(Campaign, RecordingAnnouncementAndAmdSettings) {
  Campaign c = newCampaign("x", PurposeClass::kPolitical);
  // Defaults: the announcement where the law requires it; AMD as the dialer says.
  EXPECT_EQ(c.recording_announcement, RecordingAnnouncement::kAuto);
  EXPECT_EQ(c.amd, AmdSetting::kDefault);
  EXPECT_EQ(toJson(c)["recording_announcement"], "auto");
  EXPECT_EQ(toJson(c)["amd"], "default");
  ASSERT_TRUE(applyJson(Json{{"recording_announcement", "never"}, {"amd", "on"}}, c).isOk());
  EXPECT_EQ(c.recording_announcement, RecordingAnnouncement::kNever);
  EXPECT_EQ(c.amd, AmdSetting::kOn);
  // Round trip through the stored form.
  auto d = campaignFromJson(toJson(c));
  ASSERT_TRUE(d.isOk());
  EXPECT_EQ(d->recording_announcement, RecordingAnnouncement::kNever);
  EXPECT_EQ(d->amd, AmdSetting::kOn);
  // Booleans and null for amd.
  ASSERT_TRUE(applyJson(Json{{"amd", false}}, c).isOk());
  EXPECT_EQ(c.amd, AmdSetting::kOff);
  ASSERT_TRUE(applyJson(Json::parse(R"({"amd": null})"), c).isOk());
  EXPECT_EQ(c.amd, AmdSetting::kDefault);
  // A record stored before these settings existed reads as the defaults.
  Json old = toJson(c);
  old.erase("recording_announcement");
  old.erase("amd");
  auto o = campaignFromJson(old);
  ASSERT_TRUE(o.isOk());
  EXPECT_EQ(o->recording_announcement, RecordingAnnouncement::kAuto);
  EXPECT_EQ(o->amd, AmdSetting::kDefault);
  // Bad values name their field and change nothing.
  Status st = applyJson(Json{{"recording_announcement", "sometimes"}, {"amd", "off"}}, c);
  EXPECT_EQ(st.field(), "recording_announcement");
  EXPECT_EQ(c.amd, AmdSetting::kDefault);
  EXPECT_EQ(applyJson(Json{{"amd", "maybe"}}, c).field(), "amd");
  // The audit diff names the changed settings.
  Campaign e = c;
  e.recording_announcement = RecordingAnnouncement::kAlways;
  e.amd = AmdSetting::kOff;
  Json diff = campaignChanges(c, e);
  EXPECT_EQ(diff["recording_announcement"]["to"], "always");
  EXPECT_EQ(diff["amd"]["from"], "default");
  EXPECT_EQ(diff["amd"]["to"], "off");
  // The effective AMD switch.
  EXPECT_TRUE(amdEnabled(AmdSetting::kDefault, true));
  EXPECT_FALSE(amdEnabled(AmdSetting::kDefault, false));
  EXPECT_TRUE(amdEnabled(AmdSetting::kOn, false));
  EXPECT_FALSE(amdEnabled(AmdSetting::kOff, true));
}

TEST(Campaign, ParsesResearchSpellingsOfPurposes) {
  EXPECT_EQ(*parsePurposeClass("commercial_telemarketing"), PurposeClass::kCommercial);
  EXPECT_EQ(*parsePurposeClass("survey_poll"), PurposeClass::kSurvey);
  EXPECT_EQ(*parsePurposeClass("charitable_by_telemarketer"), PurposeClass::kCharitableByTelemarketer);
}

}  // namespace
}  // namespace clearline::core
