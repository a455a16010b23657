// recordDisposition (POST /api/v1/calls/{id}/disposition): one disposition a
// call, except that the ones the dialer gives for want of the caller's own —
// wrap_up_timeout (the wrap-up limit) and no_disposition (the caller's phone
// went) — give way to the caller's, submitted late from the console.
#include "api/records.h"

#include <gtest/gtest.h>

#include "core/runtime/campaign_runtime.h"
#include "storage/sqlite/sqlite_store.h"

namespace clearline::api {
namespace {

class RecordDisposition : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(storage::SqliteStore::open(":memory:", clock_).value());
    auto org = store_->campaigns().createOrganisation("Org", actor_);
    core::Campaign c = core::newCampaign("A", core::PurposeClass::kPolitical);
    c.org_id = org->id;
    ASSERT_TRUE(store_->campaigns().createCampaign(c, actor_).isOk());
  }
  // A call of campaign 1 that ended with `disposition` ("" = none yet).
  void call(int id, const std::string& disposition) {
    auto s = store_->db().prepare(
        "INSERT INTO calls(id, campaign_id, called_number, purpose_class, dial_mode, state, "
        "queued_at,"
        " disposition) VALUES (?, 1, '+12025550123', 'political', 'predictive', 'ended', 0, ?)");
    ASSERT_TRUE(s.isOk()) << s.status().toString();
    s->bind(1, id);
    if (disposition.empty())
      s->bindNull(2);
    else
      s->bind(2, disposition);
    ASSERT_TRUE(s->run().isOk());
  }
  Status submit(int id, const std::string& code) {
    DispositionInput in;
    in.code = code;
    return recordDisposition(store_->db(), clock_, CallId(id), in, actor_);
  }
  std::string stored(int id) {
    auto s = store_->db().prepare("SELECT COALESCE(disposition, '') FROM calls WHERE id=?");
    s->bind(1, id);
    return s->step().value() ? s->text(0) : "(no row)";
  }

  SystemClock clock_;
  core::Actor actor_{"test"};
  std::unique_ptr<storage::SqliteStore> store_;
};

TEST_F(RecordDisposition, TheDialersStandInsGiveWayToTheCallersOwnOnce) {
  call(1, "");
  call(2, core::kWrapUpTimeout);
  call(3, core::kNoDisposition);
  call(4, "refused");  // a caller's disposition
  for (int id : {1, 2, 3}) {
    SCOPED_TRACE(id);
    ASSERT_TRUE(submit(id, "support").isOk());
    EXPECT_EQ(stored(id), "support");
    Status again = submit(id, "oppose");  // the caller's own is final
    EXPECT_EQ(again.code(), StatusCode::kFailedPrecondition);
    EXPECT_EQ(again.field(), "code");
    EXPECT_EQ(stored(id), "support");
  }
  EXPECT_EQ(submit(4, "support").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(stored(4), "refused");
  EXPECT_EQ(submit(1, "no_such_code").code(), StatusCode::kFailedPrecondition);  // already has one
  call(5, "");
  Status unknown = submit(5, "no_such_code");
  EXPECT_EQ(unknown.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(unknown.field(), "code");
  EXPECT_EQ(stored(5), "");
}

}  // namespace
}  // namespace clearline::api
