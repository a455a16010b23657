// recordDisposition (POST /api/v1/calls/{id}/disposition): one disposition a
// call, except that the ones the dialer gives for want of the caller's own —
// wrap_up_timeout (the wrap-up limit) and no_disposition (the caller's phone
// went) — give way to the caller's, submitted late from the console.
#include "api/records.h"

#include <gtest/gtest.h>

#include "common/time_util.h"
#include "core/runtime/campaign_runtime.h"
#include "storage/sqlite/policy_store.h"
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

  ManualClock clock_{*parseIso("2026-12-01T15:00:00Z")};
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

// When the contact comes back after a disposition (what a desk without
// telephony relies on; the dialer's runtime writes the same for its calls):
// by the campaign's recycle rules and attempt limits, at the caller's callback
// time, never after a final one. A do-not-call disposition also puts the
// number on the organisation's own list (R10), once.
TEST_F(RecordDisposition, TheContactComesBackByTheRulesOrTheCallbackAndDoNotCallIsListed) {
  auto q = [&](const std::string& sql) {
    auto st = store_->db().prepare(sql);
    EXPECT_TRUE(st.isOk()) << st.status().toString();
    EXPECT_TRUE(st->step().isOk());
    return st->isNull(0) ? std::string("null") : st->text(0);
  };
  auto exec = [&](const std::string& sql) { ASSERT_TRUE(store_->db().exec(sql).isOk()) << sql; };
  exec("INSERT INTO contact_lists(id, campaign_id, name, created_at) VALUES (1, 1, 'L', 0)");
  exec("INSERT INTO contacts(id, campaign_id, list_id, first_name) VALUES (7, 1, 1, 'Ann')");
  int next_call = 10;
  auto dispose = [&](const std::string& code, std::optional<TimePoint> callback = std::nullopt) {
    const int id = next_call++;
    exec(
        "INSERT INTO calls(id, campaign_id, contact_id, called_number, purpose_class, dial_mode, "
        "state, queued_at,"
        " caller_ref) VALUES (" +
        std::to_string(id) +
        ", 1, 7, '+12025550123', 'political', 'predictive', 'ended', 0, 'ann')");
    DispositionInput in;
    in.code = code;
    in.callback_due = callback;
    Status st = recordDisposition(store_->db(), clock_, CallId(id), in, actor_);
    EXPECT_TRUE(st.isOk()) << st.toString();
  };
  const int64_t now = toEpochMillis(clock_.now());
  // no_answer: 240 minutes later (the default rules), attempt 1 of 3.
  dispose("no_answer");
  EXPECT_EQ(q("SELECT status || ',' || attempts FROM contacts WHERE id=7"), "new,1");
  EXPECT_EQ(std::stoll(q("SELECT next_attempt_at FROM contacts WHERE id=7")), now + 240 * 60000);
  // A callback the caller set: then, whatever the rule's delay (0 for callback).
  const TimePoint due = clock_.now() + std::chrono::hours(20);
  dispose("callback", due);
  EXPECT_EQ(std::stoll(q("SELECT next_attempt_at FROM contacts WHERE id=7")), toEpochMillis(due));
  EXPECT_EQ(q("SELECT caller_ref FROM callbacks WHERE contact_id=7"), "ann");
  // The third attempt ends it: max_attempts_per_contact (3).
  dispose("no_answer");
  EXPECT_EQ(q("SELECT status || ',' || attempts FROM contacts WHERE id=7"), "done,3");
  EXPECT_EQ(q("SELECT next_attempt_at FROM contacts WHERE id=7"), "null");
  EXPECT_EQ(q("SELECT COUNT(*) FROM internal_dnc"), "0");
  // Do not call: the contact, and the organisation's list (told twice, listed once).
  exec("UPDATE contacts SET status='new', attempts=0 WHERE id=7");
  storage::SqlitePolicyStore ps(store_->db(), clock_);
  const std::string v0 = ps.internalDncVersion().value();
  dispose("dnc");
  dispose("dnc");
  EXPECT_EQ(q("SELECT status FROM contacts WHERE id=7"), "dnc");
  EXPECT_EQ(q("SELECT scope || ',' || scope_id || ',' || e164 FROM internal_dnc"),
            "organisation,1,+12025550123");
  EXPECT_EQ(q("SELECT COUNT(*) FROM internal_dnc"), "1");
  core::policy::InternalDnc lists;
  ASSERT_TRUE(
      storage::SqlitePolicyStore(store_->db(), clock_).loadInternalDnc(lists, clock_.now()).isOk());
  EXPECT_EQ(lists.size(), 1u);
  // A running dialer notices the change (and a removal) by the lists' generation.
  const std::string v1 = ps.internalDncVersion().value();
  EXPECT_NE(v1, v0);
  ASSERT_TRUE(ps.removeInternalDnc(core::policy::DncScope::kOrganisation, 1, "+12025550123", actor_)
                  .isOk());
  EXPECT_NE(ps.internalDncVersion().value(), v1);
}

}  // namespace
}  // namespace clearline::api
