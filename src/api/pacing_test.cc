// The pacing report (GET /api/v1/campaigns/{id}/reports/pacing and .csv)
// against a known set of call rows and ledger rows, through the real
// ApiService: every figure of every bucket, the totals, ranges, bucket sizes,
// bad parameters named by field, and the CSV; callers logged in from known
// caller_sessions / caller_pauses rows.
#include <gtest/gtest.h>

#include "api/api_service.h"
#include "api/pacing.h"
#include "common/time_util.h"

namespace clearline::api {
namespace {

class PacingReport : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(storage::SqliteStore::open(":memory:", clock_).value());
    ApiOptions o;
    o.argon2 = Argon2Params{1, 1024, 1};
    o.rate_per_second = 0;
    service_ = std::make_unique<ApiService>(o, *store_, clock_, metrics_, scope_, nullptr);
    core::Actor actor{"test"};
    auto org = store_->campaigns().createOrganisation("Org", actor);
    for (const char* name : {"A", "B"}) {
      core::Campaign c = core::newCampaign(name, core::PurposeClass::kPolitical);
      c.org_id = org->id;
      ASSERT_TRUE(store_->campaigns().createCampaign(c, actor).isOk());
    }
    AccountStore acc(store_->db(), clock_);
    auto m = acc.createUser("manager1", Role::kCampaignManager, "", "password123", o.argon2, actor);
    token_ = *acc.createApiToken(m->user_id, "t", actor);
    // Campaign 1, 2026-11-28 from 09:00 UTC (times in seconds after 09:00):
    //  1  dialled 60, answered 70 human, bridged 71 to ann, ended 240; ledger: live, kept
    //  2  dialled 120, no answer, ended 150
    //  3  dialled 300, answered 320 machine, ended 340
    //  4  dialled 600, answered 605 human, abandoned, ended 607; ledger: abandoned
    //  5  dialled 840, answered 850 human, bridged 851 to bob, ended 1200 (into the next bucket); ledger: kept
    //  6  dialled 2400, no answer, ended 2420
    //  7  queued 100, never dialled (not placed)
    //  8  campaign 2, dialled 180, answered, bridged (another campaign)
    call(1, 1, 60, 70, "human", 71, 240, false, "ann", 0);
    call(2, 1, 120, -1, "", -1, 150, false, "", -1);
    call(3, 1, 300, 320, "machine", -1, 340, false, "", -1);
    call(4, 1, 600, 605, "human", -1, 607, true, "", 1);
    call(5, 1, 840, 850, "human", 851, 1200, false, "bob", 0);
    call(6, 1, 2400, -1, "", -1, 2420, false, "", -1);
    call(7, 1, -1, -1, "", -1, -1, false, "", -1);
    call(8, 2, 180, 190, "human", 191, 400, false, "cy", 0);
    // Caller sessions (storage/sqlite/caller_sessions.h), seconds after 09:00:
    //  ann  campaign 1, 0 → 1500, paused 300 → 600
    //  bob  campaign 1, 600 → 2000
    //  dan  campaign 1, 1800 → still logged in (idle: handled no call)
    //  cy   campaign 2, 0 → 2700 (another campaign)
    session(1, "ann", 1, 0, 1500);
    pause(1, 300, 600);
    session(2, "bob", 1, 600, 2000);
    session(3, "dan", 1, 1800, -1);
    session(4, "cy", 2, 0, 2700);
  }

  void session(int id, const std::string& ref, int campaign, int64_t from, int64_t to) {
    auto s = store_->db().prepare(
        "INSERT INTO caller_sessions(id, caller_ref, campaign_id, started_at, last_seen_at, ended_at) VALUES (?,?,?,?,?,?)");
    ASSERT_TRUE(s.isOk()) << s.status().toString();
    s->bind(1, id).bind(2, ref).bind(3, campaign).bind(4, at(from)).bind(5, at(from));
    if (to < 0) s->bindNull(6); else s->bind(6, at(to));
    ASSERT_TRUE(s->run().isOk());
  }
  void pause(int session_id, int64_t from, int64_t to) {
    auto s = store_->db().prepare("INSERT INTO caller_pauses(session_id, started_at, ended_at, reason) VALUES (?,?,?,'break')");
    ASSERT_TRUE(s.isOk()) << s.status().toString();
    s->bind(1, session_id).bind(2, at(from)).bind(3, at(to));
    ASSERT_TRUE(s->run().isOk());
  }

  static int64_t at(int64_t s) { return toEpochMillis(*parseIso("2026-11-28T09:00:00Z")) + s * 1000; }

  void call(int id, int campaign, int64_t dialed, int64_t answered, const std::string& by, int64_t bridged,
            int64_t ended, bool abandoned, const std::string& caller, int ledger_abandoned) {
    auto s = store_->db().prepare(
        "INSERT INTO calls(id, campaign_id, called_number, purpose_class, dial_mode, state, queued_at, dialed_at,"
        " answered_at, answered_by, bridged_at, ended_at, abandoned, caller_ref)"
        " VALUES (?,?,'+12025550123','political','predictive','ended',?,?,?,?,?,?,?,?)");
    ASSERT_TRUE(s.isOk()) << s.status().toString();
    auto opt = [](int64_t v) { return v < 0 ? std::nullopt : std::optional<int64_t>(at(v)); };
    s->bind(1, id).bind(2, campaign).bind(3, at(dialed < 0 ? 100 : dialed - 1)).bindOpt(4, opt(dialed))
        .bindOpt(5, opt(answered));
    if (by.empty()) s->bindNull(6); else s->bind(6, by);
    s->bindOpt(7, opt(bridged)).bindOpt(8, opt(ended)).bind(9, abandoned ? 1 : 0);
    if (caller.empty()) s->bindNull(10); else s->bind(10, caller);
    ASSERT_TRUE(s->run().isOk());
    if (ledger_abandoned >= 0) {
      auto l = store_->db().prepare(
          "INSERT INTO abandonment_ledger(call_id, campaign_id, answered_at, abandoned) VALUES (?,?,?,?)");
      ASSERT_TRUE(l.isOk());
      l->bind(1, id).bind(2, campaign).bind(3, at(answered)).bind(4, ledger_abandoned);
      ASSERT_TRUE(l->run().isOk());
    }
  }

  HttpResponse get(const std::string& path) {
    HttpRequest r;
    r.method = "GET";
    r.target = path;
    r.path = path.substr(0, path.find('?'));
    if (path.find('?') != std::string::npos) r.query = parseQuery(path.substr(path.find('?') + 1));
    r.remote = "127.0.0.1";
    r.headers["authorization"] = "Bearer " + token_;
    return service_->handle(r);
  }
  Json report(const std::string& query) {
    HttpResponse r = get("/api/v1/campaigns/1/reports/pacing" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    return Json::parse(r.body);
  }
  void expectFieldError(const std::string& path, const std::string& field) {
    HttpResponse r = get(path);
    EXPECT_EQ(r.status, 400) << path << ": " << r.body;
    Json j = Json::parse(r.body, nullptr, false);
    ASSERT_TRUE(j.is_object() && j.contains("error")) << r.body;
    EXPECT_EQ(j["error"]["code"], "invalid_argument");
    EXPECT_EQ(j["error"]["field"], field) << path << ": " << r.body;
  }

  SystemClock clock_;
  Metrics metrics_;
  FlatEntityScope scope_;
  std::unique_ptr<storage::SqliteStore> store_;
  std::unique_ptr<ApiService> service_;
  std::string token_;
};

TEST_F(PacingReport, FifteenMinuteBucketsFromTheStoredCalls) {
  Json r = report("?bucket=15m");
  EXPECT_EQ(r["campaign_id"], 1);
  EXPECT_EQ(r["bucket_seconds"], 900);
  EXPECT_EQ(r["from"], "2026-11-28T09:00:00.000Z");
  EXPECT_EQ(r["to"], "2026-11-28T09:45:00.000Z");
  ASSERT_EQ(r["buckets"].size(), 3u) << r.dump(1);
  const Json& b0 = r["buckets"][0];
  EXPECT_EQ(b0["start"], "2026-11-28T09:00:00.000Z");
  EXPECT_EQ(b0["end"], "2026-11-28T09:15:00.000Z");
  EXPECT_EQ(b0["placed"], 5);
  EXPECT_EQ(b0["answered"], 4);
  EXPECT_EQ(b0["human"], 3);
  EXPECT_EQ(b0["machine"], 1);
  EXPECT_EQ(b0["bridged"], 2);
  EXPECT_EQ(b0["abandoned"], 1);
  EXPECT_EQ(b0["live_answers"], 3);
  EXPECT_EQ(b0["ledger_abandoned"], 1);
  EXPECT_DOUBLE_EQ(b0["abandon_rate_pct"].get<double>(), 33.33);
  EXPECT_DOUBLE_EQ(b0["answer_rate_pct"].get<double>(), 80.0);
  EXPECT_EQ(b0["callers"], 2);
  // In progress inside 09:00–09:15: 180 + 30 + 40 + 7 + 60 s of 900 s.
  EXPECT_DOUBLE_EQ(b0["lines"].get<double>(), 0.352);
  EXPECT_DOUBLE_EQ(b0["lines_per_caller"].get<double>(), 0.176);
  // Logged in 09:00–09:15: ann 900 s + bob 300 s; ann paused 300 s.
  EXPECT_DOUBLE_EQ(b0["callers_logged_in"].get<double>(), 1.333);
  EXPECT_DOUBLE_EQ(b0["callers_paused"].get<double>(), 0.333);
  EXPECT_DOUBLE_EQ(b0["lines_per_logged_in_caller"].get<double>(), 0.264);  // 317 s / 1,200 s
  // 09:15–09:30: nothing dialled; call 5 still in progress for 300 s.
  const Json& b1 = r["buckets"][1];
  EXPECT_EQ(b1["placed"], 0);
  EXPECT_EQ(b1["callers"], 0);
  EXPECT_TRUE(b1["abandon_rate_pct"].is_null());
  EXPECT_TRUE(b1["answer_rate_pct"].is_null());
  EXPECT_TRUE(b1["lines_per_caller"].is_null());
  EXPECT_DOUBLE_EQ(b1["lines"].get<double>(), 0.333);
  // Nobody handled a call dialled here, but ann (600 s) and bob (900 s) were logged in.
  EXPECT_DOUBLE_EQ(b1["callers_logged_in"].get<double>(), 1.667);
  EXPECT_DOUBLE_EQ(b1["callers_paused"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(b1["lines_per_logged_in_caller"].get<double>(), 0.2);
  // 09:30–09:45: call 6, unanswered, 20 s.
  const Json& b2 = r["buckets"][2];
  EXPECT_EQ(b2["placed"], 1);
  EXPECT_EQ(b2["answered"], 0);
  EXPECT_DOUBLE_EQ(b2["answer_rate_pct"].get<double>(), 0.0);
  EXPECT_TRUE(b2["abandon_rate_pct"].is_null());
  EXPECT_DOUBLE_EQ(b2["lines"].get<double>(), 0.022);
  // bob 200 s, dan (idle, still logged in: counted to the end of the range) 900 s.
  EXPECT_DOUBLE_EQ(b2["callers_logged_in"].get<double>(), 1.222);
  EXPECT_DOUBLE_EQ(b2["lines_per_logged_in_caller"].get<double>(), 0.018);
  const Json& t = r["totals"];
  EXPECT_EQ(t["placed"], 6);
  EXPECT_EQ(t["bridged"], 2);
  EXPECT_EQ(t["abandoned"], 1);
  EXPECT_EQ(t["callers"], 2);
  EXPECT_DOUBLE_EQ(t["abandon_rate_pct"].get<double>(), 33.33);
  EXPECT_DOUBLE_EQ(t["lines"].get<double>(), 0.236);  // (317 + 300 + 20) s over 2,700 s
  EXPECT_DOUBLE_EQ(t["callers_logged_in"].get<double>(), 1.407);  // 3,800 s over 2,700 s (cy's campaign 2 not counted)
  EXPECT_DOUBLE_EQ(t["callers_paused"].get<double>(), 0.111);
  EXPECT_DOUBLE_EQ(t["lines_per_logged_in_caller"].get<double>(), 0.168);
}

TEST_F(PacingReport, RangesAndBucketSizes) {
  // One hour: everything in one bucket.
  Json h = report("?bucket=1h");
  ASSERT_EQ(h["buckets"].size(), 1u);
  EXPECT_EQ(h["buckets"][0]["placed"], 6);
  EXPECT_EQ(h["buckets"][0]["start"], "2026-11-28T09:00:00.000Z");
  // A range lists every bucket in it, empty ones too; calls dialled before it are out.
  Json r = report("?bucket=15m&from=2026-11-28T09:15:00Z&to=2026-11-28T10:00:00Z");
  ASSERT_EQ(r["buckets"].size(), 3u) << r.dump(1);
  EXPECT_EQ(r["buckets"][0]["start"], "2026-11-28T09:15:00.000Z");
  EXPECT_EQ(r["buckets"][0]["placed"], 0);
  EXPECT_DOUBLE_EQ(r["buckets"][0]["lines"].get<double>(), 0.0);
  EXPECT_EQ(r["buckets"][1]["placed"], 1);
  EXPECT_EQ(r["buckets"][2]["placed"], 0);
  EXPECT_EQ(r["totals"]["placed"], 1);
  // Default bucket: 15 minutes.
  EXPECT_EQ(report("")["bucket_seconds"], 900);
  // Another campaign's calls only in its own report.
  HttpResponse other = get("/api/v1/campaigns/2/reports/pacing?bucket=1h");
  ASSERT_EQ(other.status, 200) << other.body;
  EXPECT_EQ(Json::parse(other.body)["totals"]["placed"], 1);
  // No calls, no range: no buckets.
  ASSERT_TRUE(store_->db().exec("DELETE FROM abandonment_ledger; DELETE FROM calls").isOk());
  Json empty = report("?bucket=15m");
  EXPECT_EQ(empty["buckets"].size(), 0u);
  EXPECT_EQ(empty["totals"]["placed"], 0);
}

TEST_F(PacingReport, BadParametersAreNamed) {
  expectFieldError("/api/v1/campaigns/1/reports/pacing?bucket=7x", "bucket");
  expectFieldError("/api/v1/campaigns/1/reports/pacing?bucket=30s", "bucket");
  expectFieldError("/api/v1/campaigns/1/reports/pacing?bucket=0m", "bucket");
  expectFieldError("/api/v1/campaigns/1/reports/pacing?bucket=25h", "bucket");
  expectFieldError("/api/v1/campaigns/1/reports/pacing?bucket=m", "bucket");
  expectFieldError("/api/v1/campaigns/1/reports/pacing?bucket=1m&from=2026-01-01&to=2026-02-01", "bucket");
  expectFieldError("/api/v1/campaigns/1/reports/pacing?from=yesterday", "from");
  expectFieldError("/api/v1/campaigns/1/reports/pacing.csv?bucket=7x", "bucket");
  expectFieldError("/api/v1/campaigns/x/reports/pacing", "id");
  EXPECT_EQ(get("/api/v1/campaigns/99/reports/pacing").status, 404);
}

TEST_F(PacingReport, CsvHasOneRowPerBucket) {
  HttpResponse r = get("/api/v1/campaigns/1/reports/pacing.csv?bucket=15m");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type.rfind("text/csv", 0), 0u);
  bool named = false;
  for (auto& [k, v] : r.headers)
    named |= k == "Content-Disposition" && v.find("campaign-1-pacing-15m.csv") != std::string::npos;
  EXPECT_TRUE(named);
  EXPECT_EQ(r.body,
            "start,end,placed,answered,human,machine,bridged,abandoned,live_answers,ledger_abandoned,"
            "abandon_rate_pct,answer_rate_pct,lines,callers,lines_per_caller,callers_logged_in,callers_paused,"
            "lines_per_logged_in_caller\r\n"
            "2026-11-28T09:00:00.000Z,2026-11-28T09:15:00.000Z,5,4,3,1,2,1,3,1,33.33,80.00,0.352,2,0.176,1.333,0.333,0.264\r\n"
            "2026-11-28T09:15:00.000Z,2026-11-28T09:30:00.000Z,0,0,0,0,0,0,0,0,,,0.333,0,,1.667,0.000,0.200\r\n"
            "2026-11-28T09:30:00.000Z,2026-11-28T09:45:00.000Z,1,0,0,0,0,0,0,0,,0.00,0.022,0,,1.222,0.000,0.018\r\n");
}

TEST(PacingBucket, Parses) {
  EXPECT_EQ(parsePacingBucket("15m").value(), Millis(900000));
  EXPECT_EQ(parsePacingBucket("1h").value(), Millis(3600000));
  EXPECT_EQ(parsePacingBucket("300s").value(), Millis(300000));
  EXPECT_EQ(parsePacingBucket("24h").value(), Millis(86400000));
  EXPECT_FALSE(parsePacingBucket("59s").isOk());
  EXPECT_FALSE(parsePacingBucket("-5m").isOk());
  EXPECT_FALSE(parsePacingBucket("15").isOk());
  EXPECT_FALSE(parsePacingBucket("99999999999h").isOk());
}

}  // namespace
}  // namespace clearline::api
