#include "api/ws_hub.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/vendor/import_doc.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/vendor_store.h"

namespace clearline::api {
namespace {

struct Collect final : WsSubscriber {
  std::vector<Json> frames;
  void deliver(std::shared_ptr<const std::string> f) override { frames.push_back(Json::parse(*f)); }
};

core::DomainEvent ev(const std::string& caller, int n) {
  core::DomainEvent e;
  e.type = "caller.state";
  e.campaign_id = "1";
  e.caller_ref = caller;
  e.data = Json{{"n", n}, {"site_id", "site-" + caller}};
  return e;
}

Principal caller(const std::string& name) {
  Principal p;
  p.name = name;
  p.role = Role::kCaller;
  return p;
}

TEST(WsHub, ReconnectResumesWithoutLosingEvents) {
  FlatEntityScope scope;
  WsHub hub(scope, nullptr, 100);
  auto first = std::make_shared<Collect>();
  uint64_t id = hub.subscribe(first, caller("ann"), 0, "");
  hub.publish(ev("ann", 1));
  hub.publish(ev("bob", 2));
  ASSERT_EQ(first->frames.size(), 2u);  // hello + ann's event
  int64_t last = first->frames.back()["seq"];
  std::string epoch = first->frames.front()["epoch"];
  hub.unsubscribe(id);
  // Events while disconnected:
  hub.publish(ev("ann", 3));
  hub.publish(ev("ann", 4));
  auto second = std::make_shared<Collect>();
  hub.subscribe(second, caller("ann"), last, epoch);
  hub.publish(ev("ann", 5));
  std::vector<int> ns;
  for (auto& f : second->frames)
    if (f["type"] == "caller.state") ns.push_back(f["data"]["n"]);
  EXPECT_EQ(ns, (std::vector<int>{3, 4, 5}));
}

TEST(WsHub, StaleSeqOrOtherEpochAsksForResync) {
  FlatEntityScope scope;
  WsHub hub(scope, nullptr, 3);
  for (int i = 0; i < 10; ++i) hub.publish(ev("ann", i));
  auto c = std::make_shared<Collect>();
  hub.subscribe(c, caller("ann"), 2, hub.epoch());
  ASSERT_GE(c->frames.size(), 2u);
  EXPECT_EQ(c->frames[1]["type"], "resync");
  auto d = std::make_shared<Collect>();
  hub.subscribe(d, caller("ann"), 9, "another-epoch");
  EXPECT_EQ(d->frames[1]["type"], "resync");
}

TEST(WsHub, VendorSeesOnlyItsSubtreeAndCallersOnlyThemselves) {
  FlatEntityScope scope;
  Principal v;
  v.role = Role::kVendorSupervisor;
  v.entity_id = "site-ann";
  EXPECT_TRUE(WsHub::visibleTo(v, ev("ann", 1), scope));
  EXPECT_FALSE(WsHub::visibleTo(v, ev("bob", 1), scope));
  EXPECT_FALSE(WsHub::visibleTo(caller("bob"), ev("ann", 1), scope));
  EXPECT_TRUE(WsHub::visibleTo(caller("ann"), ev("ann", 1), scope));
}

// The daemon's scope is the vendor chain's (the 2019 example): the prime
// vendor's supervisor sees its sites' and its subcontractor's sites' events,
// the subcontractor's only its own, and neither gets the callee's record.
TEST(WsHub, VendorSupervisorsFollowTheChainAndNeverGetTheCalleesRecord) {
  ManualClock clock;
  auto store = std::move(storage::SqliteStore::open(":memory:", clock).value());
  core::Actor actor{"test"};
  auto org = store->campaigns().createOrganisation("Org", actor);
  core::Campaign c0 = core::newCampaign("C", core::PurposeClass::kPolitical);
  c0.org_id = org->id;
  ASSERT_TRUE(store->campaigns().createCampaign(c0, actor).isOk());
  std::ifstream in(std::string(CLEARLINE_SOURCE_DIR) + "/data/examples/2019-case.json");
  std::stringstream ss;
  ss << in.rdbuf();
  auto doc = core::vendor::decodeImportDocument(ss.str(), 1);
  ASSERT_TRUE(doc.isOk()) << doc.status().toString();
  storage::SqliteVendorStore vs(store->db(), clock, "/tmp");
  ASSERT_TRUE(
      vs.importChain(*doc, std::string(CLEARLINE_SOURCE_DIR) + "/data/examples", actor).isOk());
  RegistryEntityScope scope;
  auto vendor = [](const std::string& entity) {
    Principal p;
    p.role = Role::kVendorSupervisor;
    p.entity_id = entity;
    return p;
  };
  auto at = [](const std::string& site, const std::string& type = "gate.refused") {
    core::DomainEvent e;
    e.type = type;
    e.campaign_id = "1";
    e.caller_ref = "caller-x";
    e.data = Json{{"site_id", site}};
    return e;
  };
  // No registry yet: only the entity itself.
  EXPECT_FALSE(WsHub::visibleTo(vendor("procom"), at("site-eddie-warrior"), scope));
  scope.set(*vs.loadRegistry());
  EXPECT_TRUE(WsHub::visibleTo(vendor("procom"), at("site-eddie-warrior"), scope));
  EXPECT_TRUE(WsHub::visibleTo(vendor("procom"), at("site-procom-vineland"), scope));
  EXPECT_FALSE(WsHub::visibleTo(vendor("procom"), at("site-prime-dc"), scope));
  EXPECT_TRUE(WsHub::visibleTo(vendor("prime-vendor"), at("site-eddie-warrior"), scope));
  EXPECT_TRUE(WsHub::visibleTo(vendor("prime-vendor"), at("site-prime-dc"), scope));
  EXPECT_FALSE(WsHub::visibleTo(vendor("ok-doc"), at("site-prime-dc"), scope));
  EXPECT_FALSE(WsHub::visibleTo(vendor("procom"), at("site-eddie-warrior", "screen_pop"), scope));

  // Over the hub: a caller.state with the call on screen reaches the manager
  // whole and the vendor supervisor without the callee's data.
  WsHub hub(scope, nullptr, 100);
  auto sup = std::make_shared<Collect>();
  auto mgr = std::make_shared<Collect>();
  Principal m;
  m.role = Role::kCampaignManager;
  hub.subscribe(sup, vendor("procom"), 0, "");
  hub.subscribe(mgr, m, 0, "");
  core::DomainEvent st = at("site-procom-vineland", "caller.state");
  st.data["state"] = "on_call";
  st.data["call"] =
      Json{{"call_id", 5}, {"contact", {{"first_name", "Ann"}, {"phone", "+12025550123"}}}};
  st.data["contact"] = Json{{"first_name", "Ann"}};
  // As the SIP desk shapes it (sip_desk.cc): the dial in progress and the last one.
  st.data["dialing"] = Json{{"call_id", 6}, {"number", "+12025550124"}, {"name", "Bo Lee"}};
  st.data["last_dial"] = Json{{"call_id", 4}, {"number", "+12025550125"}, {"contact_id", 9}};
  hub.publish(st);
  hub.publish(at("site-procom-vineland", "screen_pop"));
  ASSERT_EQ(sup->frames.size(), 2u);  // hello + the state
  EXPECT_EQ(sup->frames[1]["data"]["state"], "on_call");
  EXPECT_FALSE(sup->frames[1]["data"].contains("call"));
  EXPECT_FALSE(sup->frames[1]["data"].contains("contact"));
  const std::string sent = sup->frames[1].dump();
  for (const char* personal : {"+1202555", "Bo Lee", "Ann"})
    EXPECT_EQ(sent.find(personal), std::string::npos) << sent;
  ASSERT_EQ(mgr->frames.size(), 3u);
  EXPECT_EQ(mgr->frames[1]["data"]["call"]["contact"]["first_name"], "Ann");
}

}  // namespace
}  // namespace clearline::api
