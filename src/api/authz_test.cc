// The authorization matrix: every route × every role (and anonymous), through
// the real ApiService, plus record-level checks (a caller on another caller's
// call; a vendor supervisor on another vendor's entity) and CSRF.
#include <gtest/gtest.h>

#include "api/api_service.h"
#include "api/records.h"
#include "core/vendor/import_doc.h"
#include "storage/sqlite/vendor_store.h"

#include <fstream>
#include <sstream>

namespace clearline::api {
namespace {

class FakeConsole final : public ConsolePort {
 public:
  Result<Json> join(const Principal&, CampaignId) override { return Json{{"allowed", true}}; }
  Result<Json> setState(const Principal&, const std::string&, const std::string&) override { return Json::object(); }
  Result<Json> snapshot(const Principal&) override { return Json::object(); }
  Result<Json> nextLead(const Principal&) override { return Json{{"lead", nullptr}}; }
  Result<Json> dial(const Principal&, ContactId) override { return Json::object(); }
  Result<Json> skipLead(const Principal&) override { return Json{{"skipped", true}}; }
  Status dispositioned(const std::string&, CallId, std::optional<TimePoint>) override {
    return Status::ok();
  }
  Result<Json> live(CampaignId) override { return Json::object(); }
};

class AuthzMatrix : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(storage::SqliteStore::open(":memory:", clock_).value());
    ApiOptions o;
    o.argon2 = Argon2Params{1, 1024, 1};
    o.rate_per_second = 0;
    o.login_per_minute = 1000;
    service_ = std::make_unique<ApiService>(o, *store_, clock_, metrics_, scope_, &console_);
    AccountStore acc(store_->db(), clock_);
    core::Actor actor{"test"};
    for (Role r : allRoles()) {
      std::string name = std::string(toString(r)) + "1";
      std::string entity = r == Role::kVendorSupervisor ? "vendor-a" : (r == Role::kCaller ? "site-a" : "");
      auto p = acc.createUser(name, r, entity, "password123", o.argon2, actor);
      ASSERT_TRUE(p.isOk()) << p.status().toString();
      tokens_[r] = *acc.createApiToken(p->user_id, "t", actor);
    }
    auto other = acc.createUser("caller2", Role::kCaller, "site-b", "password123", o.argon2, actor);
    other_caller_token_ = *acc.createApiToken(other->user_id, "t", actor);
    auto org = store_->campaigns().createOrganisation("Org", actor);
    core::Campaign c0 = core::newCampaign("C", core::PurposeClass::kPolitical);
    c0.org_id = org->id;
    auto camp = store_->campaigns().createCampaign(c0, actor);
    ASSERT_TRUE(camp.isOk()) << camp.status().toString();
    auto contact = createContact(store_->db(), clock_, camp->id, Json{{"phone", "+12025550123"}}, actor);
    ASSERT_TRUE(contact.isOk()) << contact.status().toString();
    ASSERT_TRUE(store_->db().exec(
        "INSERT INTO calls(id, campaign_id, contact_id, called_number, purpose_class, dial_mode, state, caller_ref)"
        " VALUES (1, 1, 1, '+12025550123', 'political', 'preview', 'bridged', 'caller1')").isOk());
  }

  HttpResponse send(const std::string& method, const std::string& path, const std::string& token,
                    const std::string& body = "{}") {
    HttpRequest r;
    r.method = method;
    r.target = path;
    r.path = path.substr(0, path.find('?'));
    if (path.find('?') != std::string::npos) r.query = parseQuery(path.substr(path.find('?') + 1));
    r.body = body;
    r.remote = "127.0.0.1";
    if (!token.empty()) r.headers["authorization"] = "Bearer " + token;
    return service_->handle(r);
  }

  static std::string concrete(std::string pattern) {
    for (size_t p; (p = pattern.find('{')) != std::string::npos;)
      pattern.replace(p, pattern.find('}', p) - p + 1, "1");
    return pattern;
  }

  SystemClock clock_;
  Metrics metrics_;
  FlatEntityScope scope_;
  FakeConsole console_;
  std::unique_ptr<storage::SqliteStore> store_;
  std::unique_ptr<ApiService> service_;
  std::map<Role, std::string> tokens_;
  std::string other_caller_token_;
};

TEST_F(AuthzMatrix, EveryRouteTimesEveryRole) {
  int checked = 0;
  for (const Route& route : ApiService::routes()) {
    if (route.websocket) continue;
    std::string path = concrete(route.pattern);
    // Anonymous: 401 on everything that is not public.
    HttpResponse anon = send(route.method, path, "");
    if (route.action == Action::kPublic) {
      EXPECT_NE(anon.status, 401) << route.method << " " << route.pattern;
    } else {
      EXPECT_EQ(anon.status, 401) << route.method << " " << route.pattern << ": " << anon.body;
    }
    for (Role role : allRoles()) {
      Principal p;
      p.role = role;
      p.name = std::string(toString(role)) + "1";
      p.entity_id = role == Role::kVendorSupervisor ? "vendor-a" : "";
      bool expected = authorize(&p, route.action, Target{}, scope_).allowed;
      if (route.pattern == "/api/v1/login" || route.pattern == "/api/v1/logout") continue;
      HttpResponse r = send(route.method, path, tokens_[role]);
      if (expected) {
        EXPECT_NE(r.status, 401) << toString(role) << " " << route.method << " " << route.pattern << ": " << r.body;
        EXPECT_NE(r.status, 403) << toString(role) << " " << route.method << " " << route.pattern << ": " << r.body;
      } else {
        EXPECT_EQ(r.status, 403) << toString(role) << " " << route.method << " " << route.pattern << ": " << r.body;
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 100);
}

TEST_F(AuthzMatrix, UnknownApiPathIs401ForStrangers) {
  EXPECT_EQ(send("GET", "/api/v1/nope", "").status, 401);
  EXPECT_EQ(send("GET", "/api/v1/nope", tokens_[Role::kAdministrator]).status, 404);
}

TEST_F(AuthzMatrix, CallerCannotTouchAnotherCallersCall) {
  EXPECT_EQ(send("GET", "/api/v1/calls/1", tokens_[Role::kCaller]).status, 200);
  EXPECT_EQ(send("GET", "/api/v1/calls/1", other_caller_token_).status, 403);
  EXPECT_EQ(send("POST", "/api/v1/calls/1/disposition", other_caller_token_, R"({"code":"support"})").status, 403);
  EXPECT_EQ(send("POST", "/api/v1/calls/1/disposition", tokens_[Role::kCaller], R"({"code":"support"})").status, 200);
}

TEST_F(AuthzMatrix, VendorSupervisorIsScopedToItsSubtree) {
  Principal v;
  v.role = Role::kVendorSupervisor;
  v.name = "v";
  v.entity_id = "vendor-a";
  EXPECT_TRUE(authorize(&v, Action::kVendorRead, Target{"vendor-a", {}}, scope_).allowed);
  EXPECT_FALSE(authorize(&v, Action::kVendorRead, Target{"vendor-b", {}}, scope_).allowed);
  EXPECT_FALSE(authorize(&v, Action::kVendorWrite, Target{"vendor-b", {}}, scope_).allowed);
  EXPECT_FALSE(authorize(&v, Action::kContactRead, Target{}, scope_).allowed);
  EXPECT_FALSE(authorize(&v, Action::kAuditRead, Target{}, scope_).allowed);
}

// The 2019 chain: ProCom's supervisor asks for the prime vendor's site and
// for its own, by id; the prime's supervisor sees its subcontractor's site.
TEST_F(AuthzMatrix, VendorSupervisorCannotOpenAnotherVendorsRecordsById) {
  std::ifstream in(std::string(CLEARLINE_SOURCE_DIR) + "/data/examples/2019-case.json");
  std::stringstream ss;
  ss << in.rdbuf();
  auto doc = core::vendor::decodeImportDocument(ss.str(), 1);
  ASSERT_TRUE(doc.isOk()) << doc.status().toString();
  storage::SqliteVendorStore vs(store_->db(), clock_, "/tmp");
  auto imported = vs.importChain(*doc, std::string(CLEARLINE_SOURCE_DIR) + "/data/examples", core::Actor{"test"});
  ASSERT_TRUE(imported.isOk()) << imported.status().toString();
  AccountStore acc(store_->db(), clock_);
  Argon2Params cheap{1, 1024, 1};
  auto procom = acc.createUser("procom-sup", Role::kVendorSupervisor, "procom", "password123", cheap, core::Actor{"t"});
  auto prime = acc.createUser("prime-sup", Role::kVendorSupervisor, "prime-vendor", "password123", cheap, core::Actor{"t"});
  std::string procom_token = *acc.createApiToken(procom->user_id, "t", core::Actor{"t"});
  std::string prime_token = *acc.createApiToken(prime->user_id, "t", core::Actor{"t"});
  EXPECT_EQ(send("GET", "/api/v1/vendor/records/site/site-prime-dc", procom_token).status, 404);
  EXPECT_EQ(send("GET", "/api/v1/vendor/records/entity/prime-vendor", procom_token).status, 404);
  EXPECT_EQ(send("GET", "/api/v1/vendor/records/site/site-eddie-warrior", procom_token).status, 200);
  EXPECT_EQ(send("GET", "/api/v1/vendor/records/site/site-eddie-warrior", prime_token).status, 200);
  EXPECT_EQ(send("GET", "/api/v1/vendor/records/site/site-prime-dc", tokens_[Role::kAuditor]).status, 200);
  EXPECT_EQ(send("GET", "/api/v1/vendor/records/site/site-prime-dc", tokens_[Role::kCaller]).status, 403);
  Json listed = Json::parse(send("GET", "/api/v1/vendor/records?kind=site", procom_token).body);
  for (auto& item : listed["items"]) EXPECT_NE(item["id"], "site-prime-dc");
  EXPECT_EQ(listed["items"].size(), 2u);
  // Writes by id: ProCom cannot write the prime vendor's site (nor plant a
  // caller there); it may write its own; the record stays at version 1.
  Json prime_site = Json::parse(send("GET", "/api/v1/vendor/records/site/site-prime-dc", prime_token).body)["data"];
  prime_site["name"] = "hijacked";
  EXPECT_EQ(send("POST", "/api/v1/vendor/records", procom_token, Json{{"kind", "site"}, {"data", prime_site}}.dump()).status, 403);
  Json planted{{"ref", "caller-planted"}, {"site_id", "site-prime-dc"}, {"engagement_id", "eng-procom"}, {"worker_category", "employee"}};
  EXPECT_EQ(send("POST", "/api/v1/vendor/records", procom_token, Json{{"kind", "caller"}, {"data", planted}}.dump()).status, 403);
  Json after = Json::parse(send("GET", "/api/v1/vendor/records/site/site-prime-dc", prime_token).body);
  EXPECT_EQ(after["version"], 1);
  EXPECT_NE(after["data"]["name"], "hijacked");
  Json own = Json::parse(send("GET", "/api/v1/vendor/records/site/site-procom-vineland", procom_token).body)["data"];
  own["max_seats"] = 25;
  HttpResponse own_write = send("POST", "/api/v1/vendor/records", procom_token, Json{{"kind", "site"}, {"data", own}}.dump());
  EXPECT_EQ(own_write.status, 200) << own_write.body;
  EXPECT_EQ(send("POST", "/api/v1/vendor/records", tokens_[Role::kCaller], Json{{"kind", "site"}, {"data", own}}.dump()).status, 403);
  HttpResponse disc = send("GET", "/api/v1/campaigns/1/disclosure", tokens_[Role::kCampaignManager]);
  EXPECT_EQ(disc.status, 200) << disc.body;
  EXPECT_EQ(send("GET", "/api/v1/campaigns/1/disclosure", procom_token).status, 403);
}

TEST_F(AuthzMatrix, AuditorIsReadOnly) {
  Principal a;
  a.role = Role::kAuditor;
  a.name = "a";
  for (Action act : allActions()) {
    bool writes = act == Action::kCampaignWrite || act == Action::kListWrite || act == Action::kContactWrite ||
                  act == Action::kDisposition || act == Action::kConsole || act == Action::kVendorWrite ||
                  act == Action::kUserAdmin;
    if (writes) {
      EXPECT_FALSE(authorize(&a, act, Target{}, scope_).allowed) << toString(act);
    }
  }
}

TEST_F(AuthzMatrix, SessionCookieNeedsCsrfTokenOnWrites) {
  HttpRequest login;
  login.method = "POST";
  login.path = login.target = "/api/v1/login";
  login.body = R"({"name":"administrator1","password":"password123"})";
  login.remote = "127.0.0.1";
  HttpResponse lr = service_->handle(login);
  ASSERT_EQ(lr.status, 200) << lr.body;
  std::string cookie;
  for (auto& [k, v] : lr.headers)
    if (k == "Set-Cookie") cookie = v.substr(0, v.find(';'));
  ASSERT_NE(cookie.find("HttpOnly"), 0u);
  bool strict = false;
  for (auto& [k, v] : lr.headers)
    if (k == "Set-Cookie") strict = v.find("SameSite=Strict") != std::string::npos && v.find("HttpOnly") != std::string::npos;
  EXPECT_TRUE(strict);
  std::string csrf = Json::parse(lr.body)["csrf_token"];
  HttpRequest r;
  r.method = "POST";
  r.path = r.target = "/api/v1/campaigns";
  r.body = R"({"name":"X","purpose":"political"})";
  r.remote = "127.0.0.1";
  r.headers["cookie"] = cookie;
  EXPECT_EQ(service_->handle(r).status, 403);
  r.headers["x-csrf-token"] = "wrong";
  EXPECT_EQ(service_->handle(r).status, 403);
  r.headers["x-csrf-token"] = csrf;
  EXPECT_EQ(service_->handle(r).status, 201);
}

TEST_F(AuthzMatrix, LockoutAfterRepeatedFailures) {
  HttpRequest login;
  login.method = "POST";
  login.path = login.target = "/api/v1/login";
  login.remote = "127.0.0.1";
  login.body = R"({"name":"caller1","password":"wrong-password"})";
  for (int i = 0; i < 5; ++i) EXPECT_EQ(service_->handle(login).status, 401);
  login.body = R"({"name":"caller1","password":"password123"})";
  HttpResponse r = service_->handle(login);
  EXPECT_EQ(r.status, 429) << r.body;
}

TEST_F(AuthzMatrix, IdempotencyKeyReplaysTheFirstAnswer) {
  HttpRequest r;
  r.method = "POST";
  r.path = r.target = "/api/v1/campaigns";
  r.body = R"({"name":"Once","purpose":"political"})";
  r.remote = "127.0.0.1";
  r.headers["authorization"] = "Bearer " + tokens_[Role::kCampaignManager];
  r.headers["idempotency-key"] = "abc";
  HttpResponse a = service_->handle(r);
  HttpResponse b = service_->handle(r);
  ASSERT_EQ(a.status, 201);
  EXPECT_EQ(b.status, 201);
  EXPECT_EQ(a.body, b.body);
  auto all = store_->campaigns().listCampaigns(OrgId());
  EXPECT_EQ(all->size(), 2u);  // the fixture's and one "Once"
}

TEST_F(AuthzMatrix, StrictJsonNamesTheField) {
  HttpResponse r = send("POST", "/api/v1/campaigns/1/contacts", tokens_[Role::kAdministrator],
                        R"({"phone":"+12025550123","nickname":"x"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Json::parse(r.body)["error"]["field"], "nickname");
  r = send("POST", "/api/v1/campaigns/1/contacts", tokens_[Role::kAdministrator], R"({"phone":5})");
  EXPECT_EQ(Json::parse(r.body)["error"]["field"], "phone");
  r = send("POST", "/api/v1/campaigns/1/contacts", tokens_[Role::kAdministrator], "[[[[");
  EXPECT_EQ(r.status, 400);
}

}  // namespace
}  // namespace clearline::api
