// dialHistory: which calls count, and the aggregates over them.
#include "storage/sqlite/call_history.h"

#include <gtest/gtest.h>

#include "common/time_util.h"
#include "storage/sqlite/sqlite_store.h"

namespace clearline::storage {
namespace {

struct CallHistoryTest : ::testing::Test {
  ManualClock clock{*parseIso("2026-11-30T15:00:00Z")};
  std::unique_ptr<SqliteStore> store;
  core::Actor actor{"test"};
  CampaignId campaign, other;
  void SetUp() override {
    store = std::move(SqliteStore::open(":memory:", clock).value());
    auto org = store->campaigns().createOrganisation("org", actor);
    ASSERT_TRUE(org.isOk()) << org.status().toString();
    for (auto* id : {&campaign, &other}) {
      auto camp = core::newCampaign("c", core::PurposeClass::kPolitical);
      camp.org_id = org->id;
      auto c = store->campaigns().createCampaign(camp, actor);
      ASSERT_TRUE(c.isOk()) << c.status().toString();
      *id = c->id;
    }
  }
  // A call dialled at t0 (ms); answer/bridge/end offsets in ms, -1 = NULL.
  void call(CampaignId c, const char* mode, int64_t answer, int64_t bridge, int64_t end, bool abandoned = false,
            const char* cause = "normal") {
    const int64_t t0 = 1'800'000'000'000;
    auto s = store->db().prepare(
        "INSERT INTO calls (campaign_id, called_number, purpose_class, dial_mode, state, dialed_at, answered_at,"
        " bridged_at, ended_at, abandoned, hangup_cause) VALUES (?1, '+12125550100', 'political', ?2, 'ended', ?3,"
        " ?4, ?5, ?6, ?7, ?8)");
    ASSERT_TRUE(s.isOk()) << s.status().toString();
    auto opt = [&](int64_t v) { return v < 0 ? std::optional<int64_t>() : std::optional<int64_t>(t0 + v); };
    s->bind(1, c.value).bind(2, mode).bind(3, t0).bindOpt(4, opt(answer)).bindOpt(5, opt(bridge)).bindOpt(6, opt(end))
        .bind(7, abandoned ? 1 : 0).bind(8, cause);
    auto r = s->step();
    ASSERT_TRUE(r.isOk()) << r.status().toString();
  }
};

TEST_F(CallHistoryTest, AggregatesTheCampaignsEndedAutodialledCalls) {
  call(campaign, "predictive", 4000, 5000, 65000);          // bridged: 60 s talk, 4 s to answer
  call(campaign, "progressive", 2000, -1, 4000, true);      // abandoned: live, no talk
  call(campaign, "predictive", -1, -1, 20000);              // no answer: 20 s to resolve
  call(campaign, "predictive", 3000, -1, 3500);             // machine (not bridged, not abandoned)
  // Left out: another campaign, a manual dial, a call still up, a call closed by a restart.
  call(other, "predictive", 1000, 2000, 100000);
  call(campaign, "human_initiated", 1000, 1500, 90000);
  call(campaign, "predictive", 1000, 2000, -1);
  call(campaign, "predictive", 1000, 2000, 500000, false, "system_restart");
  // The bridged call's caller gave the disposition 12 s after it ended.
  ASSERT_TRUE(
      store->db()
          .exec("UPDATE calls SET wrapped_at = ended_at + 12000 WHERE bridged_at IS NOT NULL")
          .isOk());
  auto h = dialHistory(store->db(), campaign);
  ASSERT_TRUE(h.isOk()) << h.status().toString();
  EXPECT_EQ(h->dials, 4);
  EXPECT_EQ(h->live, 2);
  EXPECT_DOUBLE_EQ(h->resolution_s_sum, 4 + 2 + 20 + 3);
  EXPECT_EQ(h->talks, 1);
  EXPECT_DOUBLE_EQ(h->talk_s_sum, 60);
  EXPECT_EQ(h->wraps, 1);
  EXPECT_DOUBLE_EQ(h->wrap_s_sum, 12);
  // The most recent `limit` calls only.
  auto last2 = dialHistory(store->db(), campaign, 2);
  ASSERT_TRUE(last2.isOk());
  EXPECT_EQ(last2->dials, 2);
  EXPECT_EQ(last2->live, 0);
  EXPECT_DOUBLE_EQ(last2->resolution_s_sum, 20 + 3);
}

TEST_F(CallHistoryTest, ACampaignWithoutCallsHasAnEmptyHistory) {
  auto h = dialHistory(store->db(), campaign);
  ASSERT_TRUE(h.isOk()) << h.status().toString();
  EXPECT_EQ(h->dials, 0);
  EXPECT_EQ(h->live, 0);
  EXPECT_FALSE(core::planFromHistory(*h, core::PacerSettings{}).measured);
}

// callSamples: the same calls, one by one, classified for a simulation scenario.
TEST_F(CallHistoryTest, SamplesClassifyEachCallForAScenario) {
  call(campaign, "predictive", 4000, 5000, 65000);                  // a person, bridged
  call(campaign, "predictive", 3000, -1, 3500);                     // answered, not bridged
  call(campaign, "predictive", -1, -1, 25000, false, "no_answer");  // no answer
  call(campaign, "predictive", -1, -1, 2000, false, "busy");        // busy
  call(campaign, "predictive", -1, -1, 500, false, "congestion");   // the network's: left out
  call(campaign, "predictive", 1000, 2000, 500000, false, "system_restart");  // left out
  call(campaign, "human_initiated", 1000, 1500, 90000);                       // left out
  // The caller marked the second answered call an answering machine; AMD judged the first.
  ASSERT_TRUE(
      store->db()
          .exec("UPDATE calls SET disposition = 'machine' WHERE answered_at - dialed_at = 3000")
          .isOk());
  ASSERT_TRUE(
      store->db()
          .exec("UPDATE calls SET amd_result = 'human', answered_by = 'human', caller_ref = 'k1',"
                " greeting_end_at = answered_at + 1200, wrapped_at = ended_at + 7500"
                " WHERE bridged_at - dialed_at = 5000")
          .isOk());
  auto s = callSamples(store->db(), campaign);
  ASSERT_TRUE(s.isOk()) << s.status().toString();
  ASSERT_EQ(s->size(), 4u);
  using K = core::CallSample::Kind;
  int people = 0, machines = 0, no_answer = 0, busy = 0;
  for (const auto& c : *s) {
    people += c.kind == K::kPerson;
    machines += c.kind == K::kMachine;
    no_answer += c.kind == K::kNoAnswer;
    busy += c.kind == K::kBusy;
    if (c.kind == K::kPerson) {
      EXPECT_DOUBLE_EQ(c.answer_s, 4.0);
      EXPECT_DOUBLE_EQ(c.talk_s, 60.0);
      EXPECT_DOUBLE_EQ(c.greeting_s, 1.2);
      EXPECT_DOUBLE_EQ(c.wrap_s, 7.5);
      EXPECT_TRUE(c.screened);
      EXPECT_EQ(c.caller, "k1");
    }
    if (c.kind == K::kMachine) {
      EXPECT_DOUBLE_EQ(c.answer_s, 3.0);
      EXPECT_LT(c.talk_s, 0);  // never routed
      EXPECT_LT(c.wrap_s, 0);
      EXPECT_FALSE(c.screened);
    }
    if (c.kind == K::kNoAnswer) {
      EXPECT_DOUBLE_EQ(c.end_s, 25.0);
    }
  }
  EXPECT_EQ(people, 1);
  EXPECT_EQ(machines, 1);
  EXPECT_EQ(no_answer, 1);
  EXPECT_EQ(busy, 1);
}

}  // namespace
}  // namespace clearline::storage
