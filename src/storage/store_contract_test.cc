// The store contract: every adapter of the store ports (SQLite now, PostgreSQL
// next) must pass this suite. Add an adapter by adding a factory to kAdapters.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <memory>

#include "core/ports/campaign_store.h"
#include "storage/postgres/pg_store.h"
#include "storage/postgres/pg_test_cluster.h"
#include "storage/sqlite/sqlite_store.h"

namespace clearline::storage {
namespace {

// An adapter under test: its stores, and a way to close and reopen it on the same data.
struct Adapter {
  virtual ~Adapter() = default;
  virtual core::CampaignStore& campaigns() = 0;
  virtual core::AuditLog& audit() = 0;
  virtual void reopen() = 0;
};

struct SqliteAdapter : Adapter {
  explicit SqliteAdapter(ManualClock& clock) : clock_(clock) {
    dir_ = std::filesystem::temp_directory_path() /
           ("clearline_contract_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++));
    std::filesystem::create_directories(dir_);
    reopen();
  }
  ~SqliteAdapter() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  core::CampaignStore& campaigns() override { return store_->campaigns(); }
  core::AuditLog& audit() override { return store_->auditLog(); }
  void reopen() override {
    store_.reset();
    auto s = SqliteStore::open((dir_ / "clearline.db").string(), clock_);
    EXPECT_TRUE(s.isOk()) << s.status().toString();
    store_ = std::move(*s);
  }
  ManualClock& clock_;
  std::filesystem::path dir_;
  std::unique_ptr<SqliteStore> store_;
  static inline int counter_ = 0;
};

// PostgreSQL: a fresh database in the process's throw-away cluster.
struct PgAdapter : Adapter {
  explicit PgAdapter(ManualClock& clock) : clock_(clock) {
    conninfo_ = PgTestCluster::instance().newDatabase();
    reopen();
  }
  core::CampaignStore& campaigns() override { return store_->campaigns(); }
  core::AuditLog& audit() override { return store_->auditLog(); }
  void reopen() override {
    store_.reset();
    auto s = PgStore::open(conninfo_, clock_);
    EXPECT_TRUE(s.isOk()) << s.status().toString();
    store_ = std::move(*s);
  }
  ManualClock& clock_;
  std::string conninfo_;
  std::unique_ptr<PgStore> store_;
};

using Factory = std::function<std::unique_ptr<Adapter>(ManualClock&)>;

struct Named {
  const char* name;
  Factory make;
};
void PrintTo(const Named& n, std::ostream* os) { *os << n.name; }

class StoreContract : public ::testing::TestWithParam<Named> {
 protected:
  void SetUp() override { a_ = GetParam().make(clock_); }
  Status verifyAudit() {
    core::AuditVerifier v;
    return a_->audit().scan(1, [&](const core::AuditEvent& e) { return v.next(e); });
  }
  int64_t auditCount() { return *a_->audit().count(); }
  core::Campaign sample(OrgId org, const std::string& name = "GOTV") {
    auto c = core::newCampaign(name, core::PurposeClass::kPolitical);
    c.org_id = org;
    return c;
  }

  ManualClock clock_{fromEpochMillis(1'790'000'000'000)};
  core::Actor actor_{"test:contract"};
  std::unique_ptr<Adapter> a_;
};

TEST_P(StoreContract, OrganisationNamesAreUnique) {
  auto o = a_->campaigns().createOrganisation("Friends of Ada", actor_);
  ASSERT_TRUE(o.isOk()) << o.status().toString();
  EXPECT_TRUE(o->id.valid());
  auto dup = a_->campaigns().createOrganisation("Friends of Ada", actor_);
  ASSERT_FALSE(dup.isOk());
  EXPECT_EQ(dup.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(dup.status().field(), "name");
  EXPECT_EQ(auditCount(), 1);  // the failed create left no audit event
}

TEST_P(StoreContract, CampaignCreateGetListAndAudit) {
  auto org = *a_->campaigns().createOrganisation("Org", actor_);
  auto c = a_->campaigns().createCampaign(sample(org.id), actor_);
  ASSERT_TRUE(c.isOk()) << c.status().toString();
  EXPECT_EQ(c->state, core::CampaignState::kDraft);
  auto got = a_->campaigns().getCampaign(c->id);
  ASSERT_TRUE(got.isOk());
  EXPECT_EQ(got->name, "GOTV");
  EXPECT_EQ(got->org_id, org.id);
  EXPECT_EQ(got->created_at, clock_.now());
  auto other_org = *a_->campaigns().createOrganisation("Other", actor_);
  ASSERT_TRUE(a_->campaigns().createCampaign(sample(other_org.id, "B"), actor_).isOk());
  EXPECT_EQ(a_->campaigns().listCampaigns(OrgId())->size(), 2u);
  EXPECT_EQ(a_->campaigns().listCampaigns(org.id)->size(), 1u);
  EXPECT_EQ(auditCount(), 4);
  EXPECT_TRUE(verifyAudit().isOk());
}

TEST_P(StoreContract, CampaignInUnknownOrganisationIsNotFound) {
  auto r = a_->campaigns().createCampaign(sample(OrgId(999)), actor_);
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(a_->campaigns().getCampaign(CampaignId(12345)).status().code(), StatusCode::kNotFound);
}

TEST_P(StoreContract, InvalidCampaignIsRejectedWithItsField) {
  auto org = *a_->campaigns().createOrganisation("Org", actor_);
  auto c = sample(org.id);
  c.caller_id = "not a number";
  auto r = a_->campaigns().createCampaign(c, actor_);
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().field(), "caller_id");
  EXPECT_TRUE(a_->campaigns().listCampaigns(OrgId())->empty());
}

TEST_P(StoreContract, UpdateRecordsTheDiffInTheAuditChain) {
  auto org = *a_->campaigns().createOrganisation("Org", actor_);
  auto c = *a_->campaigns().createCampaign(sample(org.id), actor_);
  clock_.advance(Millis(5000));
  c.caller_id = "+12025550123";
  auto u = a_->campaigns().updateCampaign(c, actor_);
  ASSERT_TRUE(u.isOk()) << u.status().toString();
  EXPECT_EQ(a_->campaigns().getCampaign(c.id)->caller_id, "+12025550123");
  core::AuditEvent last;
  ASSERT_TRUE(a_->audit().scan(1, [&](const core::AuditEvent& e) {
    last = e;
    return Status::ok();
  }).isOk());
  EXPECT_EQ(last.action, "campaign.update");
  EXPECT_EQ(last.actor, "test:contract");
  EXPECT_EQ(last.payload["changes"]["caller_id"]["to"], "+12025550123");
  EXPECT_FALSE(last.payload["changes"].contains("name"));
  // A finished campaign's settings are its record: an update is refused and
  // changes nothing (no audit event either).
  using E = core::CampaignEvent;
  ASSERT_TRUE(a_->campaigns().changeCampaignState(c.id, E::kActivate, actor_).isOk());
  ASSERT_TRUE(a_->campaigns().changeCampaignState(c.id, E::kFinish, actor_).isOk());
  c.caller_id = "+12025550199";
  auto f = a_->campaigns().updateCampaign(c, actor_);
  ASSERT_FALSE(f.isOk());
  EXPECT_EQ(f.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(a_->campaigns().getCampaign(c.id)->caller_id, "+12025550123");
  ASSERT_TRUE(a_->audit()
                  .scan(1,
                        [&](const core::AuditEvent& e) {
                          last = e;
                          return Status::ok();
                        })
                  .isOk());
  EXPECT_EQ(last.action, "campaign.state");
}

TEST_P(StoreContract, LifecycleFollowsTheStateMachineAndIllegalMovesChangeNothing) {
  auto org = *a_->campaigns().createOrganisation("Org", actor_);
  auto c = *a_->campaigns().createCampaign(sample(org.id), actor_);
  using E = core::CampaignEvent;
  EXPECT_EQ(a_->campaigns().changeCampaignState(c.id, E::kActivate, actor_)->state,
            core::CampaignState::kActive);
  EXPECT_EQ(a_->campaigns().changeCampaignState(c.id, E::kPause, actor_)->state,
            core::CampaignState::kPaused);
  EXPECT_EQ(a_->campaigns().changeCampaignState(c.id, E::kFinish, actor_)->state,
            core::CampaignState::kFinished);
  int64_t before = auditCount();
  auto bad = a_->campaigns().changeCampaignState(c.id, E::kResume, actor_);
  ASSERT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(a_->campaigns().getCampaign(c.id)->state, core::CampaignState::kFinished);
  EXPECT_EQ(auditCount(), before);
  EXPECT_TRUE(verifyAudit().isOk());
}

TEST_P(StoreContract, AcknowledgedWritesSurviveReopen) {
  auto org = *a_->campaigns().createOrganisation("Org", actor_);
  auto c = *a_->campaigns().createCampaign(sample(org.id), actor_);
  ASSERT_TRUE(a_->campaigns().changeCampaignState(c.id, core::CampaignEvent::kActivate, actor_).isOk());
  a_->reopen();
  auto got = a_->campaigns().getCampaign(c.id);
  ASSERT_TRUE(got.isOk());
  EXPECT_EQ(got->state, core::CampaignState::kActive);
  EXPECT_EQ(auditCount(), 3);
  EXPECT_TRUE(verifyAudit().isOk());
}

TEST_P(StoreContract, AuditAppendSealsAndChains) {
  core::AuditEvent e;
  e.at = clock_.now();
  e.actor = "x";
  e.action = "test.event";
  e.object_type = "thing";
  e.object_id = "1";
  auto a = a_->audit().append(e);
  auto b = a_->audit().append(e);
  ASSERT_TRUE(a.isOk() && b.isOk());
  EXPECT_EQ(a->seq, 1);
  EXPECT_EQ(b->seq, 2);
  EXPECT_EQ(b->prev_hash, a->hash);
  EXPECT_TRUE(verifyAudit().isOk());
}

const Named kAdapters[] = {
    {"Sqlite", [](ManualClock& c) { return std::unique_ptr<Adapter>(new SqliteAdapter(c)); }},
    {"Postgres", [](ManualClock& c) { return std::unique_ptr<Adapter>(new PgAdapter(c)); }},
};

INSTANTIATE_TEST_SUITE_P(Adapters, StoreContract, ::testing::ValuesIn(kAdapters),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace clearline::storage
