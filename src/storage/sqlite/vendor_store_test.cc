// SqliteVendorStore: versions, all-or-nothing writes, audit events, the
// generation counter and a gate that follows store changes without restart.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/time_util.h"
#include "core/vendor/import_doc.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/vendor_store.h"

namespace clearline::storage {
namespace {

namespace v = core::vendor;

std::string example() {
  auto p = std::filesystem::path(CLEARLINE_SOURCE_DIR) / "data/examples/2019-case.json";
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct VendorStoreTest : ::testing::Test {
  ManualClock clock{*parseIso("2019-11-30T00:00:00Z")};
  std::unique_ptr<SqliteStore> store;
  core::Actor actor{"test"};
  void SetUp() override {
    auto s = SqliteStore::open(":memory:", clock);
    ASSERT_TRUE(s.isOk()) << s.status().toString();
    store = std::move(*s);
    auto org = store->campaigns().createOrganisation("org", actor);
    ASSERT_TRUE(org.isOk()) << org.status().toString();
    auto camp = core::newCampaign("c", core::PurposeClass::kPolitical);
    camp.org_id = org->id;
    auto c = store->campaigns().createCampaign(camp, actor);
    ASSERT_TRUE(c.isOk()) << c.status().toString();
  }
  int64_t count(const char* sql) {
    auto s = store->db().prepare(sql);
    EXPECT_TRUE(s.isOk());
    (void)s->step();
    return s->int64(0);
  }
};

TEST_F(VendorStoreTest, ImportWritesVersionsWithAuditEventsAndIsIdempotent) {
  SqliteVendorStore vs(store->db(), clock, "/tmp");
  auto doc = v::decodeImportDocument(example());
  ASSERT_TRUE(doc.isOk());
  int64_t events = count("SELECT count(*) FROM audit_events");
  auto sum = vs.importChain(*doc, ".", actor);
  ASSERT_TRUE(sum.isOk()) << sum.status().toString();
  EXPECT_EQ((*sum)["versions_written"], 21);
  EXPECT_EQ(count("SELECT count(*) FROM vendor_records"), 21);
  EXPECT_EQ(count("SELECT count(*) FROM audit_events"), events + 21);
  auto again = vs.importChain(*doc, ".", actor);
  ASSERT_TRUE(again.isOk());
  EXPECT_EQ((*again)["versions_written"], 0);
  auto reg = vs.loadRegistry();
  ASSERT_TRUE(reg.isOk()) << reg.status().toString();
  EXPECT_EQ((*reg)->versionCount(), 21u);
}

TEST_F(VendorStoreTest, AFailedWriteLeavesNothing) {
  SqliteVendorStore vs(store->db(), clock, "/tmp");
  auto doc = v::decodeImportDocument(example());
  ASSERT_TRUE(doc.isOk());
  // Break one reference at the end: the whole import must roll back.
  doc->records.back().data["state_min_wage"] = Json::object();
  for (auto& r : doc->records)
    if (r.kind == v::RecordKind::kCaller) r.data["site_id"] = "nowhere";
  int64_t events = count("SELECT count(*) FROM audit_events");
  auto sum = vs.importChain(*doc, ".", actor);
  ASSERT_FALSE(sum.isOk());
  EXPECT_NE(sum.status().message().find("site_id: unknown site 'nowhere'"), std::string::npos) << sum.status().message();
  EXPECT_EQ(count("SELECT count(*) FROM vendor_records"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM audit_events"), events);
}

TEST_F(VendorStoreTest, GateFollowsStoreChangesWithoutRestart) {
  SqliteVendorStore vs(store->db(), clock, "/tmp");
  auto doc = v::decodeImportDocument(example());
  ASSERT_TRUE(doc.isOk());
  ASSERT_TRUE(vs.importChain(*doc, ".", actor).isOk());
  auto reg = vs.loadRegistry();
  ASSERT_TRUE(reg.isOk());
  v::VendorCallerGate gate(*reg);
  const TimePoint t = *parseIso("2019-12-10T14:00:00-06:00");
  EXPECT_TRUE(gate.checkRouting(CampaignId(1), "caller-dc-01", t)->allowed);
  auto r = refreshGate(vs, gate);
  ASSERT_TRUE(r.isOk());
  EXPECT_FALSE(*r);  // nothing changed
  // Withdraw: the site becomes a home_remote site without registered remote networks (G8).
  Json site = (*reg)->latest(v::RecordKind::kSite, "site-prime-dc")->data;
  site["site_type"] = "home_remote";
  auto w = vs.write({VendorWrite{v::RecordKind::kSite, site, *parseIso("2019-12-05T00:00:00Z")}}, actor);
  ASSERT_TRUE(w.isOk()) << w.status().toString();
  r = refreshGate(vs, gate);
  ASSERT_TRUE(r.isOk());
  EXPECT_TRUE(*r);
  auto d = gate.checkRouting(CampaignId(1), "caller-dc-01", t);
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->allowed);
  ASSERT_GE(d->gates.size(), 8u);
  EXPECT_EQ(d->gates[7].gate, "G8");
  EXPECT_FALSE(d->gates[7].passed);
  // The old version is closed, the new one open.
  EXPECT_EQ(count("SELECT count(*) FROM vendor_records WHERE kind='site' AND id='site-prime-dc' AND valid_to IS NULL"), 1);
  EXPECT_EQ(count("SELECT version FROM vendor_records WHERE kind='site' AND id='site-prime-dc' AND valid_to IS NULL"), 2);
}

}  // namespace
}  // namespace clearline::storage
