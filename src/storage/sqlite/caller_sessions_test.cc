// CallerSessionLog: console states in, caller_sessions / caller_pauses rows
// and their audit events out (one transaction each); states that change
// nothing write nothing; a crashed process's open sessions are closed at their
// last recorded change when the next one starts; shutdown closes the rest.
#include "storage/sqlite/caller_sessions.h"

#include <gtest/gtest.h>

#include "common/time_util.h"
#include "storage/sqlite/sqlite_store.h"

namespace clearline::storage {
namespace {

class CallerSessions : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(SqliteStore::open(":memory:", clock_).value());
    log_ = std::move(CallerSessionLog::open(store_->db(), clock_).value());
  }
  static TimePoint at(int64_t s) { return fromEpochMillis(1'800'000'000'000 + s * 1000); }
  static int64_t ms(int64_t s) { return toEpochMillis(at(s)); }
  // Columns of "SELECT a, f(b, c), d FROM …": top-level commas + 1.
  static int columns(const std::string& sql) {
    int depth = 0, n = 1;
    for (size_t i = 7; i < sql.size() && sql.compare(i, 6, " FROM ") != 0; ++i) {
      if (sql[i] == '(') depth++;
      else if (sql[i] == ')') depth--;
      else if (sql[i] == ',' && depth == 0) n++;
    }
    return n;
  }
  std::string q(const std::string& sql) {
    auto s = store_->db().prepare(sql);
    EXPECT_TRUE(s.isOk()) << s.status().toString();
    std::string out;
    while (*s->step()) {
      if (!out.empty()) out += ";";
      for (int i = 0; i < columns(sql); ++i) {
        if (i) out += "|";
        out += s->isNull(i) ? "NULL" : s->text(i);
      }
    }
    return out;
  }
  void state(const std::string& ref, int64_t campaign, const std::string& st, int64_t s, const std::string& why = "") {
    Status r = log_->onState(ref, CampaignId(campaign), "site-a", st, why, at(s));
    ASSERT_TRUE(r.isOk()) << r.toString();
  }

  SystemClock clock_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<CallerSessionLog> log_;
};

TEST_F(CallerSessions, LoginPausesAndLogoutWithTheirAuditEvents) {
  state("ann", 1, "paused", 0, "joined");  // a joined caller starts paused
  state("ann", 1, "ready", 60);
  state("ann", 1, "on_call", 70);
  state("ann", 1, "wrap_up", 200);
  state("ann", 1, "ready", 210);
  state("ann", 1, "paused", 300, "lunch");
  state("ann", 1, "paused", 310, "lunch");  // again: nothing new
  state("ann", 1, "ready", 900);
  state("ann", 1, "logged_out", 1000, "logout");
  state("ann", 1, "logged_out", 1010);  // already out: nothing
  EXPECT_EQ(q("SELECT caller_ref, campaign_id, site_id, started_at, ended_at, end_reason FROM caller_sessions"),
            "ann|1|site-a|" + std::to_string(ms(0)) + "|" + std::to_string(ms(1000)) + "|logout");
  EXPECT_EQ(q("SELECT session_id, started_at, ended_at, reason FROM caller_pauses ORDER BY id"),
            "1|" + std::to_string(ms(0)) + "|" + std::to_string(ms(60)) + "|joined;1|" + std::to_string(ms(300)) + "|" +
                std::to_string(ms(900)) + "|lunch");
  EXPECT_EQ(q("SELECT action FROM audit_events ORDER BY seq"),
            "caller.login;caller.pause;caller.pause_end;caller.pause;caller.pause_end;caller.logout");
  EXPECT_EQ(q("SELECT json_extract(payload, '$.seconds') FROM audit_events WHERE action = 'caller.logout'"), "1000.0");
  EXPECT_EQ(log_->openSessions(), 0u);
}

TEST_F(CallerSessions, AnotherCampaignIsAnotherSession) {
  state("bob", 1, "ready", 0);
  state("bob", 2, "ready", 100);
  EXPECT_EQ(q("SELECT campaign_id, ended_at IS NULL, COALESCE(end_reason, '') FROM caller_sessions ORDER BY id"),
            "1|0|campaign_change;2|1|");
  EXPECT_EQ(log_->openSessions(), 1u);
}

TEST_F(CallerSessions, ShutdownClosesAndARestartClosesWhatACrashLeftOpen) {
  state("ann", 1, "ready", 0);
  state("bob", 1, "ready", 0);
  state("bob", 1, "paused", 50, "break");
  ASSERT_TRUE(log_->closeAll(at(100), "daemon_stopped").isOk());
  EXPECT_EQ(q("SELECT COUNT(*) FROM caller_sessions WHERE ended_at = " + std::to_string(ms(100)) +
              " AND end_reason = 'daemon_stopped'"), "2");
  EXPECT_EQ(q("SELECT COUNT(*) FROM caller_pauses WHERE ended_at IS NULL"), "0");
  // A process that dies (no closeAll): the next one closes its sessions at
  // their last recorded change, not at its own start.
  state("cy", 1, "ready", 200);
  state("cy", 1, "paused", 260, "break");
  log_.reset();
  log_ = std::move(CallerSessionLog::open(store_->db(), clock_).value());
  EXPECT_EQ(q("SELECT ended_at, end_reason FROM caller_sessions WHERE caller_ref = 'cy'"),
            std::to_string(ms(260)) + "|daemon_restart");
  EXPECT_EQ(q("SELECT ended_at FROM caller_pauses WHERE reason = 'break' AND started_at = " + std::to_string(ms(260))),
            std::to_string(ms(260)));
  EXPECT_EQ(q("SELECT COUNT(*) FROM audit_events WHERE action = 'caller.logout'"), "3");
  // And cy logs in again: a new session.
  state("cy", 1, "ready", 400);
  EXPECT_EQ(q("SELECT COUNT(*) FROM caller_sessions WHERE caller_ref = 'cy'"), "2");
}

}  // namespace
}  // namespace clearline::storage
