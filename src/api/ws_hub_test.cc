#include "api/ws_hub.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace clearline::api
