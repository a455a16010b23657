// Dashboard alerts: the ledger crossing its alert threshold (and back), every
// gate refusal, the trunk going down and up again — and through the hub, who
// receives them.
#include "api/alerts.h"

#include <gtest/gtest.h>

#include "api/ws_hub.h"

namespace clearline::api {
namespace {

core::DomainEvent metrics(const std::string& campaign, int64_t abandoned_24h, int64_t answered_24h,
                          int64_t abandoned_30d = 0, int64_t answered_30d = 1000) {
  core::DomainEvent e;
  e.type = "campaign.metrics";
  e.campaign_id = campaign;
  e.data = Json{{"callers", Json::object()},
                {"ledger", {{"abandoned_24h", abandoned_24h}, {"answered_24h", answered_24h},
                            {"abandoned_30d", abandoned_30d}, {"answered_30d", answered_30d}}}};
  return e;
}

TEST(AlertRules, LedgerAlertsOnceWhenItCrossesTheThresholdAndWhenItFallsBack) {
  AlertRules rules(AlertOptions{2.5, 20});
  EXPECT_TRUE(rules.observe(metrics("1", 2, 100)).empty());  // 2 %: below
  auto up = rules.observe(metrics("1", 3, 100));              // 3 %: at or above 2.5 %
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].type, "alert");
  EXPECT_EQ(up[0].campaign_id, "1");
  EXPECT_EQ(up[0].data["kind"], "ledger");
  EXPECT_EQ(up[0].data["severity"], "warning");
  EXPECT_EQ(up[0].data["window"], "24h");
  EXPECT_NE(up[0].data["message"].get<std::string>().find("3 % (3 of 100 answered calls)"), std::string::npos)
      << up[0].data["message"];
  EXPECT_TRUE(rules.observe(metrics("1", 4, 110)).empty());  // still high: no repeat
  EXPECT_EQ(rules.observe(metrics("2", 5, 100)).size(), 1u);  // another campaign has its own state
  auto down = rules.observe(metrics("1", 4, 200));             // 2 %
  ASSERT_EQ(down.size(), 1u);
  EXPECT_EQ(down[0].data["severity"], "info");
  // Too few answered calls to mean anything: no alert at 1 of 10.
  EXPECT_TRUE(rules.observe(metrics("3", 1, 10)).empty());
  // The 30-day window on its own.
  auto month = rules.observe(metrics("4", 0, 100, 30, 1000));
  ASSERT_EQ(month.size(), 1u);
  EXPECT_EQ(month[0].data["window"], "30d");
  // A threshold from the configuration.
  rules.setOptions(AlertOptions{1.0, 1});
  EXPECT_EQ(rules.observe(metrics("5", 2, 100)).size(), 1u);
}

TEST(AlertRules, EveryGateRefusalIsAnAlertNamingCallerSiteAndGates) {
  AlertRules rules;
  core::DomainEvent desk;
  desk.type = "gate.refused";
  desk.campaign_id = "1";
  desk.caller_ref = "caller-ew-01";
  desk.data = Json{{"reason", "no written campaign consent"},
                   {"site_id", "site-eddie-warrior"},
                   {"gates", Json::array({Json{{"gate", "G1"}, {"passed", true}}, Json{{"gate", "G2"}, {"passed", false}},
                                          Json{{"gate", "G4"}, {"passed", false}}})}};
  auto a = rules.observe(desk);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].data["kind"], "gate");
  EXPECT_EQ(a[0].caller_ref, "");  // callers do not get alerts
  EXPECT_EQ(a[0].data["site_id"], "site-eddie-warrior");
  EXPECT_EQ(a[0].data["message"],
            "Gate refused caller caller-ew-01 at site-eddie-warrior: no written campaign consent [failed: G2, G4]");
  EXPECT_EQ(rules.observe(desk).size(), 1u);  // every refusal, not only the first
  core::DomainEvent runtime;
  runtime.type = "gate.refused";
  runtime.campaign_id = "2";
  runtime.caller_ref = "bob";
  runtime.data = Json{{"stage", "login"}, {"reason", "site suspended"}};
  auto b = rules.observe(runtime);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].data["message"], "Gate refused caller bob (login): site suspended");
}

TEST(AlertRules, TrunkDownIsCriticalOnceAndUpAgainIsInfo) {
  AlertRules rules;
  auto trunk = [](bool up, const std::string& reason) {
    core::DomainEvent e;
    e.type = "trunk.state";
    e.data = Json{{"up", up}, {"reason", reason}};
    return e;
  };
  EXPECT_TRUE(rules.observe(trunk(true, "registered")).empty());
  auto down = rules.observe(trunk(false, "OPTIONS timeout"));
  ASSERT_EQ(down.size(), 1u);
  EXPECT_EQ(down[0].data["severity"], "critical");
  EXPECT_EQ(down[0].data["message"], "The SIP trunk is down: OPTIONS timeout");
  EXPECT_TRUE(rules.observe(trunk(false, "still")).empty());
  auto up = rules.observe(trunk(true, "registered"));
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].data["severity"], "info");
  core::DomainEvent junk;
  junk.type = "trunk.state";
  junk.data = Json{{"up", "maybe"}};
  EXPECT_TRUE(rules.observe(junk).empty());
}

struct Collect final : WsSubscriber {
  std::vector<Json> frames;
  void deliver(std::shared_ptr<const std::string> f) override { frames.push_back(Json::parse(*f)); }
};

TEST(AlertRules, TheHubPublishesAlertsAfterTheirEventToWhoMaySeeThem) {
  FlatEntityScope scope;
  WsHub hub(scope, nullptr, 100);
  auto manager = std::make_shared<Collect>(), vendor = std::make_shared<Collect>(), caller = std::make_shared<Collect>();
  Principal m{UserId(1), "m", Role::kCampaignManager, "", false};
  Principal v{UserId(2), "v", Role::kVendorSupervisor, "site-eddie-warrior", false};
  Principal c{UserId(3), "caller-ew-01", Role::kCaller, "site-eddie-warrior", false};
  hub.subscribe(manager, m, 0, "");
  hub.subscribe(vendor, v, 0, "");
  hub.subscribe(caller, c, 0, "");
  core::DomainEvent e;
  e.type = "gate.refused";
  e.campaign_id = "1";
  e.caller_ref = "caller-ew-01";
  e.data = Json{{"reason", "refused"}, {"site_id", "site-eddie-warrior"}};
  hub.publish(e);
  hub.setAlertOptions(AlertOptions{1.0, 1});
  hub.publish(metrics("1", 2, 100));
  ASSERT_EQ(manager->frames.size(), 5u);  // hello, gate.refused, alert, metrics, alert
  EXPECT_EQ(manager->frames[1]["type"], "gate.refused");
  EXPECT_EQ(manager->frames[2]["type"], "alert");
  EXPECT_EQ(manager->frames[2]["seq"].get<int64_t>(), manager->frames[1]["seq"].get<int64_t>() + 1);
  EXPECT_EQ(manager->frames[4]["data"]["kind"], "ledger");
  ASSERT_EQ(vendor->frames.size(), 3u);  // hello, its site's refusal and its alert; not the ledger
  EXPECT_EQ(vendor->frames[2]["data"]["kind"], "gate");
  ASSERT_EQ(caller->frames.size(), 2u);  // hello and its own refusal; no alerts
  EXPECT_EQ(caller->frames[1]["type"], "gate.refused");
}

}  // namespace
}  // namespace clearline::api
