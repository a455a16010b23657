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
  auto h = dialHistory(store->db(), campaign);
  ASSERT_TRUE(h.isOk()) << h.status().toString();
  EXPECT_EQ(h->dials, 4);
  EXPECT_EQ(h->live, 2);
  EXPECT_DOUBLE_EQ(h->resolution_s_sum, 4 + 2 + 20 + 3);
  EXPECT_EQ(h->talks, 1);
  EXPECT_DOUBLE_EQ(h->talk_s_sum, 60);
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

}  // namespace
}  // namespace clearline::storage
